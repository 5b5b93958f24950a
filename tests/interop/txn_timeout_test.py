#!/usr/bin/python3
# tests/interop/txn_timeout_test.py BROKER_BINARY
#
# The coordinator aborts a transaction that outlives its timeout. The broker
# runs with transaction.abort.timed.out.transaction.cleanup.interval.ms=200.
# Producer S (transaction.timeout.ms=1000) writes s0 s1 to "tmo" in a
# transaction and then stalls. Producer G (another transactional.id) commits
# g0 to the same partition right after. Asserts:
#  - a read_committed consumer gets g0 within 8 s (the LSO is not stuck
#    behind the stalled transaction), and s0 s1 never (they were aborted);
#  - read_uncommitted shows s0 s1 g0 (the stalled records were in the log);
#  - S, trying to commit after the timeout, fails fatally with a fencing
#    error (the coordinator bumped its epoch when it aborted).
import sys
import time

from confluent_kafka import KafkaError, KafkaException

from txn_common import SKIP, Broker, fail, flush, keep_reading, read, run

FENCING = {KafkaError._FENCED, KafkaError.PRODUCER_FENCED, KafkaError.INVALID_PRODUCER_EPOCH}


def main():
    broker = Broker(sys.argv, sets=["transaction.abort.timed.out.transaction.cleanup.interval.ms=200"])
    if broker.mock:
        print("the mock cluster does not time transactions out")
        return SKIP
    broker.create_topic("tmo", 1)
    stalled = broker.producer("stalls", transaction_timeout_ms=1000)
    stalled.init_transactions(15)
    stalled.begin_transaction()
    stalled.produce("tmo", value=b"s0", partition=0)
    stalled.produce("tmo", value=b"s1", partition=0)
    flush(stalled)
    stalled_at = time.time()

    good = broker.producer("goes-on")
    good.init_transactions(15)
    good.begin_transaction()
    good.produce("tmo", value=b"g0", partition=0)
    good.commit_transaction(15)

    c = broker.consumer("read_committed")
    recs, _ = read(c, [("tmo", 0)], timeout=8, until=lambda r: len(r) >= 1)
    waited = time.time() - stalled_at
    keep_reading(c, recs, 1)  # anything else would show up now
    got = [r[3] for r in recs]
    if got != [b"g0"]:
        fail("read_committed %.1f s after the stall: %r (want [g0])" % (waited, got))
    print("read_committed got g0 %.1f s after the stalled transaction began" % waited)
    c.close()

    c = broker.consumer("read_uncommitted")
    recs, _ = read(c, [("tmo", 0)], timeout=10)
    got = [r[3] for r in recs]
    if got != [b"s0", b"s1", b"g0"]:
        fail("read_uncommitted: %r" % got)
    c.close()

    try:
        stalled.commit_transaction(15)
        fail("the timed-out transaction committed")
    except KafkaException as e:
        err = e.args[0]
        print("stalled producer's commit:", err)
        if not err.fatal() or err.code() not in FENCING:
            fail("the stalled producer is not fenced: %s" % err)
    broker.check_log_clean()


if __name__ == "__main__":
    run(main)
