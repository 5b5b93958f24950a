#!/usr/bin/env bash
# bench/broker/load_bench.sh [BROKER_BINARY]
#
# Produce/consume load against brook-broker (in memory, and on disk in a temp
# dir) and, back to back with it, against librdkafka's mock cluster, with the
# reference load generator kperf (librdkafka). Prints one table: msgs/s, MB/s,
# ack latency and the ratio Brook/mock per row; says plainly where Brook is not
# faster than the mock. The machine is shared and noisy: read the ratios, not
# the absolute figures.
#
# Loads (each bounded by a message count; every kperf run by --max-seconds):
#   produce-1k    acks=all, 1 KiB values
#   produce-100b  acks=all, 100 B values
#   idempotent    acks=all, enable.idempotence, 100 B values
#   consume-1k    read back 1 KiB values from 8 partitions (4 MiB each: the mock
#                 keeps only 5 MiB per partition), fetch.wait.max.ms=10 both sides
#   latency-1k    ack latency of 1 KiB values at a fixed 1000 msgs/s, linger.ms=0
#
# The mock keeps only the last 5 MiB of each partition (../shared/perf/README.md),
# so both Brook brokers are started with the same bound: log.retention.bytes
# 5 MiB in 1 MiB segments, checked every 100 ms. Without it Brook would be
# timed storing every byte in memory the VM has never touched, against a mock
# that overwrites the same 5 MiB.
#
# kperf.c and mock_cluster.c are built at run time from $BROOK_PERF_DIR, else
# from ../shared/perf (or ../../shared/perf, for a worktree) next to the
# repository; without them the run is skipped with a message (exit 0).
# BROKER_BINARY defaults to build/release/broker/brook-broker.
# LOAD_BENCH_SCALE=N multiplies the message counts (default 1); each load runs
# LOAD_BENCH_ROUNDS times per target (default 2) and the best round is shown.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
broker_bin=${1:-$root/build/release/broker/brook-broker}
scale=${LOAD_BENCH_SCALE:-1}
rounds=${LOAD_BENCH_ROUNDS:-2}

perf_dir=""
for d in "${BROOK_PERF_DIR:-}" "$root/../shared/perf" "$root/../../shared/perf"; do
  if [ -n "$d" ] && [ -f "$d/kperf.c" ] && [ -f "$d/mock_cluster.c" ]; then
    perf_dir=$(cd "$d" && pwd)
    break
  fi
done
if [ -z "$perf_dir" ]; then
  echo "load_bench: SKIPPED: no kperf.c/mock_cluster.c (set BROOK_PERF_DIR, or put them in" \
       "../shared/perf next to the repository)"
  exit 0
fi
if [ ! -f /usr/include/librdkafka/rdkafka_mock.h ]; then
  echo "load_bench: SKIPPED: librdkafka-dev is not installed (tools/deps.sh interop)"
  exit 0
