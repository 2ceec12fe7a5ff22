#!/usr/bin/env bash
# Starts an S3-compatible object store for the test suite's second pass and prints, one per
# line, the variables the suite and its servers take (`export` each). The store is Garage
# (crates.io `garage`: a maintained, production object store, here as a single node), built
# once into $HOME/.cache/cgt-tools; its data lives under $HOME/.cache/cgt-garage and its keys
# are made on first use. With --fresh a running store is stopped and its data removed first.
# Idempotent otherwise.
set -euo pipefail

version=2.5.0
tools="$HOME/.cache/cgt-tools"
garage="$tools/bin/garage"
dir="$HOME/.cache/cgt-garage"
api_port="${CGT_GARAGE_PORT:-3900}"
rpc_port=$((api_port + 1))
bucket=cgt-tests

if ! "$garage" --version 2>/dev/null | grep -q "cargo:$version"; then
  echo "objectstore: building garage $version (once, a few minutes)" >&2
  build="$HOME/.cache/cgt-garage-build"
  cargo install garage --version "$version" --locked --root "$tools" --target-dir "$build" >&2
  rm -rf "$build"
fi

stop() {
  if [ -f "$dir/pid" ] && kill "$(cat "$dir/pid")" 2>/dev/null; then
    while kill -0 "$(cat "$dir/pid")" 2>/dev/null; do sleep 0.2; done
  fi
  rm -f "$dir/pid"
}

if [ "${1:-}" = "--fresh" ]; then
  stop
  rm -rf "$dir/meta" "$dir/data"
fi

mkdir -p "$dir"
if [ ! -f "$dir/keys" ]; then
  hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
  printf 'key_id=GK%s\nsecret=%s\nrpc_secret=%s\n' "$(hex 12)" "$(hex 32)" "$(hex 32)" >"$dir/keys"
fi
# shellcheck disable=SC1091
. "$dir/keys"
cat >"$dir/garage.toml" <<EOF
metadata_dir = "$dir/meta"
data_dir = "$dir/data"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:$rpc_port"
rpc_public_addr = "127.0.0.1:$rpc_port"
rpc_secret = "$rpc_secret"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:$api_port"
root_domain = ".s3.garage.localhost"
EOF

answering() { curl -s -o /dev/null "http://127.0.0.1:$api_port/"; }
if ! { [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null && answering; }; then
  stop
  GARAGE_DEFAULT_ACCESS_KEY="$key_id" GARAGE_DEFAULT_SECRET_KEY="$secret" \
    GARAGE_DEFAULT_BUCKET="$bucket" RUST_LOG=warn \
    nohup "$garage" -c "$dir/garage.toml" server --single-node --default-bucket \
    >"$dir/log" 2>&1 &
  echo $! >"$dir/pid"
fi
for _ in $(seq 1 100); do
  if answering && "$garage" -c "$dir/garage.toml" bucket info "$bucket" >/dev/null 2>&1; then
    echo "CGT_TEST_PHOTO_STORE=s3://$bucket"
    echo "CGT_PHOTO_STORE_ENDPOINT=http://127.0.0.1:$api_port"
    echo "CGT_PHOTO_STORE_REGION=garage"
    echo "CGT_PHOTO_STORE_ACCESS_KEY_ID=$key_id"
    echo "CGT_PHOTO_STORE_SECRET_ACCESS_KEY=$secret"
    exit 0
  fi
  sleep 0.3
done
echo "objectstore: garage did not start; see $dir/log" >&2
tail -20 "$dir/log" >&2
exit 1
