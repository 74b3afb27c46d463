#!/usr/bin/env bash
# Installs everything jicofo-native needs to build, test and run its demo shard on Debian 12 (--with-tests: also
# what the whole test suite needs; --with-bench: the benchmarks' tools).
# Idempotent and non-interactive; apt-get only.
set -euo pipefail

build_packages=(
  g++ cmake ninja-build pkg-config
  libboost1.81-dev libboost-url1.81-dev
  libstrophe-dev libidn-dev nlohmann-json3-dev prometheus-cpp-dev
  libspdlog-dev libfmt-dev libssl-dev libsystemd-dev
  libgtest-dev libgmock-dev
  dpkg-dev ccache
)
run_packages=(prosody lua-unbound curl ca-certificates openssl)
# The emulated bridge and participants (tests/peers/) of the tests and of the demo shard.
peer_packages=(python3 python3-slixmpp)
# prometheus: for promtool, which checks the shipped alert rules (tests/packaging); Debian has no smaller package
# with it. systemd: for systemd-analyze, which checks the packaged unit file (tests/package). python3-yaml and
# python3-jsonschema: docs/openapi.yaml checked against the binary's routes and answers (tests/openapi).
test_packages=(clang-format clang-tidy clang-14 libclang-rt-14-dev chromium nodejs lintian prometheus systemd
  python3-yaml python3-jsonschema)

# The benchmarks' load and profiling tools (docs/performance.md): wrk for the REST rates, perf for the profiles.
bench_packages=(wrk linux-perf)

with_tests=false
with_bench=false
for option in "$@"; do
  case "$option" in
    --with-tests) with_tests=true ;;
    --with-bench) with_bench=true ;;
    *) echo "usage: $0 [--with-tests] [--with-bench]" >&2; exit 2 ;;
  esac
done

wanted=("${build_packages[@]}" "${run_packages[@]}" "${peer_packages[@]}")
if $with_tests; then
  wanted+=("${test_packages[@]}")
fi
if $with_bench; then
  wanted+=("${bench_packages[@]}")
fi

missing=()
for package in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [[ $(id -u) -ne 0 ]]; then
  sudo_cmd=(sudo)
else
  sudo_cmd=()
fi

# The browser test's node modules (playwright-core, jquery, the lib-jitsi-meet bundle); its own script is
# idempotent. Debian's nodejs comes without npm (NodeSource's includes it).
browser_setup() {
  if ! $with_tests; then
    return
  fi
  if ! command -v npm >/dev/null; then
    "${sudo_cmd[@]}" apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends npm
  fi
  "$(dirname "${BASH_SOURCE[0]}")/../tests/browser/setup.sh"
}

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#wanted[@]} packages present"
  browser_setup
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
# Boost 1.81 conflicts with the 1.74 -dev packages some images carry; apt removes those.
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
# The Debian package starts a system Prosody on the standard ports; the demo and tests run their own.
if systemctl is-active --quiet prosody 2>/dev/null; then
  "${sudo_cmd[@]}" systemctl stop prosody || true
  "${sudo_cmd[@]}" systemctl disable prosody || true
fi
browser_setup
