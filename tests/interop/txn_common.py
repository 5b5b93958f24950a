# tests/interop/txn_common.py
#
# Shared harness of the transaction interop tests (tests/interop/txn_*_test.py):
# starts its own brook-broker on a free loopback port with a temporary
# --data-dir, can SIGKILL and restart it on the same port and directory, and
# wraps confluent_kafka producers and consumers with bounded waits.
#
# Every test script takes the broker binary as its first argument. For
# checking the tests themselves against librdkafka's mock cluster (which
# serves transactions), pass `--mock=PATH` instead, PATH being a binary built
# from mock_cluster.c (shared/perf): tests that need to restart or configure
# the broker skip themselves there (exit 77). The 2.0.2 mock has no
# read_committed (its LSO is the high watermark, it lists no aborted
# transactions) and writes no control records: the assertions about those go
# through Broker.expect(), which only reports them on the mock ("MOCK-LIMIT"),
# so that the mock run checks the client side of each test.
import atexit
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

SKIP = 77  # ctest SKIP_RETURN_CODE


def fail(message):
    raise AssertionError(message)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Broker:
    """One brook-broker process (or the mock cluster) for one test script."""

    def __init__(self, argv, sets=(), memory=False):
        if len(argv) < 2:
            sys.exit("usage: %s BROKER_BINARY | --mock=MOCK_CLUSTER_BINARY" % argv[0])
        self.mock = argv[1].startswith("--mock=")
        self.binary = argv[1][len("--mock="):] if self.mock else argv[1]
        self.dir = tempfile.mkdtemp(prefix="brook-txn-")
        self.log_path = os.path.join(self.dir, "broker.log")
        self.port = free_port()
        self.bootstrap = "127.0.0.1:%d" % self.port
        self.memory = memory
        self.proc = None
        self.starts = 0
        atexit.register(self.cleanup)
        self.start(sets)

    def start(self, sets=()):
        log = open(self.log_path, "a")
        if self.mock:
            self.proc = subprocess.Popen([self.binary, "-d", "600"], stdout=subprocess.PIPE,
                                         stderr=log, text=True)
            line = self.proc.stdout.readline()
            if not line.startswith("BOOTSTRAP "):
                fail("mock cluster did not start: %r" % line)
            self.bootstrap = line.split()[1]
            return
        args = [self.binary, "--listen", self.bootstrap]
        args += ["--memory"] if self.memory else ["--data-dir", os.path.join(self.dir, "data")]
        for s in sets:
            args += ["--set", s]
        self.proc = subprocess.Popen(args, stdout=log, stderr=log)
        self.starts += 1
        self.wait_log("Brook is listening", timeout=15, count=self.starts)

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def wait_log(self, text, timeout, count=1):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.log().count(text) >= count:
                return
            if self.proc.poll() is not None:
                fail("broker exited (%s) while waiting for %r" % (self.proc.returncode, text))
            time.sleep(0.05)
        fail("no %r in the broker log after %ss" % (text, timeout))

    def kill(self, sig=signal.SIGKILL):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def restart(self, sets=()):
        self.kill()
        self.start(sets)

    def errors_in_log(self):
        return [l for l in self.log().splitlines() if re.search(r"\bERROR\b", l)]

    def check_log_clean(self):
        bad = self.errors_in_log()
        if bad:
            fail("errors in the broker log:\n" + "\n".join(bad[:20]))

    def expect(self, condition, message):
        """Asserts a broker-side transaction property (see the file comment)."""
        if condition:
            return
        if self.mock:
            print("MOCK-LIMIT:", message)
            return
        fail(message)

    def cleanup(self):
        failed = getattr(sys, "last_value", None) is not None or _failed[0]
        self.kill(signal.SIGTERM)
        if (failed or os.environ.get("SHOW_BROKER_LOG")) and os.path.exists(self.log_path):
            print("---- broker log (tail) ----")
            print("\n".join(self.log().splitlines()[-80:]))
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- clients -----------------------------------------------------------

    def create_topic(self, name, partitions):
        if self.mock:
            # The mock has no CreateTopics; it makes unknown topics (4 partitions)
            # on first use.
            assert partitions <= 4
            Producer({"bootstrap.servers": self.bootstrap}).list_topics(name, timeout=10)
            return
        admin = AdminClient({"bootstrap.servers": self.bootstrap})
        admin.create_topics([NewTopic(name, partitions, 1)])[name].result(15)

    def producer(self, txn_id=None, **conf):
        c = {"bootstrap.servers": self.bootstrap, "linger.ms": 5, "acks": "all",
             "enable.idempotence": True}
        if txn_id is not None:
            c["transactional.id"] = txn_id
        c.update({k.replace("_", "."): v for k, v in conf.items()})
        return Producer(c)

    def consumer(self, isolation, **conf):
        c = {"bootstrap.servers": self.bootstrap, "group.id": "txn-test-reader",
             "enable.auto.commit": False, "auto.offset.reset": "earliest",
             "isolation.level": isolation, "fetch.wait.max.ms": 50,
             "enable.partition.eof": True}
        c.update({k.replace("_", "."): v for k, v in conf.items()})
        return Consumer(c)


