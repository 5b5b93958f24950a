#!/usr/bin/python3
# tests/interop/txn_broker_kill_test.py BROKER_BINARY
#
# The broker is SIGKILLed in the middle of transactions and restarted on the
# same data directory (disk mode; cleanup interval 200 ms).
#
# (a) Before EndTxn. Producer A ("kill-reinit") has a0 a1 on partition 0 of
#     "crash" in an open transaction; producer B ("kill-timeout",
#     transaction.timeout.ms=3000) has b0 b1 on partition 1. SIGKILL, restart.
#     Asserts: a new producer with A's transactional.id initialises (which
#     aborts A's transaction); with B left alone, the restarted coordinator
#     aborts B's transaction by its timeout; a read_committed consumer then
#     gets the plain records p0 (partition 0) and p1 (partition 1) written
#     after the restart within 20 s, and never a0 a1 b0 b1.
# (b) After PrepareCommit. The broker restarts with the test hook
#     brook.testing.txn.stall=after-prepare; producer C ("kill-commit") writes
#     c0 c1 to partition 0 and calls commit_transaction; the coordinator
#     writes PrepareCommit to __transaction_state, logs "stalled after
#     Prepare" and stops; SIGKILL, restart without the hook. Asserts: the
#     transaction is completed as a commit: read_committed gets c0 c1 (after
#     p0) within 20 s; C's retried commit_transaction succeeds (the
#     coordinator answers a retried commit of a completed commit with success).
import signal
import sys
import threading

from confluent_kafka import KafkaException

from txn_common import SKIP, Broker, fail, flush, keep_reading, read, run

CLEANUP = "transaction.abort.timed.out.transaction.cleanup.interval.ms=200"


def main():
    broker = Broker(sys.argv, sets=[CLEANUP])
    if broker.mock:
        print("the mock cluster cannot be restarted with its state")
        return SKIP
    broker.create_topic("crash", 2)

    # (a) SIGKILL with two open transactions.
    a = broker.producer("kill-reinit")
    a.init_transactions(15)
    a.begin_transaction()
    a.produce("crash", value=b"a0", partition=0)
    a.produce("crash", value=b"a1", partition=0)
    flush(a)
    b = broker.producer("kill-timeout", transaction_timeout_ms=3000)
    b.init_transactions(15)
    b.begin_transaction()
    b.produce("crash", value=b"b0", partition=1)
    b.produce("crash", value=b"b1", partition=1)
    flush(b)
    broker.kill(signal.SIGKILL)
    broker.start([CLEANUP])
    print("(a) broker killed with two open transactions and restarted")

    a2 = broker.producer("kill-reinit")
    a2.init_transactions(30)
    plain = broker.producer()
    plain.produce("crash", value=b"p0", partition=0)
    plain.produce("crash", value=b"p1", partition=1)
    flush(plain)
    c = broker.consumer("read_committed")
    recs, _ = read(c, [("crash", 0), ("crash", 1)], timeout=20, until=lambda r: len(r) >= 2)
    keep_reading(c, recs, 1)
    c.close()
    got = sorted((r[1], r[3]) for r in recs)
    if got != [(0, b"p0"), (1, b"p1")]:
        fail("(a) read_committed after the restart: %r (want p0 on 0, p1 on 1)" % got)
    print("(a) both transactions aborted; read_committed unblocked:", got)

    # (b) SIGKILL after PrepareCommit.
    broker.kill(signal.SIGKILL)
    broker.start([CLEANUP, "brook.testing.txn.stall=after-prepare"])
    p = broker.producer("kill-commit")
    p.init_transactions(30)
    p.begin_transaction()
    p.produce("crash", value=b"c0", partition=0)
    p.produce("crash", value=b"c1", partition=0)
    flush(p)
    outcome = []

    def commit():
        try:
            p.commit_transaction(10)
            outcome.append("committed")
        except KafkaException as e:
            outcome.append(e.args[0])

    t = threading.Thread(target=commit)
    t.start()
    broker.wait_log("stalled after Prepare", timeout=10)
    broker.kill(signal.SIGKILL)
    t.join(20)
    print("(b) commit_transaction while the broker stalled and died:", outcome)
    broker.start([CLEANUP])

    c = broker.consumer("read_committed")
    recs, _ = read(c, [("crash", 0)], timeout=20, until=lambda r: len(r) >= 3)
    keep_reading(c, recs, 1)
    c.close()
    got = [r[3] for r in recs]
    if got != [b"p0", b"c0", b"c1"]:
        fail("(b) read_committed after the restart: %r (want p0 c0 c1)" % got)
    print("(b) the prepared commit completed after the restart:", got)
    if not (outcome and isinstance(outcome[0], str)):  # not "committed"
        err = outcome[0] if outcome else None
        if err is not None and not err.retriable():
            fail("(b) commit_transaction failed for good: %s" % err)
        p.commit_transaction(30)
        print("(b) the retried commit_transaction succeeded")
    broker.check_log_clean()


if __name__ == "__main__":
    run(main)
