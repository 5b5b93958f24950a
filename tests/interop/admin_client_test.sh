#!/usr/bin/env bash
# tests/interop/admin_client_test.sh BROKER_BINARY
#
# Real clients against a brook-broker process: python confluent_kafka's
# AdminClient (librdkafka) creates topics with configs and validate_only,
# describes and alters configs, adds partitions, lists and deletes topics;
# kcat lists what was created, and kcat -P to an unknown topic makes the
# broker auto-create it in Metadata (only its metadata is checked here: the
# produce path is tested elsewhere). Bounded: every wait has a timeout.
source "$(dirname "$0")/broker_process.sh" "$1"
run_broker --set "listeners=PLAINTEXT://127.0.0.1:$port" --set "log.dirs=$dir/data" \
  --set num.partitions=2

timeout 60 /usr/bin/python3 - "$bootstrap" <<'PY' || { cat "$dir/broker.log"; exit 1; }
import sys
from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, NewTopic, NewPartitions, ConfigResource

admin = AdminClient({"bootstrap.servers": sys.argv[1]})
T = 15

def wait(futures):
    return {k: f.result(timeout=T) for k, f in futures.items()}

def error_of(future):
    try:
        future.result(timeout=T)
    except KafkaException as e:
        return e.args[0].name()
    return None

# validate_only creates nothing.
wait(admin.create_topics([NewTopic("dry", 3, 1)], validate_only=True))
assert "dry" not in admin.list_topics(timeout=T).topics

wait(admin.create_topics([
    NewTopic("orders", 3, 1, config={"cleanup.policy": "compact", "retention.ms": "60000"}),
    NewTopic("plain", 1, 1),
]))
fs = admin.create_topics([NewTopic("orders", 1, 1)])
assert error_of(fs["orders"]) == "TOPIC_ALREADY_EXISTS", error_of(fs["orders"])
fs = admin.create_topics([NewTopic("badcfg", 1, 1, config={"retention.ms": "soon"})])
assert error_of(fs["badcfg"]) == "INVALID_CONFIG", error_of(fs["badcfg"])

md = admin.list_topics(timeout=T)
assert len(md.topics["orders"].partitions) == 3, md.topics["orders"].partitions
assert md.topics["orders"].partitions[0].leader == 1

res = ConfigResource(ConfigResource.Type.TOPIC, "orders")
configs = wait(admin.describe_configs([res]))[res]
assert configs["cleanup.policy"].value == "compact", configs["cleanup.policy"]
assert configs["retention.ms"].value == "60000"
assert configs["segment.bytes"].is_default, configs["segment.bytes"]

broker = ConfigResource(ConfigResource.Type.BROKER, "1")
bconf = wait(admin.describe_configs([broker]))[broker]
assert bconf["num.partitions"].value == "2", bconf["num.partitions"]

# AlterConfigs replaces the overrides: cleanup.policy goes back to its default.
alter = ConfigResource(ConfigResource.Type.TOPIC, "orders", set_config={"retention.ms": "120000"})
wait(admin.alter_configs([alter]))
configs = wait(admin.describe_configs([res]))[res]
assert configs["retention.ms"].value == "120000"
assert configs["cleanup.policy"].value == "delete", configs["cleanup.policy"]

wait(admin.create_partitions([NewPartitions("orders", 5)]))
assert len(admin.list_topics(timeout=T).topics["orders"].partitions) == 5
fs = admin.create_partitions([NewPartitions("orders", 2)])
assert error_of(fs["orders"]) == "INVALID_PARTITIONS", error_of(fs["orders"])

wait(admin.delete_topics(["plain"]))
assert "plain" not in admin.list_topics(timeout=T).topics
fs = admin.delete_topics(["plain"])
assert error_of(fs["plain"]) == "UNKNOWN_TOPIC_OR_PART", error_of(fs["plain"])  # librdkafka's name
print("AdminClient: create/describe/alter/partitions/delete ok")
PY

timeout 20 kcat -b "$bootstrap" -L -J -m 10 >"$dir/meta.json" 2>"$dir/kcat.err" || {
  cat "$dir/kcat.err" "$dir/broker.log"; exit 1; }
# Producing to an unknown topic: librdkafka asks Metadata for it, which auto-creates it.
echo hello | timeout 5 kcat -b "$bootstrap" -P -t autocreated -m 5 >/dev/null 2>&1 || true
timeout 20 kcat -b "$bootstrap" -L -J -m 10 -t autocreated >"$dir/auto.json" 2>"$dir/kcat.err" || {
  cat "$dir/kcat.err" "$dir/broker.log"; exit 1; }
/usr/bin/python3 - "$dir/meta.json" "$dir/auto.json" <<'PY'
import json, sys
meta = json.load(open(sys.argv[1]))
topics = {t["topic"]: t for t in meta["topics"]}
assert "orders" in topics and "plain" not in topics, list(topics)
assert len(topics["orders"]["partitions"]) == 5, topics["orders"]
p = topics["orders"]["partitions"][0]
assert p["leader"] == 1 and [r["id"] for r in p["replicas"]] == [1], p
auto = json.load(open(sys.argv[2]))
t = [t for t in auto["topics"] if t["topic"] == "autocreated"]
assert t and "error" not in t[0] and len(t[0]["partitions"]) == 2, auto
print("kcat saw", sorted(topics), "and autocreated with 2 partitions")
PY
echo "1 passed, 0 failed"
