#!/usr/bin/env bash
# tests/interop/kcat_roundtrip_test.sh BROKER_BINARY
#
# The standalone broker with real clients end to end: kcat produces keyed
# messages with headers to a topic that Metadata auto-creates, kcat and a
# confluent_kafka consumer read them back with keys, headers and offsets
# intact, and a restart of the broker (disk mode) keeps them.
source "$(dirname "$0")/broker_process.sh" "$1"
start_broker --set num.partitions=1

printf 'k1:hello\nk2:brook\nk3:world\n' >"$dir/in.txt"
timeout 20 kcat -P -b "127.0.0.1:$port" -t roundtrip -K : -H source=kcat -l "$dir/in.txt"
timeout 20 kcat -C -b "127.0.0.1:$port" -t roundtrip -e -f '%o %k=%s %h\n' >"$dir/out.txt"
expected=$'0 k1=hello source=kcat\n1 k2=brook source=kcat\n2 k3=world source=kcat'
if [ "$(cat "$dir/out.txt")" != "$expected" ]; then
  echo "kcat read back:"; cat "$dir/out.txt"; cat "$dir/broker.log"; exit 1
fi

# Restart: the data must come back from disk.
stop_broker
start_broker --set num.partitions=1
timeout 30 /usr/bin/python3 - "127.0.0.1:$port" <<'PY'
import sys
from confluent_kafka import Consumer, TopicPartition
c = Consumer({"bootstrap.servers": sys.argv[1], "group.id": "rt", "enable.auto.commit": False})
c.assign([TopicPartition("roundtrip", 0, 0)])
got = []
for _ in range(100):
    m = c.poll(0.2)
    if m is None:
        if len(got) == 3: break
        continue
    assert m.error() is None, m.error()
    got.append((m.offset(), m.key(), m.value(), m.headers()))
c.close()
assert got == [(0, b"k1", b"hello", [("source", b"kcat")]),
               (1, b"k2", b"brook", [("source", b"kcat")]),
               (2, b"k3", b"world", [("source", b"kcat")])], got
print("confluent_kafka read", len(got), "records after a restart")
PY
if grep -E "WARN|ERROR" "$dir/broker.log"; then exit 1; fi
echo "1 passed, 0 failed"
