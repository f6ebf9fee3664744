#!/usr/bin/env bash
# `npm run local`: installs and starts everything Runcell needs, then runs it in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_node_modules

if [ ! -f .env ]; then
  log "writing .env with fresh random secrets"
  db_password=$(openssl rand -hex 16 2>/dev/null || node -e "process.stdout.write(require('crypto').randomBytes(16).toString('hex'))")
  jwt_secret=$(node -e "process.stdout.write(require('crypto').randomBytes(48).toString('base64url'))")
  executor_secret=$(node -e "process.stdout.write(require('crypto').randomBytes(24).toString('hex'))")
  sed -e "s|^DATABASE_URL=.*|DATABASE_URL=postgres://runcell:${db_password}@127.0.0.1:5432/runcell|" \
      -e "s|^JWT_SECRET=.*|JWT_SECRET=${jwt_secret}|" \
      -e "s|^URT_SECRET=.*|URT_SECRET=${executor_secret}|" \
      .env.example > .env
  chmod 600 .env
fi

database_url=$(dotenv_get .env DATABASE_URL)
database_url=${DATABASE_URL:-${database_url:-postgres://runcell:runcell@127.0.0.1:5432/runcell}}
db_user=$(node -e "const u=new URL(process.argv[1]);process.stdout.write(decodeURIComponent(u.username))" "$database_url")
db_password=$(node -e "const u=new URL(process.argv[1]);process.stdout.write(decodeURIComponent(u.password))" "$database_url")
db_name=$(node -e "const u=new URL(process.argv[1]);process.stdout.write(u.pathname.slice(1))" "$database_url")

DB_USER=$db_user DB_PASSWORD=$db_password DB_NAMES=$db_name bash scripts/services.sh
bash scripts/images.sh
log "compiling"
npx --no-install nest build >/dev/null
node dist/src/database/migrate.cli.js
log "Runcell is starting on port $(dotenv_get .env URT_PORT | grep . || echo 9900); Swagger UI at /docs"
exec node dist/src/main.js
