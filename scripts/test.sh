#!/usr/bin/env bash
# The whole test suite: system setup, formatting, lints, then every test of the workspace
# (unit, property, end-to-end against the real server binary). Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast
else
  cargo test --workspace --locked --no-fail-fast
fi
