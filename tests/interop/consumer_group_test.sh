#!/usr/bin/env bash
# tests/interop/consumer_group_test.sh BROKER_BINARY
#
# Consumer groups with real clients against the standalone broker (disk mode):
#  1. three confluent_kafka consumers subscribe to a 6-partition topic (made
#     with CreateTopics) and get 2 partitions each; together they read every
#     produced message once and commit;
#  2. one leaves: the other two rebalance onto 3 partitions each;
#  3. after a broker restart a consumer of the same group resumes from the
#     committed offsets: it reads only what was produced since;
#  4. kcat -G (librdkafka's balanced consumer) reads the topic in its own group;
#  5. AdminClient.list_groups shows the groups, a live one Stable with its
#     member, and a consumer reads another group's committed offsets.
source "$(dirname "$0")/broker_process.sh" "$1"
start_broker

timeout 60 /usr/bin/python3 - "$bootstrap" <<'PY' || fail "three consumers"
import sys, time
from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient, NewTopic
bootstrap = sys.argv[1]
admin = AdminClient({"bootstrap.servers": bootstrap})
admin.create_topics([NewTopic("groups", 6, 1)])["groups"].result(10)

p = Producer({"bootstrap.servers": bootstrap})
for i in range(60):
    p.produce("groups", value=b"v%d" % i, partition=i % 6)
assert p.flush(10) == 0

def consumer(name):
    return Consumer({"bootstrap.servers": bootstrap, "group.id": "g3", "client.id": name,
                     "enable.auto.commit": False, "auto.offset.reset": "earliest",
                     "session.timeout.ms": 6000, "heartbeat.interval.ms": 500,
                     "partition.assignment.strategy": "range"})
cs = [consumer("c%d" % i) for i in range(3)]
for c in cs:
    c.subscribe(["groups"])
seen = []
def poll_all(consumers, want_sizes, deadline):
    while time.time() < deadline:
        for c in consumers:
            m = c.poll(0.05)
            if m is not None and m.error() is None:
                seen.append((m.partition(), m.offset()))
                c.commit(message=m, asynchronous=False)
        sizes = sorted(len(c.assignment()) for c in consumers)
        parts = {tp.partition for c in consumers for tp in c.assignment()}
        if sizes == want_sizes and len(parts) == 6 and len(set(seen)) >= 60:
            return True
    return False
ok = poll_all(cs, [2, 2, 2], time.time() + 40)
assert ok, ("assignments", [[tp.partition for tp in c.assignment()] for c in cs], len(set(seen)))
assert len(set(seen)) == 60, len(set(seen))
print("3 consumers, 2 partitions each:", [sorted(tp.partition for tp in c.assignment()) for c in cs])

# One leaves: the others take over its partitions.
cs[2].close()
deadline = time.time() + 30
while time.time() < deadline:
    for c in cs[:2]:
        c.poll(0.05)
    if sorted(len(c.assignment()) for c in cs[:2]) == [3, 3]:
        break
assert sorted(len(c.assignment()) for c in cs[:2]) == [3, 3], \
    [[tp.partition for tp in c.assignment()] for c in cs[:2]]
print("after a leave:", [sorted(tp.partition for tp in c.assignment()) for c in cs[:2]])
for c in cs[:2]:
    c.close()
PY

# The committed offsets come back from __consumer_offsets after a restart.
stop_broker
start_broker
timeout 60 /usr/bin/python3 - "$bootstrap" <<'PY' || fail "resume after restart"
import sys, time
from confluent_kafka import Consumer, Producer
bootstrap = sys.argv[1]
p = Producer({"bootstrap.servers": bootstrap})
for i in range(6):
    p.produce("groups", value=b"new%d" % i, partition=i)
assert p.flush(10) == 0
c = Consumer({"bootstrap.servers": bootstrap, "group.id": "g3", "enable.auto.commit": False,
              "auto.offset.reset": "earliest", "session.timeout.ms": 6000})
c.subscribe(["groups"])
got = []
deadline = time.time() + 40
while time.time() < deadline and len(got) < 6:
    m = c.poll(0.2)
    if m is not None and m.error() is None:
        got.append((m.partition(), m.offset(), m.value()))
time.sleep(1)  # anything older would show up now
while True:
    m = c.poll(0.2)
    if m is None:
        break
    if m.error() is None:
        got.append((m.partition(), m.offset(), m.value()))
c.close()
assert sorted(got) == [(i, 10, b"new%d" % i) for i in range(6)], sorted(got)
print("resumed from committed offsets:", sorted(got))
PY

# kcat's balanced consumer (-G) in a group of its own reads all 66 messages.
timeout 40 kcat -b "$bootstrap" -G kcat-group -X auto.offset.reset=earliest -c 66 -q \
  -f '%p %o %s\n' groups >"$dir/kcat.txt" || fail "kcat -G"
[ "$(wc -l <"$dir/kcat.txt")" -eq 66 ] || { cat "$dir/kcat.txt"; fail "kcat read $(wc -l <"$dir/kcat.txt") lines"; }
echo "kcat -G read 66 messages"
# ListGroups and DescribeGroups through librdkafka's list_groups, with a live
# member; OffsetFetch for an idle group.
timeout 60 /usr/bin/python3 - "$bootstrap" <<'PY' || fail "list_groups"
import sys, time
from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient
bootstrap = sys.argv[1]
admin = AdminClient({"bootstrap.servers": bootstrap})
# A live member in group "live" so that it shows as Stable.
c = Consumer({"bootstrap.servers": bootstrap, "group.id": "live", "client.id": "live-1",
              "session.timeout.ms": 6000, "auto.offset.reset": "earliest"})
c.subscribe(["groups"])
deadline = time.time() + 20
while time.time() < deadline and len(c.assignment()) < 6:
    c.poll(0.1)
assert len(c.assignment()) == 6, c.assignment()
groups = {g.id: g for g in admin.list_groups(timeout=10)}
assert {"g3", "kcat-group", "live"} <= set(groups), sorted(groups)
live = groups["live"]
assert live.state == "Stable" and live.protocol_type == "consumer", (live.state, live.protocol_type)
assert live.protocol == "range", live.protocol
assert len(live.members) == 1 and live.members[0].client_id == "live-1", live.members
assert live.members[0].client_host == "/127.0.0.1", live.members[0].client_host
assert len(live.members[0].assignment) > 0
assert groups["g3"].state == "Empty", groups["g3"].state
# Committed offsets of another group, read through OffsetFetch.
other = Consumer({"bootstrap.servers": bootstrap, "group.id": "g3"})
committed = other.committed([TopicPartition("groups", p) for p in range(6)], timeout=10)
got = sorted((tp.partition, tp.offset) for tp in committed)
other.close()
c.close()
assert got == [(p, 10) for p in range(6)], got
print("list_groups:", sorted(groups), "live:", live.state, "g3 committed:", got)
PY
if grep -E "ERROR" "$dir/broker.log"; then fail "errors in the broker log"; fi
[ -z "${SHOW_BROKER_LOG:-}" ] || cat "$dir/broker.log"
echo "1 passed, 0 failed"
