#!/usr/bin/env bash
# tests/interop/group_max_size_test.sh BROKER_BINARY
#
# group.max.size with real clients: the broker runs with group.max.size=1; a
# confluent_kafka consumer joins group "capped" and gets the partition, a
# second one in the same group sees GROUP_MAX_SIZE_REACHED from poll()
# (librdkafka hands JoinGroup's error to the application) while the first
# keeps its assignment.
source "$(dirname "$0")/broker_process.sh" "$1"
start_broker --set group.max.size=1

timeout 60 /usr/bin/python3 - "$bootstrap" <<'PY' || fail "group.max.size"
import sys, time
from confluent_kafka import Consumer, KafkaError
from confluent_kafka.admin import AdminClient, NewTopic
bootstrap = sys.argv[1]
admin = AdminClient({"bootstrap.servers": bootstrap})
admin.create_topics([NewTopic("capped", 1, 1)])["capped"].result(10)

def consumer(name):
    return Consumer({"bootstrap.servers": bootstrap, "group.id": "capped", "client.id": name,
                     "auto.offset.reset": "earliest", "session.timeout.ms": 6000,
                     "heartbeat.interval.ms": 500})
first = consumer("first")
first.subscribe(["capped"])
deadline = time.time() + 20
while time.time() < deadline and not first.assignment():
    first.poll(0.1)
assert first.assignment(), "the first consumer got no assignment"

second = consumer("second")
second.subscribe(["capped"])
error = None
deadline = time.time() + 20
while time.time() < deadline and error is None:
    first.poll(0.05)
    m = second.poll(0.1)
    if m is not None and m.error() is not None:
        error = m.error()
assert error is not None, "no error for the second consumer"
assert error.code() == KafkaError.GROUP_MAX_SIZE_REACHED, error
assert [tp.partition for tp in first.assignment()] == [0], first.assignment()
assert not second.assignment(), second.assignment()
print("second consumer:", error.str())
second.close()
first.close()
PY
echo "group.max.size: OK"
