#!/usr/bin/env bash
# tools/deps.sh [build|interop|fuzz|all]: installs the Debian packages Brook
# needs that are missing. Safe to run repeatedly; quiet when nothing is missing.
# interop (and all) also installs the kafkajs interop tests' npm packages
# (tests/interop/kafkajs/package.json) into tests/interop/kafkajs/node_modules,
# which git ignores; node and npm come from Debian when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

build_pkgs=(g++ cmake ninja-build pkg-config libasio-dev librocksdb-dev libxxhash-dev
            libgtest-dev libgmock-dev libbenchmark-dev zlib1g-dev libsnappy-dev liblz4-dev
            libzstd-dev libcli11-dev)
interop_pkgs=(kcat librdkafka-dev python3-confluent-kafka)
fuzz_pkgs=(clang libclang-rt-14-dev)
tidy_pkgs=(clang-tidy clang-format)

case "${1:-all}" in
  build) wanted=("${build_pkgs[@]}") ;;
  interop) wanted=("${interop_pkgs[@]}") ;;
  fuzz) wanted=("${fuzz_pkgs[@]}") ;;
  tidy) wanted=("${tidy_pkgs[@]}") ;;
  all) wanted=("${build_pkgs[@]}" "${interop_pkgs[@]}" "${fuzz_pkgs[@]}") ;;
  *) echo "usage: $0 [build|interop|fuzz|tidy|all]" >&2; exit 2 ;;
esac

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
node_tests=0
case "${1:-all}" in interop | all) node_tests=1 ;; esac
# node and npm may come from elsewhere (nodesource); Debian's only if absent.
if [ $node_tests -eq 1 ]; then
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The kafkajs tests' packages, at the versions package-lock.json pins.
if [ $node_tests -eq 1 ]; then
  kafkajs_dir=tests/interop/kafkajs
  want=$(node -p "require('./$kafkajs_dir/package.json').dependencies.kafkajs")
  have=$(node -p "try { require('./$kafkajs_dir/node_modules/kafkajs/package.json').version } catch (e) { '' }")
  if [ "$have" != "$want" ]; then
    echo "installing kafkajs $want into $kafkajs_dir/node_modules"
    (cd "$kafkajs_dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
