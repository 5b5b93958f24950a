#!/usr/bin/python3
# tests/interop/txn_commit_abort_test.py BROKER_BINARY
#
# A confluent_kafka transactional producer commits one transaction (c0..c2)
# and aborts another (a0..a2) on partition 0 of "tx", then a plain producer
# appends p0. Asserts:
#  - read_committed gets exactly c0 c1 c2 p0, in order;
#  - read_uncommitted gets c0 c1 c2 a0 a1 a2 p0;
#  - the control records (commit and abort markers) take offsets but are
#    never delivered: data offsets are 0-2, 4-6 and 8; a read_committed
#    consumer that has read everything is at end of partition with its next
#    fetch offset (the EOF offset) equal to the high watermark, past the last
#    marker, not at the last data offset + 1;
#  - abort and commit both return without error.
import sys

from txn_common import Broker, flush, read, run


def main():
    broker = Broker(sys.argv)
    broker.create_topic("tx", 1)
    p = broker.producer("commit-abort")
    p.init_transactions(15)

    p.begin_transaction()
    for i in range(3):
        p.produce("tx", value=b"c%d" % i, partition=0)
    p.commit_transaction(15)

    p.begin_transaction()
    for i in range(3):
        p.produce("tx", value=b"a%d" % i, partition=0)
    flush(p)  # the aborted records are in the log, not only in the client
    p.abort_transaction(15)

    # Before the plain record: read_committed ends right after the abort marker.
    c = broker.consumer("read_committed")
    recs, eof = read(c, [("tx", 0)], timeout=15)
    broker.expect([(r[2], r[3]) for r in recs] == [(0, b"c0"), (1, b"c1"), (2, b"c2")],
                  "read_committed before p0: %r" % [(r[2], r[3]) for r in recs])
    _, high = c.get_watermark_offsets(c.assignment()[0], timeout=10, cached=False)
    broker.expect(high == 8, "high watermark after 6 data records and 2 markers: %d" % high)
    broker.expect(eof.get(("tx", 0)) == 8,
                  "read_committed EOF (next fetch) offset %r, want 8 (past both markers)" % eof)
    c.close()

    plain = broker.producer()
    plain.produce("tx", value=b"p0", partition=0)
    flush(plain)

    c = broker.consumer("read_committed")
    recs, eof = read(c, [("tx", 0)], timeout=15)
    got = [(r[2], r[3]) for r in recs]
    broker.expect(got == [(0, b"c0"), (1, b"c1"), (2, b"c2"), (8, b"p0")],
                  "read_committed: %r" % got)
    broker.expect(eof.get(("tx", 0)) == 9, "read_committed EOF offset %r, want 9" % eof)
    pos = c.position(c.assignment())[0].offset
    broker.expect(pos == 9, "read_committed position %d, want 9" % pos)
    c.close()

    c = broker.consumer("read_uncommitted")
    recs, eof = read(c, [("tx", 0)], timeout=15)
    got = [(r[2], r[3]) for r in recs]
    want = [(0, b"c0"), (1, b"c1"), (2, b"c2"), (4, b"a0"), (5, b"a1"), (6, b"a2"), (8, b"p0")]
    broker.expect(got == want, "read_uncommitted: %r" % got)
    c.close()
    print("read_committed and read_uncommitted as expected; markers at 3 and 7 skipped")
    broker.check_log_clean()


if __name__ == "__main__":
    run(main)
