#!/usr/bin/env bash
# The storage engines the replica tests run against, started on 127.0.0.1 for the test run:
#   PostgreSQL 15 (Debian `postgresql`) and, for the S3 blob store, OpenStack Swift with s3api
#   (Debian `python3-swift`): real engines, not mocks.
# Usage: .ci/services.sh start|stop|env
#   start  initialises (once) and starts the engines under $STOWAGE_SERVICES_DIR, prints the
#          environment the tests read (eval "$(.ci/services.sh start)")
#   stop   stops what start started (by the pid files it wrote)
#   env    prints the environment again
# STOWAGE_SERVICES_DIR (default .ci/.services), STOWAGE_PG_PORT (55432) and STOWAGE_S3_PORT
# (55680; Swift's storage servers take the three ports below it) may be overridden.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${STOWAGE_SERVICES_DIR:-$PWD/.ci/.services}
PG_PORT=${STOWAGE_PG_PORT:-55432}
PG_BIN=/usr/lib/postgresql/15/bin
# PostgreSQL runs as the `postgres` user when we are root: its files go under $DIR unless that
# user cannot reach it (a checkout under /root), then under /tmp (named after $DIR, so that
# stop finds it again).
mkdir -p "$DIR"
PG_ROOT=$DIR/pg
if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$DIR" 2>/dev/null; then
  PG_ROOT=/tmp/stowage-pg-$(printf %s "$DIR" | sha1sum | cut -c1-12)
fi
PG_DATA=$PG_ROOT/data

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
  mkdir -p "$DIR" "$PG_ROOT"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PG_ROOT"; fi
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    log "initdb $PG_DATA"
    # C.UTF-8: byte order for text everywhere; the schema also says COLLATE "C" on paths.
    as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U stowage --auth=trust --encoding=UTF8 \
      --locale=C.UTF-8 >/dev/null
  fi
  if ! as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    # Test settings: no fsync (the cluster is thrown away), loopback only, socket in $PG_ROOT.
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_ROOT/postgres.log" -w -t 60 \
      -o "-p $PG_PORT -k $PG_ROOT -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
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
# S3-compatible object storage: OpenStack Swift from Debian (python3-swift, run with
# /usr/bin/python3) as an all-in-one cluster (one replica, one device) with the s3api and
# tempauth middlewares. Account "test", user "tester", key "testing": the S3 access key is
# "test:tester", the secret "testing", region us-east-1, path-style addressing.

S3_PORT=${STOWAGE_S3_PORT:-55680}
SWIFT=$DIR/swift
PY=/usr/bin/python3

swift_conf() {
  local etc=$SWIFT/etc
  mkdir -p "$etc" "$SWIFT/devices/d1" "$SWIFT/run" "$SWIFT/log"
  cat >"$etc/swift.conf" <<CONF
[swift-hash]
swift_hash_path_suffix = stowage-tests
swift_hash_path_prefix = stowage-tests
[storage-policy:0]
name = gold
default = yes
CONF
  # The storage servers listen on the three ports below the proxy's.
  local name port
  for name in object container account; do
    case $name in
      object) port=$((S3_PORT - 3)) ;;
      container) port=$((S3_PORT - 2)) ;;
      account) port=$((S3_PORT - 1)) ;;
    esac
    cat >"$etc/$name-server.conf" <<CONF
[DEFAULT]
swift_dir = $etc
devices = $SWIFT/devices
mount_check = false
bind_ip = 127.0.0.1
bind_port = $port
workers = 0
user = $(id -un)
log_name = $name-server
[pipeline:main]
pipeline = $name-server
[app:$name-server]
use = egg:swift#$name
[${name}-replicator]
[${name}-updater]
[${name}-auditor]
CONF
  done
  cat >"$etc/proxy-server.conf" <<CONF
