#!/usr/bin/env bash
# Makes sure PostgreSQL, Redis and a Docker Engine are installed and running, and that the
# given database role and databases exist. Safe to run again and again.
#   DB_USER, DB_PASSWORD: the role to create or update (default runcell / runcell)
#   DB_NAMES: space-separated databases to create (default "runcell")
#   DB_CREATEDB: 1 to let the role create databases (the tests clone one per suite)
#   REDIS_PORT: default 6379
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

DB_USER=${DB_USER:-runcell}
DB_PASSWORD=${DB_PASSWORD:-runcell}
DB_NAMES=${DB_NAMES:-runcell}
DB_CREATEDB=${DB_CREATEDB:-0}
REDIS_PORT=${REDIS_PORT:-6379}
STATE_DIR=${RUNCELL_STATE_DIR:-/var/lib/runcell}

ensure_docker() {
  if docker info >/dev/null 2>&1; then return 0; fi
  command -v dockerd >/dev/null 2>&1 || apt_install docker.io
  command -v docker >/dev/null 2>&1 || apt_install docker.io
  log "starting the Docker Engine"
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    as_root systemctl start docker || true
  fi
  if ! docker info >/dev/null 2>&1; then
    as_root mkdir -p "$STATE_DIR"
    as_root bash -c "setsid nohup dockerd > '$STATE_DIR/dockerd.log' 2>&1 < /dev/null &"
  fi
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  die "the Docker Engine did not start; see $STATE_DIR/dockerd.log"
}

ensure_redis() {
  if redis_ping; then return 0; fi
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  log "starting Redis on 127.0.0.1:$REDIS_PORT"
  as_root mkdir -p "$STATE_DIR/redis"
  as_root redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" \
    --dir "$STATE_DIR/redis" --appendonly yes --logfile "$STATE_DIR/redis.log"
  for _ in $(seq 1 40); do
    redis_ping && return 0
    sleep 0.25
  done
  die "Redis did not start; see $STATE_DIR/redis.log"
}

redis_ping() {
  command -v redis-cli >/dev/null 2>&1 && [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]
}

ensure_postgres() {
  command -v pg_ctlcluster >/dev/null 2>&1 || apt_install postgresql
  local cluster
  cluster=$(pg_lsclusters --no-header 2>/dev/null | head -n 1 || true)
  if [ -z "$cluster" ]; then
    log "creating a PostgreSQL cluster"
    as_root pg_createcluster "$(ls /usr/lib/postgresql | sort -V | tail -n 1)" main >/dev/null
    cluster=$(pg_lsclusters --no-header | head -n 1)
  fi
  local version name status
  read -r version name _ status _ <<<"$cluster"
  if [ "$status" != "online" ]; then
    log "starting PostgreSQL $version/$name"
    as_root pg_ctlcluster "$version" "$name" start
  fi
  for _ in $(seq 1 40); do
    pg_isready -q -h 127.0.0.1 && break
    sleep 0.25
  done
  pg_isready -q -h 127.0.0.1 || die "PostgreSQL is not accepting connections on 127.0.0.1"

  local escaped_password=${DB_PASSWORD//\'/\'\'}
  psql_admin -v ON_ERROR_STOP=1 -q <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${DB_USER}') THEN
    CREATE ROLE "${DB_USER}" LOGIN PASSWORD '${escaped_password}';
  ELSE
    ALTER ROLE "${DB_USER}" LOGIN PASSWORD '${escaped_password}';
  END IF;
END
\$\$;
SQL
  if [ "$DB_CREATEDB" = "1" ]; then
    psql_admin -v ON_ERROR_STOP=1 -q -c "ALTER ROLE \"${DB_USER}\" CREATEDB"
  fi
  local db
  for db in $DB_NAMES; do
    if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '${db}'")" != "1" ]; then
      log "creating database $db"
      psql_admin -q -c "CREATE DATABASE \"${db}\" OWNER \"${DB_USER}\""
    fi
  done
}

psql_admin() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- psql -X "$@"
  else
    sudo -u postgres psql -X "$@"
  fi
}

ensure_postgres
ensure_redis
ensure_docker
# The deployment checks validate the Compose file with the classic docker-compose.
command -v docker-compose >/dev/null 2>&1 || apt_install docker-compose
log "PostgreSQL, Redis and Docker are running"
