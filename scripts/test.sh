#!/usr/bin/env bash
# The whole test suite: system setup, formatting, lints, then every test of the workspace
# (unit, property, end-to-end against the real server binary) on the embedded store, then the
# end-to-end suite again with every server on PostgreSQL (scripts/postgres.sh) and its photos in
# an S3-compatible object store (scripts/objectstore.sh, Garage). Run from anywhere.
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

CGT_TEST_POSTGRES="$(bash scripts/postgres.sh)"
export CGT_TEST_POSTGRES
# A fresh object store each run; its variables (CGT_TEST_PHOTO_STORE, CGT_PHOTO_STORE_*).
store_env="$(bash scripts/objectstore.sh --fresh)"
while IFS= read -r line; do export "${line?}"; done <<<"$store_env"
# Each test server's database from an earlier run is dropped first.
psql "$CGT_TEST_POSTGRES dbname=postgres" -tAc \
  "SELECT datname FROM pg_database WHERE datname LIKE 'cgt\_t\_%'" |
  while read -r db; do psql "$CGT_TEST_POSTGRES dbname=postgres" -qc "DROP DATABASE \"$db\""; done
# `--workspace` with a filter, not `-p`: the same features as the first run, so the same test
# binaries (about 0.5 GB each) are reused instead of built a second time.
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast -E 'package(cgt-tests)'
else
  cargo test -p cgt-tests --locked --no-fail-fast
fi
