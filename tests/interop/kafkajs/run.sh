#!/usr/bin/env bash
# tests/interop/kafkajs/run.sh BROKER_BINARY TEST
#
# Runs tests/interop/kafkajs/TEST_test.js (roundtrip, idempotent, transactions,
# restart) with node against BROKER_BINARY; the test starts its own broker.
# kafkajs (pinned in package.json) is installed into node_modules here, which
# git ignores, by tools/deps.sh interop.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 2 ] || { echo "usage: $0 BROKER_BINARY TEST" >&2; exit 2; }
command -v node >/dev/null || { echo "node is not installed: run tools/deps.sh interop" >&2; exit 1; }
[ -f "$here/node_modules/kafkajs/package.json" ] ||
  { echo "kafkajs is not installed in $here: run tools/deps.sh interop" >&2; exit 1; }
# node's exit code is the verdict; the outer timeout is a backstop for the
# test's own (each wait in it is bounded).
exec timeout -k 5 300 node "$here/$2_test.js" "$1"
