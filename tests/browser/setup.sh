#!/usr/bin/env bash
# Installs what the browser test needs into tests/browser/node_modules (gitignored): playwright-core and jquery
# from package-lock.json, and the prebuilt 2021 lib-jitsi-meet bundle. Idempotent; never downloads a browser
# (the test drives Debian's /usr/bin/chromium).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

# npm ci wipes node_modules, so it runs only when the lock file changed since the last run.
stamp=node_modules/.jicofo-lock-stamp
if ! cmp -s package-lock.json "$stamp" 2>/dev/null; then
  npm ci --no-audit --no-fund
  cp package-lock.json "$stamp"
fi

# `npm install` of this package fails on two of its dependencies; its tarball carries the prebuilt bundle, which
# is all the page needs.
bundle_package="@lyno/lib-jitsi-meet@2.6726.2"
bundle_dir=node_modules/lib-jitsi-meet-bundle
if [[ ! -f "$bundle_dir/lib-jitsi-meet.min.js" ]]; then
  scratch="$(mktemp -d)"
  trap 'rm -rf "$scratch"' EXIT
  (cd "$scratch" && npm pack --silent "$bundle_package" >/dev/null)
  rm -rf "$bundle_dir"
  mkdir -p "$bundle_dir"
  tar -xzf "$scratch"/*.tgz -C "$bundle_dir" --strip-components=1
fi
echo "browser setup: node_modules ready ($bundle_package, $(node -p "require('playwright-core/package.json').version" 2>/dev/null || echo '?') playwright-core)"