fi
[ -x "$broker_bin" ] || { echo "load_bench: no broker binary at $broker_bin" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/brook-load-bench-XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

cc -O2 -o "$work/kperf" "$perf_dir/kperf.c" -lrdkafka -lpthread -lm
cc -O2 -o "$work/mock_cluster" "$perf_dir/mock_cluster.c" -lrdkafka

# Topics: one per load, so that no run reads or trims another's data.
topics=(p1k:1 p100:1 pidem:1 c1k:8 lat:1)

wait_for() {  # wait_for <file> <regex>: up to 10 s
  for _ in $(seq 200); do
    grep -qE "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "load_bench: timed out waiting for /$2/ in $1:" >&2
  cat "$1" >&2
  return 1
}

declare -A bootstrap
start_brook() {  # start_brook <name> <args...>
  local name=$1; shift
  "$broker_bin" --listen 127.0.0.1:0 --log-level warn \
    --set log.retention.bytes=$((5 << 20)) --set log.segment.bytes=$((1 << 20)) \
    --set log.retention.check.interval.ms=100 "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  wait_for "$work/$name.log" "listening on [0-9.]+:[0-9]+"
  bootstrap[$name]=$(grep -oE "listening on [0-9.]+:[0-9]+" "$work/$name.log" | head -1 |
                     awk '{print $3}')
}
start_mock() {
  local args=()
  for t in "${topics[@]}"; do args+=(-t "$t"); done
  "$work/mock_cluster" -d 600 "${args[@]}" >"$work/mock.log" 2>&1 &
  pids+=($!)
  wait_for "$work/mock.log" "^READY_MS"
  bootstrap[mock]=$(awk '/^BOOTSTRAP/{print $2}' "$work/mock.log")
}

mkdir -p "$work/data"
start_brook brook-mem --memory
start_brook brook-disk --data-dir "$work/data"
start_mock
targets=(brook-mem brook-disk mock)
echo "load_bench: brook-mem ${bootstrap[brook-mem]}, brook-disk ${bootstrap[brook-disk]}" \
     "($work/data), mock ${bootstrap[mock]}; librdkafka $(dpkg-query -W -f='${Version}' \
     librdkafka1 2>/dev/null || echo '?'), scale $scale; Brook keeps the mock's 5 MiB" \
     "per partition (log.retention.bytes)"

# Brook creates the topics through CreateTopics; the mock (no CreateTopics in
# librdkafka 2.0.2) got them at start.
create_args() {  # create_args <target> <partitions>
  [ "$1" = mock ] || echo "--create-topic $2"
}

results="$work/results.txt"
: >"$results"
run() {  # run <row> <target> <kperf args...>: appends "row target {json}" to $results
  local row=$1 target=$2; shift 2
  local out="$work/$row.$target.$(wc -l <"$results").out"
  if ! timeout 90 "$work/kperf" "$@" --bootstrap "${bootstrap[$target]}" --max-seconds 60 -q \
       --label "$row/$target" >"$out" 2>"$out.err"; then
    echo "load_bench: $row on $target failed:" >&2
    tail -5 "$out.err" >&2
  fi
  local json
  json=$(sed -n 's/^RESULT //p' "$out" | tail -1)
  echo "$row $target $json" >>"$results"
}

n1k=$((100000 * scale))
n100=$((300000 * scale))
nc=$((4096 * 8))  # 4 MiB of 1 KiB values in each of 8 partitions (the mock's 5 MiB cap)
nlat=$((1500 * scale))

# Each load runs on the three targets back to back, so that they share the
# machine's noise; the consume topic is filled once, before the rounds.
for t in "${targets[@]}"; do
  run fill-c1k "$t" produce --topic c1k $(create_args "$t" 8) --size 1024 --count "$nc" \
    --partition rr --rr-block 512
done
for _ in $(seq "$rounds"); do
  for t in "${targets[@]}"; do
    run produce-1k "$t" produce --topic p1k $(create_args "$t" 1) --size 1024 --count "$n1k" \
      --acks all
  done
  for t in "${targets[@]}"; do
    run produce-100b "$t" produce --topic p100 $(create_args "$t" 1) --size 100 \
      --count "$n100" --acks all
  done
  for t in "${targets[@]}"; do
    run idempotent "$t" produce --topic pidem $(create_args "$t" 1) --size 100 \
      --count "$n100" --acks all --idempotence 1
  done
  for t in "${targets[@]}"; do
    run consume-1k "$t" consume --topic c1k --count "$nc" --idle-timeout 10 \
      -X fetch.wait.max.ms=10
  done
  for t in "${targets[@]}"; do
    run latency-1k "$t" produce --topic lat $(create_args "$t" 1) --size 1024 \
      --count "$nlat" --rate 1000 --linger-ms 0
  done
done

/usr/bin/python3 - "$results" <<'PY'
import json, sys

def metric(row, r):
    # The figure a row is judged on, and whether bigger is better.
    if row.startswith("latency"):
        return r.get("ack_us_p50"), False
    return r.get("msgs_per_s"), True

def better(row, a, b):  # a is a better round than b
    va, bigger_better = metric(row, a)
    vb, _ = metric(row, b)
    if a.get("errors") or not va:
        return False
    if b.get("errors") or not vb:
        return True
    return va > vb if bigger_better else va < vb

rows = {}
order = []
for line in open(sys.argv[1]):
    row, target, blob = line.rstrip("\n").split(" ", 2)
    if row.startswith("fill-"):
        continue
    if row not in rows:
        rows[row] = {}
        order.append(row)
    r = json.loads(blob) if blob.strip() else {}
    best = rows[row].get(target)
    if best is None or better(row, r, best):
        rows[row][target] = r

def fmt(v, spec):
    if isinstance(v, (int, float)) and v >= 0:
        return format(v, spec)
    return "-".rjust(int(spec.split(".")[0].rstrip("df")))

print()
print(f"{'load':<13} {'target':<11} {'msgs/s':>10} {'MB/s':>8} {'p50 ms':>8} {'p99 ms':>8}"
      f" {'n':>7} {'Brook/mock':>11}")
slower = []
for row in order:
    mock_value, _ = metric(row, rows[row].get("mock", {}))
    for target in ("brook-mem", "brook-disk", "mock"):
        r = rows[row].get(target, {})
        n = r.get("delivered", r.get("consumed"))
        p50 = r.get("ack_us_p50")
        p99 = r.get("ack_us_p99")
        ratio = ""
        value, bigger_better = metric(row, r)
        if target != "mock":
            if value and mock_value:
                x = value / mock_value
                ratio = f"{x:.2f}x"
                if (x < 1) if bigger_better else (x > 1):
                    ratio += " SLOWER"
                    slower.append(f"{row} on {target}: {x:.2f}x the mock's "
                                  f"{'msgs/s' if bigger_better else 'p50 latency'}")
            else:
                ratio = "n/a"
                slower.append(f"{row} on {target}: no result")
        errors = r.get("errors", 0)
        note = f"  ({errors} errors)" if errors else ""
        print(f"{row:<13} {target:<11} {fmt(r.get('msgs_per_s'), '10.0f')}"
              f" {fmt(r.get('MB_per_s'), '8.1f')}"
              f" {fmt(p50 / 1e3 if p50 is not None else None, '8.2f')}"
              f" {fmt(p99 / 1e3 if p99 is not None else None, '8.2f')}"
              f" {fmt(n, '7d')} {ratio:>11}{note}")
print()
print("Best of the rounds per target. "
      "Brook/mock: msgs/s ratio (above 1: Brook faster); latency-1k: p50 ratio (below 1: faster).")
print("p50/p99: produce ack latency (includes linger.ms for unpaced runs); consume has none.")
if slower:
    print("Brook is NOT faster than the mock on:")
    for s in slower:
        print("  " + s)
else:
    print("Brook is faster than the mock on every row.")
PY
