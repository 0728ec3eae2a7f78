#!/usr/bin/env bash
# The storage engines the replica tests run against, started on 127.0.0.1 for the test run:
#   PostgreSQL 15 (Debian `postgresql`) and, for the S3 blob store, OpenStack Swift with s3api.
# Usage: .ci/services.sh start|stop|env
#   start  initialises (once) and starts the engines under $STOWAGE_SERVICES_DIR, prints the
#          environment the tests read (eval "$(.ci/services.sh start)")
#   stop   stops what start started (by the pid files it wrote)
#   env    prints the environment again
# STOWAGE_SERVICES_DIR (default .ci/.services), STOWAGE_PG_PORT (55432) may be overridden.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${STOWAGE_SERVICES_DIR:-$PWD/.ci/.services}
PG_PORT=${STOWAGE_PG_PORT:-55432}
PG_BIN=/usr/lib/postgresql/15/bin
PG_DATA=$DIR/pg/data

log() { echo "services: $*" >&2; }

# initdb and postgres refuse to run as root: as root they run as the `postgres` user.
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

apt_install() {
  [ "$(id -u)" = 0 ] || { log "need root to install $*"; return 1; }
  # Another process may hold the dpkg lock: wait for it rather than fail.
  local i
  for i in $(seq 1 60); do
    if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2; then return 0; fi
    log "apt-get failed (dpkg lock held?), retrying in 10 s"; sleep 10
  done
  return 1
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL

pg_start() {
  [ -x "$PG_BIN/initdb" ] || apt_install postgresql
  mkdir -p "$DIR/pg"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR/pg"
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    log "initdb $PG_DATA"
    # C.UTF-8: byte order for text everywhere; the schema also says COLLATE "C" on paths.
    as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U stowage --auth=trust --encoding=UTF8 \
      --locale=C.UTF-8 >/dev/null
  fi
  if ! as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    # Test settings: no fsync (the cluster is thrown away), loopback only, socket in $DIR/pg.
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$DIR/pg/postgres.log" -w -t 60 \
      -o "-p $PG_PORT -k $DIR/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null
  fi
  if ! "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U stowage -d postgres -qtAc \
    "SELECT 1 FROM pg_database WHERE datname = 'stowage'" | grep -q 1; then
    "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U stowage stowage
  fi
}

pg_stop() {
  if [ -f "$PG_DATA/postmaster.pid" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null || true
  fi
}

pg_env() {
  echo "export STOWAGE_TEST_PG_URL=postgres://stowage@127.0.0.1:$PG_PORT/stowage"
}

# ---------------------------------------------------------------------------------------------
# S3-compatible object storage (OpenStack Swift + s3api + tempauth, from Debian python3-swift).
# Owned by the S3 blob store's work: s3_start/s3_stop/s3_env are filled in there; until then
# they start nothing and export nothing, and the S3 tests skip saying so.

s3_start() { :; }
s3_stop() { :; }
s3_env() { :; }

# ---------------------------------------------------------------------------------------------

case "${1:-}" in
  start)
    pg_start
    s3_start
    pg_env
    s3_env
    ;;
  stop)
    s3_stop
    pg_stop
    ;;
  env)
    pg_env
    s3_env
    ;;
  *)
    echo "usage: $0 start|stop|env" >&2
    exit 2
    ;;
esac
