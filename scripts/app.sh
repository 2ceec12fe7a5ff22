#!/usr/bin/env bash
# Builds the UI and starts the 城管通 desktop app against the demo server of ./scripts/demo.sh
# (http://127.0.0.1:8080). Log in as inspector01 / cgt-demo-2026. Settings by environment:
# CGT_SERVER_URL, CGT_DATA_DIR (default ./data/app), CGT_POSITION (fixed:<lat>,<lon>,<acc> or
# gpx:<path>), CGT_ACCURACY_WARNING_M.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export CGT_SERVER_URL="${CGT_SERVER_URL:-http://127.0.0.1:8080}"
export CGT_DATA_DIR="${CGT_DATA_DIR:-./data/app}"
exec cargo run --locked -p cgt-app "$@"
