#!/usr/bin/env bash
# Builds and starts the sync server on its embedded default: one SQLite file and local folders
# under ./data, seeded with the demo city (苏州市姑苏区) on first start; the console is at
# http://127.0.0.1:8080/console/. With `--app` first, the server runs in the background and the
# 城管通 desktop app (scripts/app.sh) opens against it; closing the app stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

with_app=false
if [ "${1:-}" = "--app" ]; then
  with_app=true
  shift
fi

bash scripts/setup.sh
serve=(cargo run --release --locked -p cgt-server -- serve --demo --data-dir ./data "$@")
if ! $with_app; then
  exec "${serve[@]}"
fi

"${serve[@]}" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
until curl -fs http://127.0.0.1:8080/healthz >/dev/null 2>&1; do
  kill -0 $server 2>/dev/null || { echo "demo: the server did not start" >&2; exit 1; }
  sleep 1
done
bash scripts/app.sh
