#!/usr/bin/env bash
# `npm test`: prepares real PostgreSQL, Redis and Docker, builds the images, then runs lint,
# the type check and every Jest suite, measuring coverage of src/ across all of them (one merged
# report in coverage/, checked against scripts/coverage-thresholds.json on a full run).
# Ends with one line `N passed, N failed[, N skipped]`.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
set -e

ensure_node_modules
# A role of its own, so running the tests never changes the local service's credentials. It may
# create databases: each suite runs in a clone of a migrated template (test/support/test-databases.ts).
DB_USER=runcell_test DB_PASSWORD=runcell_test DB_NAMES=runcell_ci DB_CREATEDB=1 bash scripts/services.sh
bash scripts/images.sh
set +e

export NODE_ENV=test
export DATABASE_URL=${TEST_DATABASE_URL:-postgres://runcell_test:runcell_test@127.0.0.1:5432/runcell_ci}
export REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/1}

passed=0
failed=0
skipped=0
check() {
  local name=$1; shift
  log "$name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); log "$name FAILED"; fi
}

check "lint (eslint)" npx --no-install eslint --max-warnings 0 .
check "format (prettier)" npx --no-install prettier --check --log-level warn .
check "type check (tsc)" npx --no-install tsc --noEmit -p tsconfig.json

# Runs Jest with the given arguments and adds its counts to the totals.
run_jest() {
  local results status counts p f s broken
  results=$(mktemp)
  npx --no-install jest --json --outputFile="$results" "$@"
  status=$?
  counts=$(node -e "
    const r = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));
    const broken = r.testResults.filter(t => t.status === 'failed' && t.assertionResults.length === 0).length;
    console.log(r.numPassedTests, r.numFailedTests, r.numPendingTests + r.numTodoTests, broken);
  " "$results" 2>/dev/null)
  rm -f "$results"
  if [ -z "$counts" ]; then
    # No readable results: Jest itself failed, which counts as a failure, never as a pass.
    failed=$((failed + 1))
    return
  fi
  read -r p f s broken <<<"$counts"
  passed=$((passed + p)); failed=$((failed + f + broken)); skipped=$((skipped + s))
  if [ "$status" -ne 0 ] && [ $((f + broken)) -eq 0 ]; then failed=$((failed + 1)); fi
}

# Coverage: each Jest run writes its own part, and Runcell child processes started by tests
# write raw V8 coverage (test/support/runcell-process.ts); coverage-report.js merges them all.
rm -rf coverage
export RUNCELL_TEST_CHILD_COVERAGE_DIR="$PWD/coverage/parts/children-v8"

log "jest: unit, integration and end-to-end suites"
run_jest --coverage --coverageDirectory=coverage/parts/jest-main "$@"
if [ $# -eq 0 ]; then
  # Suites that disturb shared services (restarting the Docker daemon) run alone, last.
  log "jest: serial suites"
  run_jest --coverage --coverageDirectory=coverage/parts/jest-serial --runInBand --testPathIgnorePatterns /node_modules/ -- test/serial
fi

check "coverage report (coverage/index.html)" node scripts/coverage-report.js
if [ $# -eq 0 ]; then
  # Only a full run can reach the thresholds; a run of some suites only reports.
  check "coverage thresholds (scripts/coverage-thresholds.json)" node scripts/coverage-check.js
fi

# In CI (a clean clone) the run must leave the work tree as it found it.
work_tree_clean() {
  local changes
  changes=$(git status --porcelain 2>/dev/null)
  [ -z "$changes" ] || { printf '%s\n' "$changes" | head -n 20 >&2; return 1; }
}
if [ -n "${CI:-}" ] && git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  check "work tree unchanged by the test run" work_tree_clean
fi

summary="$passed passed, $failed failed"
[ "$skipped" -eq 0 ] || summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ]
