#!/usr/bin/env bash
# Starts a PostgreSQL server for the test suite's second pass and prints the connection string
# (without a database name) the suite takes in CGT_TEST_POSTGRES. Uses Debian's `postgresql`
# package (installed by scripts/setup.sh): its cluster when running as root, else a private
# cluster under $HOME/.cache/cgt-postgres. Idempotent.
set -euo pipefail

if [ "$(id -u)" -eq 0 ]; then
  version=$(ls /usr/lib/postgresql | sort -n | tail -1)
  cluster="$version main"
  if ! pg_lsclusters -h | grep -q "^$version main"; then
    pg_createcluster $cluster >/dev/null
  fi
  conf="/etc/postgresql/$version/main/conf.d/cgt-tests.conf"
  if [ ! -f "$conf" ]; then
    # Several servers per test, tests in parallel; the data is throw-away.
    printf 'max_connections = 400\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' >"$conf"
    pg_ctlcluster $cluster restart >/dev/null 2>&1 || true
  fi
  pg_ctlcluster $cluster start >/dev/null 2>&1 || true
  pg_ctlcluster $cluster status >/dev/null
  su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname = 'root'\"" | grep -q 1 ||
    su postgres -c "psql -qc 'CREATE ROLE root SUPERUSER LOGIN'" >/dev/null
  echo "host=/var/run/postgresql user=root"
else
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  dir="$HOME/.cache/cgt-postgres"
  if [ ! -f "$dir/PG_VERSION" ]; then
    mkdir -p "$dir"
    "$bin/initdb" -D "$dir" -U "$(id -un)" --auth=trust >/dev/null
    printf "max_connections = 400\nfsync = off\nsynchronous_commit = off\nunix_socket_directories = '%s'\nlisten_addresses = ''\n" "$dir" >>"$dir/postgresql.conf"
  fi
  "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1 || "$bin/pg_ctl" -D "$dir" -l "$dir/log" -w start >/dev/null
  echo "host=$dir user=$(id -un)"
fi
