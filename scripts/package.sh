#!/usr/bin/env bash
# Builds the Debian package of jicofo-native: build/deb/jicofo-native_<version>-<revision>_<arch>.deb, from a release
# build of its own (build-package/, the same compiler flags as the test command's release build, so ccache serves
# it), then checks it with lintian when lintian is installed (scripts/install-deps.sh --with-tests installs it).
#   scripts/package.sh [--revision N] [--no-lintian]
#     N: the Debian revision (default 1), for a rebuild of the same source
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${JICOFO_PACKAGE_BUILD_DIR:-build-package}
out_dir=build/deb
revision=1
lintian=yes
while (($# > 0)); do
  case "$1" in
    --revision) revision=$2; shift 2 ;;
    --no-lintian) lintian=no; shift ;;
    *) echo "usage: $0 [--revision N] [--no-lintian]" >&2; exit 2 ;;
  esac
done

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
# Full RELRO and immediate binding, as Debian's hardening flags give packages; link-time only.
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" \
  -DJICOFO_WERROR=ON -DJICOFO_BUILD_TESTS=OFF -DJICOFO_BUILD_BENCH=OFF -DJICOFO_PACKAGE=ON \
  -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_INSTALL_DOCDIR=share/doc/jicofo-native \
  "-DCMAKE_EXE_LINKER_FLAGS=-Wl,-z,relro -Wl,-z,now" "-DJICOFO_PACKAGE_REVISION=$revision" "${launcher[@]}" >/dev/null
ninja -C "$build_dir" -j"${JICOFO_PACKAGE_JOBS:-$(nproc)}"
rm -f "$build_dir"/deb-work/*.deb
(cd "$build_dir" && cpack -G DEB >/dev/null)

mkdir -p "$out_dir"
rm -f "$out_dir"/jicofo-native_*.deb  # only this build's package, so that build/deb/*.deb names one file
package=$(ls "$build_dir"/deb-work/*.deb)
cp "$package" "$out_dir/"
deb="$out_dir/$(basename "$package")"

if [[ $lintian == no ]]; then
  :
elif command -v lintian >/dev/null; then
  # Warnings and errors fail the build; each tag left is overridden in packaging/debian/lintian-overrides with a
  # reason.
  lintian --fail-on error,warning --tag-display-limit 0 "$deb"
else
  echo "package.sh: lintian not installed, package not checked" >&2
fi
echo "$deb"
