#!/usr/bin/env bash
# Installs what is needed, builds, and runs every check and test: formatting, clang-tidy, the unit tests under
# AddressSanitizer and UndefinedBehaviorSanitizer, the fuzz targets, the unit and XMPP/conference integration tests
# under ThreadSanitizer, then the whole ctest suite on the release build (its summary is the last thing printed).
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc)
build_dir=build
sanitize_dir=build-sanitize
tsan_dir=build-tsan

step() { printf '\n==> %s\n' "$*"; }

step "installing packages"
./scripts/install-deps.sh --with-tests

step "checking formatting (clang-format)"
mapfile -t sources < <(git ls-files 'src/*.cpp' 'src/*.hpp' 'include/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp' \
  'bench/*.hpp')
clang-format --dry-run -Werror "${sources[@]}"

# The package's optimisation level (-O2, as RelWithDebInfo) without debug info: the same optimiser warnings, a third
# faster to compile on two cores. Not -O3: GCC 12 reports false -Wrestrict warnings in std::string there.
step "configuring and building (release, warnings as errors)"
# Through ccache, so that the package test's own release build (scripts/package.sh, same flags) is served from it
# instead of compiling everything a second time.
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" \
  -DJICOFO_WERROR=ON -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
ninja -C "$build_dir" -j"$jobs"

step "static analysis (clang-tidy)"
git ls-files 'src/*.cpp' | xargs -P"$jobs" -n4 clang-tidy -p "$build_dir" --quiet 2>/dev/null | tee "$build_dir/clang-tidy.log"
if grep -qE '(warning|error):' "$build_dir/clang-tidy.log"; then
  echo "clang-tidy reported problems" >&2
  exit 1
fi

# clang with AddressSanitizer and UndefinedBehaviorSanitizer, and libFuzzer's coverage instrumentation: the unit
# tests' targets and the fuzz targets in one build, with line tables (-g1) so that reports name file and line.
step "unit tests under ASan + UBSan, fuzz targets (clang)"
cmake -S . -B "$sanitize_dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=Debug \
  "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" -DJICOFO_FUZZ=ON -DJICOFO_WERROR=ON -DJICOFO_BUILD_BENCH=OFF >/dev/null
ninja -C "$sanitize_dir" -j"$jobs" unit_tests fuzz_targets
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$sanitize_dir" -L unit --output-on-failure -j"$jobs"
# Each target a fixed number of executions from its seeds (tests/fuzz/CMakeLists.txt); a crash fails the run and
# leaves its input in $sanitize_dir/fuzz-artifacts/.
step "fuzzing (libFuzzer, ASan + UBSan)"
ctest --test-dir "$sanitize_dir" -L fuzz --output-on-failure -j"$jobs"
unset ASAN_OPTIONS UBSAN_OPTIONS

# ThreadSanitizer over the unit tests, the XMPP and conference integration tests and the binary with many io threads
# (tests labelled tsan). Suppressions are for third-party code only, each with its reason (tests/tsan.supp).
step "unit and integration tests under ThreadSanitizer"
cmake -S . -B "$tsan_dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DJICOFO_TSAN=ON \
  -DJICOFO_WERROR=ON -DJICOFO_BUILD_BENCH=OFF >/dev/null
ninja -C "$tsan_dir" -j"$jobs" tsan_tests jicofo
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/tsan.supp" \
  ctest --test-dir "$tsan_dir" -L "unit|tsan" --output-on-failure -j"$jobs" --repeat until-pass:2

step "all tests (release build)"
# This includes the package test (label `package`, tests/package): as root it builds the .deb with scripts/package.sh
# (ccache serves its release build) and installs, runs, upgrades and purges it on this machine; otherwise, or on a
# host with a Jicofo of its own, it is reported as skipped.
# A test that fails is run once more before it counts as failed: the integration tests start Prosody, peers and the
# binary on a 2-core machine that is also running other tests, and a rare overload is not a product failure. The
# output still shows every failed attempt; a test that fails twice fails the run.
ctest --test-dir "$build_dir" --output-on-failure -j"$jobs" --repeat until-pass:2
