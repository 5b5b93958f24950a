#!/usr/bin/env bash
# tests/interop/kcat_metadata_test.sh BROKER_BINARY
#
# A real client (Debian's kcat, librdkafka) negotiates ApiVersions with a
# brook-broker process and lists its metadata: the broker it advertises and
# the cluster id must come back. Bounded: every wait has a timeout.
source "$(dirname "$0")/broker_process.sh" "$1"
run_broker --set "listeners=PLAINTEXT://127.0.0.1:$port" --set "log.dirs=$dir/data" \
  --set cluster.id=kcat-interop

timeout 20 kcat -b "127.0.0.1:$port" -L -J -m 10 >"$dir/meta.json" 2>"$dir/kcat.err" || {
  cat "$dir/kcat.err" "$dir/broker.log"; exit 1; }
/usr/bin/python3 - "$dir/meta.json" "$port" <<'PY'
import json, sys
meta = json.load(open(sys.argv[1]))
port = int(sys.argv[2])
brokers = meta["brokers"]
assert len(brokers) == 1, brokers
assert brokers[0]["id"] == 1, brokers
assert brokers[0]["name"] == f"127.0.0.1:{port}", brokers
print("kcat saw", brokers[0]["name"], "with", len(meta["topics"]), "topics")
PY
# The broker must have logged no protocol warnings (malformed frames, unknown versions).
if grep -E "WARN|ERROR" "$dir/broker.log"; then exit 1; fi
echo "1 passed, 0 failed"
