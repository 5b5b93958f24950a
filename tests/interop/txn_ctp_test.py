#!/usr/bin/python3
# tests/interop/txn_ctp_test.py BROKER_BINARY
#
# Consume-transform-produce, exactly once, across a crash: the funds-transfer
# story. "in" (2 partitions) holds 240 transfers "T<id>,acct<k>,<amount>",
# each debiting an account. A processor process (txn_ctp_processor.py, group
# "proc", read_committed, transactional.id "ctp-proc") applies each transfer by
# writing it to the same partition of "out", in transactions of 8 records that
# also carry the consumed offsets (send_offsets_to_transaction). After five
# commits the harness SIGKILLs the processor while a transaction is open (its
# records written, not committed), restarts it with the same transactional.id,
# and lets it run to the end of "in". Asserts:
#  - the restarted processor exits 0 by itself (it stops once the group's
#    committed offsets reach the end of "in");
#  - read_committed "out" holds every transfer exactly once (no transfer
#    applied twice, none lost) and, per partition, in input order; the
#    account balances computed from "out" equal those computed from "in";
#  - read_uncommitted "out" holds more records than "in": the killed
#    transaction's records reached the log and were aborted, not just lost in
#    the client (so the kill did land mid-transaction);
#  - the group "proc"'s committed offset for each partition of "in"
#    (Consumer.committed) equals that partition's end offset.
import os
import signal
import subprocess
import sys
import time
from collections import Counter

from confluent_kafka import TopicPartition

from txn_common import Broker, fail, flush, read, run

TRANSFERS = 240
ACCOUNTS = 7
PROCESSOR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "txn_ctp_processor.py")


def transfer(i):
    return b"T%04d,acct%d,%d" % (i, i % ACCOUNTS, (i * 37) % 100 + 1)


def balances(records):
    bal = Counter()
    for v in records:
        _, account, amount = v.decode().split(",")
        bal[account] -= int(amount)
    return bal


class Processor:
    def __init__(self, bootstrap):
        # stderr (tracebacks, librdkafka logs) goes to the test's output.
        self.proc = subprocess.Popen(
            [sys.executable, PROCESSOR, bootstrap, "ctp-proc", "8", "0.01"],
            stdout=subprocess.PIPE, text=True)
        self.lines = []

    def wait_line(self, pred, timeout):
        """Reads stdout lines until pred(line) holds; the process must not exit."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                fail("processor exited (%s); said %r" % (self.proc.wait(), self.lines[-5:]))
            self.lines.append(line.strip())
            if pred(line.strip()):
                return
        fail("processor: no expected line within %ss; said %r" % (timeout, self.lines[-5:]))


def main():
    broker = Broker(sys.argv)
    broker.create_topic("in", 2)
    broker.create_topic("out", 2)
    p = broker.producer()
    for i in range(TRANSFERS):
        p.produce("in", value=transfer(i), partition=i % 2)
    flush(p)

    first = Processor(broker.bootstrap)
    try:
        commits = [0]

        def open_after_five_commits(line):
            if line.startswith("COMMITTED"):
                commits[0] += 1
            return line.startswith("OPEN") and commits[0] >= 5

        first.wait_line(open_after_five_commits, timeout=60)
    finally:
        first.proc.send_signal(signal.SIGKILL)
        first.proc.wait()
    print("killed the processor mid-transaction after", first.lines[-2])

    second = Processor(broker.bootstrap)
    try:
        rc = second.proc.wait(timeout=100)
    except subprocess.TimeoutExpired:
        second.proc.kill()
        second.proc.wait()
        rc = "timeout"
    rest = second.proc.stdout.read().split("\n")
    if rc == 3:  # idle, and the committed offsets short of the end: checked below
        broker.expect(False, "restarted processor: %r" % [l for l in rest if l][-2:])
    elif rc != 0:
        fail("restarted processor: exit %s, said %r" % (rc, rest[-5:]))
    print("restarted processor:", [l for l in rest if l.startswith("DONE")])

    want = [transfer(i) for i in range(TRANSFERS)]
    parts = [("out", 0), ("out", 1)]
    c = broker.consumer("read_committed")
    recs, eof = read(c, parts, timeout=30)
    c.close()
    if len(eof) != 2:
        fail("read_committed did not reach the end of out: %r" % eof)
    got = [r[3] for r in recs]
    dups = [v for v, n in Counter(got).items() if n > 1]
    broker.expect(not dups, "transfers applied twice: %r" % dups[:10])
    missing = set(want) - set(got)
    if missing:
        fail("transfers never applied: %r" % sorted(missing)[:10])
    for part in (0, 1):
        seq = [r[3] for r in recs if r[1] == part]
        broker.expect(seq == [v for v in want if int(v[1:5]) % 2 == part],
                      "out[%d] is not in input order or has extra records" % part)
    broker.expect(balances(got) == balances(want),
                  "balances differ: %r vs %r" % (balances(got), balances(want)))

    c = broker.consumer("read_uncommitted")
    urecs, _ = read(c, parts, timeout=30)
    c.close()
    broker.expect(len(urecs) > TRANSFERS,
                  "read_uncommitted out has %d records: the kill left no aborted records"
                  % len(urecs))

    group = broker.consumer("read_committed", group_id="proc")
    committed = group.committed([TopicPartition("in", 0), TopicPartition("in", 1)], timeout=15)
    for tp in committed:
        _, high = group.get_watermark_offsets(TopicPartition("in", tp.partition), timeout=10,
                                              cached=False)
        broker.expect(tp.offset == high, "proc committed offset in[%d] = %d, end %d"
                      % (tp.partition, tp.offset, high))
    group.close()
    print("out: %d transfers once each (%d records in the log incl. aborted); balances agree;"
          " committed offsets at the end of in" % (len(got), len(urecs)))
    broker.check_log_clean()


if __name__ == "__main__":
    run(main)
