#!/usr/bin/python3
"""Client side of each golden capture scenario.

Run as `scenarios.py NAME BOOTSTRAP`; capture.py does this while it records
the loopback traffic.  Each scenario uses fixed client ids, keys, values,
headers and timestamps so that regenerated frames differ as little as the
client allows.  Prints "NOTE ..." lines that capture.py copies into the
scenario's MANIFEST.txt, and exits non-zero if a step that must work fails.

Needs the Debian python3-confluent-kafka (run with /usr/bin/python3).
"""
import re
import subprocess
import sys
import time

import confluent_kafka
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic

TOPIC = "golden"
BASE_TS = 1700000000000          # fixed record timestamps (ms)
STEP_TIMEOUT = 15.0              # seconds, for every flush/poll loop/future
ADMIN_TIMEOUT = 5.0              # request timeout of admin operations


def note(msg):
    print("NOTE " + msg, flush=True)


def base_conf(bootstrap, scenario):
    return {
        "bootstrap.servers": bootstrap,
        "client.id": "golden-" + scenario,
        "broker.address.family": "v4",
    }


def plain_messages(n):
    return [(b"key-%d" % i, b"value-%d" % i, [("golden-header", b"header-%d" % i)])
            for i in range(n)]


def compressible_messages(n):
    return [(b"key-%02d" % i,
             (b"golden compressible value %02d " % i) * 8,
             [])
            for i in range(n)]


def produce(conf, messages, topic=TOPIC):
    # batch.num.messages = len(messages): send one batch as soon as all are
    # queued; linger.ms holds the first ones until then.  Fetching the
    # metadata first means all messages go to a partition with a known
    # leader (otherwise librdkafka 2.0.2 may send the first one alone).
    p = Producer(dict(conf, **{"batch.num.messages": len(messages)}))
    p.list_topics(topic, timeout=STEP_TIMEOUT)
    delivered = []

    def on_delivery(err, msg):
        if err is not None:
            raise SystemExit("delivery failed: %s" % err)
        delivered.append(msg.offset())
    for i, (key, value, headers) in enumerate(messages):
        p.produce(topic, key=key, value=value, headers=headers or None, partition=0,
                  timestamp=BASE_TS + i, on_delivery=on_delivery)
    left = p.flush(STEP_TIMEOUT)
    if left or len(delivered) != len(messages):
        raise SystemExit("flush left %d undelivered messages" % left)
    return delivered


def read_back(conf, count, group="golden-reader"):
    """Read `count` messages from partition 0 from the beginning (assign, no commits)."""
    c = Consumer(dict(conf, **{"group.id": group, "enable.auto.commit": False,
                               "enable.auto.offset.store": False,
                               "fetch.wait.max.ms": 100}))
    c.assign([TopicPartition(TOPIC, 0, confluent_kafka.OFFSET_BEGINNING)])
    got = []
    deadline = time.monotonic() + STEP_TIMEOUT
    while len(got) < count and time.monotonic() < deadline:
        m = c.poll(0.2)
        if m is None:
            continue
        if m.error():
            raise SystemExit("consume error: %s" % m.error())
        got.append((m.key(), m.value()))
    # One more empty long-poll Fetch after the data, then leave.
    end = time.monotonic() + 0.3
    while time.monotonic() < end:
        c.poll(0.1)
    c.close()
    if len(got) < count:
        raise SystemExit("read back %d of %d messages" % (len(got), count))
    return got


# --------------------------------------------------------------------------

def produce_plain(bs, name):
    conf = base_conf(bs, name)
    produce(dict(conf, **{"acks": "all", "enable.idempotence": False,
                          "compression.type": "none", "linger.ms": 100}),
            plain_messages(3))
    read_back(conf, 3)


def produce_idempotent(bs, name):
    conf = base_conf(bs, name)
    produce(dict(conf, **{"acks": "all", "enable.idempotence": True,
                          "compression.type": "none", "linger.ms": 100}),
            plain_messages(3))


def produce_codec(codec):
    def run(bs, name):
        conf = base_conf(bs, name)
        produce(dict(conf, **{"acks": "all", "enable.idempotence": False,
                              "compression.type": codec, "linger.ms": 100}),
                compressible_messages(10))
        read_back(conf, 10)
    return run


def transactional(bs, name):
    conf = base_conf(bs, name)
    group = "golden-txn-group"
    consumer = Consumer(dict(conf, **{"group.id": group, "enable.auto.commit": False}))
    p = Producer(dict(conf, **{"transactional.id": "golden-txn", "linger.ms": 100,
                               "transaction.timeout.ms": 60000}))
    p.init_transactions(STEP_TIMEOUT)

    # Transaction 1: two messages and the consumer group's offsets; committed.
    p.begin_transaction()
    for i in range(2):
        p.produce(TOPIC, key=b"txn-key-%d" % i, value=b"committed-%d" % i, partition=0,
                  timestamp=BASE_TS + i)
    p.flush(STEP_TIMEOUT)
    p.send_offsets_to_transaction([TopicPartition(TOPIC, 0, 2)],
                                  consumer.consumer_group_metadata(), STEP_TIMEOUT)
    p.commit_transaction(STEP_TIMEOUT)

    # Transaction 2: one message; aborted.
    p.begin_transaction()
    p.produce(TOPIC, key=b"txn-key-2", value=b"aborted-2", partition=0, timestamp=BASE_TS + 2)
    p.flush(STEP_TIMEOUT)
    p.abort_transaction(STEP_TIMEOUT)
    consumer.close()


