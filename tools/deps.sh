#!/usr/bin/env bash
# tools/deps.sh [build|interop|fuzz|all]: installs the Debian packages Brook
# needs that are missing. Safe to run repeatedly; quiet when nothing is missing.
set -euo pipefail

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
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
