#!/usr/bin/env bash
# Starts PostgreSQL and Redis on 127.0.0.1 when they are not running, and creates the portal's
# database role (idempotent). Used by `make test`; a newcomer's machine needs nothing by hand.
set -euo pipefail
bash "$(dirname "$0")/apt-deps.sh" test

ver=$(pg_lsclusters -h 2>/dev/null | awk '$2=="main"{print $1}' | sort -n | tail -1)
if [ -z "$ver" ]; then
  ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
  pg_createcluster "$ver" main >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main"{print $4}' | grep -q online; then
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start
fi
for _ in $(seq 100); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL did not start" >&2; exit 1; }

psql_su() { (cd / && runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtAc "$1"); }
[ "$(psql_su "SELECT 1 FROM pg_roles WHERE rolname='portal'")" = 1 ] || \
  psql_su "CREATE ROLE portal LOGIN CREATEDB PASSWORD 'portal'"
[ "$(psql_su "SELECT 1 FROM pg_database WHERE datname='portal'")" = 1 ] || \
  psql_su "CREATE DATABASE portal OWNER portal"

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no \
    --pidfile /tmp/portal-redis.pid --logfile /tmp/portal-redis.log
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { echo "Redis did not start" >&2; exit 1; }
echo "services: PostgreSQL $ver on 127.0.0.1:5432, Redis on 127.0.0.1:6379"
