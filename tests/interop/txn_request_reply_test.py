#!/usr/bin/python3
# tests/interop/txn_request_reply_test.py BROKER_BINARY
#
# The request-reply-inside-a-transaction pitfall (the "Wvv" anomaly of
# transactional messaging): a requester that writes a request inside an open
# transaction and waits for the reply *before committing* can never get an
# answer from a replier that reads read_committed, because the request only
# becomes visible to that replier at the commit, which waits for the reply.
# Kafka behaves so by design, and so must Brook: isolation holds even when the
# application deadlocks itself. The way out is to commit the request first
# (or to read read_uncommitted, and then also act on requests that get
# aborted, as shown below).
#
# Asserts:
#  1. replier read_committed: the requester's req-1 (in its open
#     transaction) gets no reply within 3 s; the requester gives up and
#     aborts; the replier never sees req-1, not even 2 s after the abort;
#  2. replier read_uncommitted: the requester's req-2 (open transaction) is
#     answered (rep-2) within 10 s and the requester commits; this replier
#     also answered the aborted req-1 (rep-1): reading uncommitted data means
#     acting on requests that never happened;
#  3. read_committed "requests" holds only req-2.
import sys
import threading
import time

from txn_common import Broker, assign_from_start, fail, flush, read, run


class Replier(threading.Thread):
    """Answers each request "req-N" on "requests" with "rep-N" on "replies"."""

    def __init__(self, broker, isolation):
        super().__init__(daemon=True)
        self.consumer = broker.consumer(isolation, enable_partition_eof=False)
        self.producer = broker.producer()
        self.seen = []
        self.stop = threading.Event()

    def run(self):
        assign_from_start(self.consumer, [("requests", 0)])
        while not self.stop.is_set():
            m = self.consumer.poll(0.05)
            if m is None or m.error() is not None:
                continue
            self.seen.append(m.value())
            self.producer.produce("replies", value=m.value().replace(b"req-", b"rep-"),
                                  partition=0)
            self.producer.flush(10)
        self.consumer.close()


def wait_reply(consumer, want, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        m = consumer.poll(0.05)
        if m is not None and m.error() is None and m.value() == want:
            return True
    return False


def main():
    broker = Broker(sys.argv)
    broker.create_topic("requests", 1)
    broker.create_topic("replies", 1)
    requester = broker.producer("requester")
    requester.init_transactions(15)
    replies = broker.consumer("read_committed", enable_partition_eof=False)
    assign_from_start(replies, [("replies", 0)])

    # 1. A read_committed replier cannot answer a request that is not committed.
    replier = Replier(broker, "read_committed")
    replier.start()
    requester.begin_transaction()
    requester.produce("requests", value=b"req-1", partition=0)
    flush(requester)
    answered = wait_reply(replies, b"rep-1", timeout=3)
    broker.expect(not answered, "a read_committed replier answered an uncommitted request")
    requester.abort_transaction(15)  # gave up waiting, as a Kafka application would
    time.sleep(2)
    replier.stop.set()
    replier.join(10)
    broker.expect(replier.seen == [], "read_committed replier saw %r" % replier.seen)
    print("1. read_committed replier: no reply, request aborted, never seen")

    # 2. A read_uncommitted replier answers, and also answers aborted requests.
    replier = Replier(broker, "read_uncommitted")
    replier.start()
    requester.begin_transaction()
    requester.produce("requests", value=b"req-2", partition=0)
    flush(requester)
    if not wait_reply(replies, b"rep-2", timeout=10):
        fail("a read_uncommitted replier did not answer req-2 (it saw %r)" % replier.seen)
    requester.commit_transaction(15)
    replier.stop.set()
    replier.join(10)
    if replier.seen != [b"req-1", b"req-2"]:
        fail("read_uncommitted replier saw %r (want the aborted req-1, then req-2)"
             % replier.seen)
    print("2. read_uncommitted replier answered req-2 (and the aborted req-1)")

    c = broker.consumer("read_committed")
    recs, _ = read(c, [("requests", 0)], timeout=10)
    c.close()
    got = [r[3] for r in recs]
    broker.expect(got == [b"req-2"], "read_committed requests: %r" % got)
    replies.close()
    broker.check_log_clean()


if __name__ == "__main__":
    run(main)
