#!/usr/bin/env bash
# `npm run bench`: makes sure the services and images are there, with a database role of its
# own (so benchmarking never touches the local service's data or credentials), then runs
# bench/run.ts with the given options (`npm run bench -- --only=warm`).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_node_modules
DB_USER=runcell_bench DB_PASSWORD=runcell_bench DB_NAMES=runcell_bench bash scripts/services.sh
bash scripts/images.sh >/dev/null

export DATABASE_URL=${BENCH_DATABASE_URL:-postgres://runcell_bench:runcell_bench@127.0.0.1:5432/runcell_bench}
export REDIS_URL=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/10}
exec node -r ts-node/register/transpile-only bench/run.ts "$@"
