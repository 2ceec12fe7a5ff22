#!/usr/bin/env bash
# Builds the web parts: the field app's UI (app/ui → dist, embedded by the Tauri crate at
# compile time), the command-centre console (sync-server/console → dist, served at /console/)
# and the browser-test driver (tests/console, playwright-core). Installs from the lockfiles,
# and only when a lockfile changed since the last install.
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

for ui in app/ui sync-server/console; do
  install "$ui"
  (cd "$ui" && npm run --silent build)
done
install tests/console