[DEFAULT]
swift_dir = $etc
bind_ip = 127.0.0.1
bind_port = $S3_PORT
workers = 0
user = $(id -un)
log_name = proxy-server
[pipeline:main]
pipeline = catch_errors gatekeeper proxy-logging cache listing_formats s3api tempauth copy slo dlo proxy-logging proxy-server
[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin
[filter:s3api]
use = egg:swift#s3api
location = us-east-1
# Multipart uploads (the S3 blob store streams in parts) of up to 10,000 parts.
max_upload_part_num = 10000
[filter:cache]
use = egg:swift#memcache
# No memcached: Swift then keeps going without a cache.
memcache_servers = 127.0.0.1:1
[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
CONF
  # Rings: one device each, one replica.
  "$PY" - "$etc" "$S3_PORT" <<'PY'
import os, sys
from swift.common.ring import RingBuilder
etc, proxy = sys.argv[1], int(sys.argv[2])
for name, port in (('object', proxy - 3), ('container', proxy - 2), ('account', proxy - 1)):
    ring = os.path.join(etc, name + '.ring.gz')
    if os.path.exists(ring):
        continue
    b = RingBuilder(8, 1, 1)
    b.add_dev({'id': 0, 'region': 1, 'zone': 1, 'ip': '127.0.0.1', 'port': port,
               'device': 'd1', 'weight': 100})
    b.rebalance()
    b.get_ring().save(ring)
PY
}

swift_server() {
  local name=$1 etc=$SWIFT/etc
  # Detached, with no stdout shared with the caller: `eval "$(services.sh start)"` returns.
  setsid "$PY" -c "
import sys
from swift.common import utils
utils.set_swift_dir('$etc')
from swift.common.wsgi import run_wsgi
kwargs = {}
if '$name' == 'object':
    from swift.obj import server
    kwargs['global_conf_callback'] = server.global_conf_callback
sys.exit(run_wsgi('$etc/$name-server.conf', '$name-server', **kwargs))
" </dev/null >"$SWIFT/log/$name.log" 2>&1 &
  echo $! >"$SWIFT/run/$name.pid"
}

s3_start() {
  "$PY" -c 'import swift.common.middleware.s3api' 2>/dev/null || apt_install python3-swift
  if curl -fsS -o /dev/null "http://127.0.0.1:$S3_PORT/info" 2>/dev/null; then return 0; fi
  swift_conf
  local name
  for name in account container object proxy; do swift_server "$name"; done
  local i
  for i in $(seq 1 120); do
    curl -fsS -o /dev/null "http://127.0.0.1:$S3_PORT/info" 2>/dev/null && break
    sleep 0.5
  done
  if ! curl -fsS -o /dev/null "http://127.0.0.1:$S3_PORT/info"; then
    log "Swift did not come up; see $SWIFT/log"
    tail -n 20 "$SWIFT"/log/*.log >&2 || true
    return 1
  fi
  # A signed S3 call end to end (s3api + tempauth): create and remove a bucket. Signed here
  # (SigV4, Python's standard library) because curl --aws-sigv4 cannot take an access key
  # with a colon in it.
  # The proxy answers /info before the storage servers take requests (a 503 then): retried.
  # A probe bucket left by an interrupted start is removed first.
  s3_call DELETE /services-probe 2>/dev/null || true
  local probed=
  for i in $(seq 1 60); do
    if s3_call PUT /services-probe 2>/dev/null; then probed=1; break; fi
    sleep 0.5
  done
  [ -n "$probed" ] || s3_call PUT /services-probe # fails again, with the error shown
  s3_call DELETE /services-probe
}

s3_call() {
  "$PY" - "$1" "$2" "$S3_PORT" <<'PY'
import datetime, hashlib, hmac, sys, urllib.request
method, path, port = sys.argv[1], sys.argv[2], sys.argv[3]
key, secret, region = 'test:tester', 'testing', 'us-east-1'
host = f'127.0.0.1:{port}'
now = datetime.datetime.now(datetime.timezone.utc)
amz, day = now.strftime('%Y%m%dT%H%M%SZ'), now.strftime('%Y%m%d')
empty = hashlib.sha256(b'').hexdigest()
signed = 'host;x-amz-content-sha256;x-amz-date'
canonical = f'{method}\n{path}\n\nhost:{host}\nx-amz-content-sha256:{empty}\nx-amz-date:{amz}\n\n{signed}\n{empty}'
scope = f'{day}/{region}/s3/aws4_request'
to_sign = f'AWS4-HMAC-SHA256\n{amz}\n{scope}\n' + hashlib.sha256(canonical.encode()).hexdigest()
k = ('AWS4' + secret).encode()
for part in (day, region, 's3', 'aws4_request'):
    k = hmac.new(k, part.encode(), hashlib.sha256).digest()
sig = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
req = urllib.request.Request(f'http://{host}{path}', method=method, headers={
    'x-amz-date': amz, 'x-amz-content-sha256': empty,
    'authorization': f'AWS4-HMAC-SHA256 Credential={key}/{scope}, SignedHeaders={signed}, Signature={sig}'})
urllib.request.urlopen(req, timeout=30).read()
PY
}

s3_stop() {
  local f
  for f in "$SWIFT"/run/*.pid; do
    [ -f "$f" ] || continue
    kill "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
}

s3_env() {
  echo "export STOWAGE_TEST_S3_ENDPOINT=http://127.0.0.1:$S3_PORT"
  echo "export STOWAGE_TEST_S3_REGION=us-east-1"
  echo "export STOWAGE_TEST_S3_ACCESS_KEY_ID=test:tester"
  echo "export STOWAGE_TEST_S3_SECRET_ACCESS_KEY=testing"
}

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