_failed = [False]


def run(main):
    """Runs a test's main() under a global bound; prints PASSED or FAILED."""
    def too_long(*_):
        raise TimeoutError("the test ran past its bound")

    signal.signal(signal.SIGALRM, too_long)
    signal.alarm(int(os.environ.get("TXN_TEST_TIMEOUT", "170")))
    try:
        rc = main()
    except BaseException as e:  # noqa: BLE001: report any failure, then exit 1
        _failed[0] = True
        import traceback
        traceback.print_exc()
        print("FAILED:", e)
        sys.exit(1)
    signal.alarm(0)
    if rc == SKIP:
        print("SKIPPED")
        sys.exit(SKIP)
    print("PASSED")
    sys.exit(0)


def assign_from_start(consumer, partitions):
    consumer.assign([TopicPartition(t, p, -2) for t, p in partitions])  # -2: beginning


def read(consumer, partitions, timeout, until=None, idle=None):
    """Assigns `partitions` [(topic, partition)] from the beginning and reads.

    Returns ([(topic, partition, offset, value)], {(topic, partition): eof_offset}).
    Stops when `until(records)` holds, when every partition reached EOF and
    `until` is None, after `idle` seconds without anything new, or at
    `timeout` (never an error here: the caller asserts on what it got).
    """
    assign_from_start(consumer, partitions)
    records, eof = [], {}
    deadline = time.time() + timeout
    last_new = time.time()
    while time.time() < deadline:
        m = consumer.poll(0.05)
        if m is None:
            if idle is not None and time.time() - last_new > idle:
                break
            continue
        if m.error() is not None:
            if m.error().code() == KafkaError._PARTITION_EOF:
                eof[(m.topic(), m.partition())] = m.offset()
                if until is None and len(eof) == len(partitions):
                    break
                continue
            fail("consumer error: %s" % m.error())
        last_new = time.time()
        eof.pop((m.topic(), m.partition()), None)
        records.append((m.topic(), m.partition(), m.offset(), m.value()))
        if until is not None and until(records):
            break
    return records, eof


def keep_reading(consumer, records, seconds, until=None):
    """Polls an already assigned consumer for up to `seconds` more, appending
    to `records`; stops early once `until(records)` holds."""
    deadline = time.time() + seconds
    while time.time() < deadline and not (until and until(records)):
        m = consumer.poll(0.05)
        if m is not None and m.error() is None:
            records.append((m.topic(), m.partition(), m.offset(), m.value()))
    return records


def values(records):
    return [r[3] for r in records]


def flush(producer, timeout=15):
    left = producer.flush(timeout)
    if left != 0:
        fail("%d messages not delivered within %ss" % (left, timeout))

