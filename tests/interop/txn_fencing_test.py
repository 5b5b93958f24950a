#!/usr/bin/python3
# tests/interop/txn_fencing_test.py BROKER_BINARY
#
# Zombie fencing. Producer A (transactional.id "fence") opens a transaction
# and writes z0 z1 to "fence"; producer B with the same transactional.id calls
# init_transactions. Asserts:
#  - B's init_transactions succeeds (the coordinator aborts A's open
#    transaction and bumps the epoch);
#  - A's next operation (produce + commit) fails with a fatal error, a fencing
#    one (_FENCED, PRODUCER_FENCED or INVALID_PRODUCER_EPOCH), and A's
#    records are never delivered to read_committed;
#  - B commits b0 b1; read_committed gets exactly b0 b1 (A's z0 z1 are in the
#    log: read_uncommitted gets z0 z1 b0 b1; z2, produced with the old epoch
#    after the fence, was refused).
import sys

from confluent_kafka import KafkaError, KafkaException

from txn_common import Broker, fail, flush, read, run

FENCING = {KafkaError._FENCED, KafkaError.PRODUCER_FENCED, KafkaError.INVALID_PRODUCER_EPOCH}


def main():
    broker = Broker(sys.argv)
    broker.create_topic("fence", 1)
    a = broker.producer("fence")
    a.init_transactions(15)
    a.begin_transaction()
    a.produce("fence", value=b"z0", partition=0)
    a.produce("fence", value=b"z1", partition=0)
    flush(a)

    b = broker.producer("fence")
    b.init_transactions(30)

    # A is a zombie now: whatever it does next fails, fatally.
    delivery_errors = []
    try:
        a.produce("fence", value=b"z2", partition=0,
                  on_delivery=lambda err, _m: delivery_errors.append(err))
        a.flush(10)
        a.commit_transaction(15)
        broker.expect(False, "the fenced producer committed (delivery errors %r)" % delivery_errors)
    except KafkaException as e:
        err = e.args[0]
        print("fenced producer:", err)
        if not err.fatal():
            fail("the fenced producer's error is not fatal: %s" % err)
        if err.code() not in FENCING:
            fail("not a fencing error: %s" % err)

    b.begin_transaction()
    b.produce("fence", value=b"b0", partition=0)
    b.produce("fence", value=b"b1", partition=0)
    b.commit_transaction(15)

    c = broker.consumer("read_committed")
    recs, _ = read(c, [("fence", 0)], timeout=15)
    got = [r[3] for r in recs]
    broker.expect(got == [b"b0", b"b1"], "read_committed: %r" % got)
    c.close()
    c = broker.consumer("read_uncommitted")
    recs, _ = read(c, [("fence", 0)], timeout=15)
    got = [r[3] for r in recs]
    broker.expect(got == [b"z0", b"z1", b"b0", b"b1"], "read_uncommitted: %r" % got)
    c.close()
    print("A fenced by B; read_committed sees only B's transaction")
    broker.check_log_clean()


if __name__ == "__main__":
    run(main)
