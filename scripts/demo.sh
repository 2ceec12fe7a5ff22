#!/usr/bin/env bash
# Builds and starts the sync server on its embedded default: one SQLite file and local folders
# under ./data, seeded with the demo city (苏州市姑苏区) on first start.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
exec cargo run --release --locked -p cgt-server -- serve --demo --data-dir ./data "$@"
