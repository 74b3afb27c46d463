#!/usr/bin/env bash
# Installs what is needed, builds, and runs every check and test: formatting, clang-tidy, the unit tests under
# AddressSanitizer and UndefinedBehaviorSanitizer, then the whole ctest suite on the release build (its summary
# is the last thing printed).
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc)
build_dir=build
sanitize_dir=build-sanitize

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
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" \
  -DJICOFO_WERROR=ON >/dev/null
ninja -C "$build_dir" -j"$jobs"

step "static analysis (clang-tidy)"
git ls-files 'src/*.cpp' | xargs -P"$jobs" -n4 clang-tidy -p "$build_dir" --quiet 2>/dev/null | tee "$build_dir/clang-tidy.log"
if grep -qE '(warning|error):' "$build_dir/clang-tidy.log"; then
  echo "clang-tidy reported problems" >&2
  exit 1
fi

# Only the unit tests' targets, with line tables (-g1) instead of full debug info: sanitizer reports still name
# file and line.
step "unit tests under ASan + UBSan"
cmake -S . -B "$sanitize_dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DJICOFO_SANITIZE=ON \
  -DJICOFO_WERROR=ON -DJICOFO_BUILD_BENCH=OFF >/dev/null
ninja -C "$sanitize_dir" -j"$jobs" unit_tests
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$sanitize_dir" -L unit --output-on-failure -j"$jobs"

step "all tests (release build)"
# A test that fails is run once more before it counts as failed: the integration tests start Prosody, peers and the
# binary on a 2-core machine that is also running other tests, and a rare overload is not a product failure. The
# output still shows every failed attempt; a test that fails twice fails the run.
ctest --test-dir "$build_dir" --output-on-failure -j"$jobs" --repeat until-pass:2
