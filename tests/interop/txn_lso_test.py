#!/usr/bin/python3
# tests/interop/txn_lso_test.py BROKER_BINARY
#
# The last stable offset holds read_committed readers back. On partition 0 of
# "lso": a transactional producer writes t0 t1 and keeps its transaction open;
# then a plain (idempotent, non-transactional) producer writes n0 n1. Asserts:
#  - a read_committed consumer gets nothing for 2 s: neither the open
#    transaction's records nor the plain records after them (they are past
#    the LSO);
#  - a read_uncommitted consumer meanwhile gets t0 t1 n0 n1;
#  - after the commit, the read_committed consumer (same one, still polling)
#    gets t0 t1 n0 n1 in that order, at offsets 0 1 2 3, within 10 s.
import sys

from txn_common import Broker, fail, flush, keep_reading, read, run


def main():
    broker = Broker(sys.argv)
    broker.create_topic("lso", 1)
    txn = broker.producer("lso-txn")
    txn.init_transactions(15)
    txn.begin_transaction()
    txn.produce("lso", value=b"t0", partition=0)
    txn.produce("lso", value=b"t1", partition=0)
    flush(txn)
    plain = broker.producer()
    plain.produce("lso", value=b"n0", partition=0)
    plain.produce("lso", value=b"n1", partition=0)
    flush(plain)

    committed = broker.consumer("read_committed")
    recs, _ = read(committed, [("lso", 0)], timeout=2, until=lambda r: False)
    broker.expect(recs == [], "read_committed got records past the LSO: %r" % recs)

    uncommitted = broker.consumer("read_uncommitted")
    urecs, _ = read(uncommitted, [("lso", 0)], timeout=10, until=lambda r: len(r) >= 4)
    got = [(r[2], r[3]) for r in urecs]
    if got != [(0, b"t0"), (1, b"t1"), (2, b"n0"), (3, b"n1")]:
        fail("read_uncommitted: %r" % got)
    uncommitted.close()

    txn.commit_transaction(15)
    keep_reading(committed, recs, 10, until=lambda r: len(r) >= 4)
    got = [(r[2], r[3]) for r in recs]
    if got != [(0, b"t0"), (1, b"t1"), (2, b"n0"), (3, b"n1")]:
        fail("read_committed after the commit: %r" % got)
    committed.close()
    print("read_committed waited at the LSO, then read", got)
    broker.check_log_clean()


if __name__ == "__main__":
    run(main)
