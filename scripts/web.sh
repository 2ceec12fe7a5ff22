#!/usr/bin/env bash
# Builds the web parts the server and the tests need: the command-centre console
# (sync-server/console → dist, served at /console/) and the browser-test driver
# (tests/console, playwright-core). Uses the lockfiles; runs npm only when they changed.
set -euo pipefail
cd "$(dirname "$0")/.."

install() {
  local dir=$1
  if [ ! -f "$dir/node_modules/.package-lock.json" ] ||
    ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.cgt-installed-lock"; then
    (cd "$dir" && npm ci --no-audit --no-fund)
    cp "$dir/package-lock.json" "$dir/node_modules/.cgt-installed-lock"
  fi
}

install sync-server/console
(cd sync-server/console && npm run build)
install tests/console
