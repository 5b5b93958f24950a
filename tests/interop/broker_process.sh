# tests/interop/broker_process.sh: sourced by the interop scripts.
#
#   source "$(dirname "$0")/broker_process.sh" "$1"   # the brook-broker binary
#   start_broker [--set name=value ...]                # on $bootstrap, data in $dir/data
#   run_broker ARGS...                                 # or with exactly these arguments
#   ... clients against "$bootstrap" ...
#   stop_broker; start_broker                          # a restart keeps the data
#
# Sets broker_bin, dir (a temp dir, removed on exit with the broker stopped),
# port, bootstrap; fail MESSAGE prints the broker's log and exits 1.
set -euo pipefail
broker_bin=$1
dir=$(mktemp -d)
pid=
broker_starts=0
stop_broker() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  pid=
}
trap 'stop_broker; rm -rf "$dir"' EXIT
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
bootstrap="127.0.0.1:$port"

fail() {
  echo "FAILED: $*"
  cat "$dir/broker.log"
  exit 1
}

# Starts the broker on $bootstrap with its data in $dir/data, plus "$@".
start_broker() {
  run_broker --listen "$bootstrap" --data-dir "$dir/data" "$@"
}

# Starts the broker with exactly "$@" as its arguments and waits (up to
# 10 s) for this start's "listening" line.
run_broker() {
  broker_starts=$((broker_starts + 1))
  "$broker_bin" "$@" >>"$dir/broker.log" 2>&1 &
  pid=$!
  for _ in $(seq 200); do
    [ "$(grep -c "Brook is listening" "$dir/broker.log" 2>/dev/null)" -ge "$broker_starts" ] &&
      return 0
    sleep 0.05
  done
  fail "brook-broker did not start"
}