def consumer_group(bs, name):
    conf = base_conf(bs, name)
    produce(dict(conf, **{"acks": "all", "linger.ms": 10}), plain_messages(1))
    c = Consumer(dict(conf, **{"group.id": "golden-group", "enable.auto.commit": False,
                               "auto.offset.reset": "earliest",
                               "session.timeout.ms": 6000, "heartbeat.interval.ms": 500,
                               "fetch.wait.max.ms": 100}))
    assigned = []
    c.subscribe([TOPIC], on_assign=lambda _c, parts: assigned.extend(parts))
    got = None
    deadline = time.monotonic() + 2 * STEP_TIMEOUT
    while got is None and time.monotonic() < deadline:
        m = c.poll(0.2)
        if m is None or m.error():
            continue
        got = m
    if got is None:
        raise SystemExit("consumer group: no message within the deadline (assigned=%s)"
                         % assigned)
    c.commit(message=got, asynchronous=False)
    # capture.py makes the mock fail one Heartbeat with REBALANCE_IN_PROGRESS:
    # wait for the rejoin (JoinGroup with the member id) and second assignment.
    deadline = time.monotonic() + 2 * STEP_TIMEOUT
    while len(assigned) < 2 and time.monotonic() < deadline:
        c.poll(0.1)
    if len(assigned) < 2:
        raise SystemExit("consumer group: no second assignment within the deadline")
    # Stay in the group for another heartbeat, then leave.
    end = time.monotonic() + 1.0
    while time.monotonic() < end:
        c.poll(0.1)
    c.close()


def admin(bs, name):
    conf = base_conf(bs, name)
    a = AdminClient(conf)
    md = a.list_topics(timeout=STEP_TIMEOUT)
    note("list_topics: ok (%d topics)" % len(md.topics))

    def why(e):
        err = e.args[0] if e.args else e
        return (err.str() if hasattr(err, "str") else str(err)).replace("\n", " ")

    def attempt(label, fn):
        try:
            futures = fn()
            for f in (futures.values() if isinstance(futures, dict) else [futures]):
                f.result(timeout=STEP_TIMEOUT)
            note("%s: ok" % label)
        except Exception as e:  # report whatever the client says
            note("%s: failed: %s" % (label, why(e)))

    attempt("create_topics", lambda: a.create_topics(
        [NewTopic("golden-admin", num_partitions=2, replication_factor=1)],
        operation_timeout=5, request_timeout=ADMIN_TIMEOUT))
    attempt("create_partitions", lambda: a.create_partitions(
        [NewPartitions(TOPIC, 2)], request_timeout=ADMIN_TIMEOUT))
    attempt("describe_configs", lambda: a.describe_configs(
        [ConfigResource("topic", TOPIC)], request_timeout=ADMIN_TIMEOUT))
    attempt("alter_configs", lambda: a.alter_configs(
        [ConfigResource("topic", TOPIC, set_config={"retention.ms": "3600000"})],
        request_timeout=ADMIN_TIMEOUT))
    try:
        groups = a.list_groups(timeout=STEP_TIMEOUT)
        note("list_groups: ok (%d groups)" % len(groups))
    except Exception as e:
        note("list_groups: failed: %s" % why(e))
    try:
        groups = a.list_groups("golden-group", timeout=STEP_TIMEOUT)
        note("list_groups(golden-group) (describe): ok (%d groups)" % len(groups))
    except Exception as e:
        note("list_groups(golden-group) (describe): failed: %s" % why(e))
    attempt("delete_topics", lambda: a.delete_topics(
        ["golden-admin"], operation_timeout=5, request_timeout=ADMIN_TIMEOUT))
    note("incremental_alter_configs: not offered by confluent-kafka-python %s"
         % confluent_kafka.version()[0])


def kcat_metadata(bs, name):
    cid = "golden-" + name

    def kcat(args, stdin=None):
        cmd = ["kcat", "-b", bs, "-X", "client.id=" + cid] + args
        r = subprocess.run(cmd, input=stdin, capture_output=True, timeout=STEP_TIMEOUT + 5)
        if r.returncode != 0:
            raise SystemExit("%s failed (%d): %s" % (" ".join(cmd), r.returncode,
                                                      r.stderr.decode(errors="replace")))
        return r.stdout.decode(errors="replace")

    kcat(["-L"])
    kcat(["-P", "-t", TOPIC, "-p", "0", "-K", ":", "-X", "linger.ms=100"],
         stdin=b"key-0:value-0\nkey-1:value-1\nkey-2:value-2\n")
    out = kcat(["-C", "-t", TOPIC, "-p", "0", "-o", "beginning", "-e", "-f", "%k=%s\\n"])
    if out.split() != ["key-0=value-0", "key-1=value-1", "key-2=value-2"]:
        raise SystemExit("kcat -C read back %r" % out)
    version = subprocess.run(["kcat", "-V"], capture_output=True, timeout=10).stdout
    m = re.search(r"Version (\S+) .*librdkafka (\S+)", version.decode(errors="replace"))
    if m:
        note("kcat %s built with librdkafka %s" % m.groups())


SCENARIOS = {
    "produce_plain": produce_plain,
    "produce_idempotent": produce_idempotent,
    "produce_gzip": produce_codec("gzip"),
    "produce_snappy": produce_codec("snappy"),
    "produce_lz4": produce_codec("lz4"),
    "produce_zstd": produce_codec("zstd"),
    "transactional": transactional,
    "consumer_group": consumer_group,
    "admin": admin,
    "kcat_metadata": kcat_metadata,
}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in SCENARIOS:
        sys.exit("usage: scenarios.py {%s} BOOTSTRAP" % "|".join(SCENARIOS))
    name, bootstrap = sys.argv[1], sys.argv[2]
    note("host: librdkafka %s, confluent-kafka-python %s"
         % (confluent_kafka.libversion()[0], confluent_kafka.version()[0]))
    SCENARIOS[name](bootstrap, name)


if __name__ == "__main__":
    main()
