#!/bin/sh
# Regenerate the golden Kafka frames in tests/data/golden/ from real clients
# (librdkafka via python3-confluent-kafka and kcat) talking to librdkafka's
# mock cluster, recorded with tcpdump on loopback.  See tests/data/golden/README.md.
#
# usage: tests/data/capture/capture_all.sh [SCENARIO...]   (default: all)
# Needs root (or CAP_NET_RAW) and, on Debian 12:
#   apt-get install -y tcpdump kcat python3-confluent-kafka librdkafka1
# Exits non-zero if any scenario failed; leaves no processes behind.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3   # the Debian interpreter, which has confluent_kafka

missing=""
command -v tcpdump >/dev/null 2>&1 || missing="$missing tcpdump"
command -v kcat >/dev/null 2>&1 || missing="$missing kcat"
"$py" -c 'import confluent_kafka' >/dev/null 2>&1 || missing="$missing python3-confluent-kafka"
if [ -n "$missing" ]; then
    echo "capture_all.sh: missing:$missing (apt-get install -y$missing)" >&2
    exit 2
fi

# Whole run bounded: TERM after 20 minutes (capture.py stops its children),
# KILL 15 s later.  A full run takes about a minute.
exec timeout -k 15 1200 "$py" "$here/capture.py" "$@"
