#!/usr/bin/env bash
# tests/interop/kcat_metadata_test.sh BROKER_BINARY
#
# A real client (Debian's kcat, librdkafka) negotiates ApiVersions with a
# brook-broker process and lists its metadata: the broker it advertises and
# the cluster id must come back. Bounded: every wait has a timeout.
set -euo pipefail
broker_bin=$1
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$dir"' EXIT

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$broker_bin" --set "listeners=PLAINTEXT://127.0.0.1:$port" --set "log.dirs=$dir/data" \
  --set cluster.id=kcat-interop >"$dir/broker.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
  grep -q "listening on" "$dir/broker.log" && break
  sleep 0.05
done
grep -q "listening on" "$dir/broker.log" || { cat "$dir/broker.log"; exit 1; }

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
