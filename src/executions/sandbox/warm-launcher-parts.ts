/**
 * Pieces of bash shared by the warm containers' launchers (`pooled-sandbox.ts`,
 * `warm-node-launcher.ts`). Each expects `fail` to be defined.
 */

/** `fail`: a message on stderr and exit 127, as `run-task` does. */
export const DEFINE_FAIL = 'fail() { echo "run-task: $*" >&2; exit 127; }';

/**
 * Reads the environment frame from stdin (`"<count>\n"` then `NAME=value\0` that many times) into
 * the array `vars`, every name checked; `shlvl` becomes `-` (none) or `=value`.
 */
export const READ_ENV_FRAME = [
  'IFS= read -r count || fail "stdin is empty: expected the environment frame"',
  '[[ "$count" =~ ^[0-9]{1,3}$ ]] || fail "bad environment header"',
  'vars=()',
  'shlvl=-',
  'for ((i = 0; i < 10#$count; i++)); do',
  '  IFS= read -r -d "" entry || fail "stdin ended inside the environment frame"',
  '  [[ "$entry" =~ ^[A-Za-z_][A-Za-z0-9_]{0,127}= ]] || fail "bad environment entry"',
  '  vars+=("$entry")',
  '  if [[ "$entry" == SHLVL=* ]]; then shlvl="=${entry#SHLVL=}"; fi',
  'done',
];

/** Reads the run's nonce (one line) from stdin into the unexported variable `nonce`. */
export const READ_NONCE = [
  'IFS= read -r nonce || fail "stdin ended before the run header"',
  '[[ "$nonce" =~ ^[0-9a-f]{32}$ ]] || fail "bad run header"',
];

/**
 * Writes the end record (`run-end-record.ts`) of exit code `$code` with the cgroup's OOM kill count
 * to stdout and stderr, and exits with `$code`.
 */
export const WRITE_END_RECORD = [
  'kills=-',
  'for file in /sys/fs/cgroup/memory/memory.oom_control /sys/fs/cgroup/memory.events; do',
  '  [[ -r $file ]] || continue',
  '  while read -r key value; do [[ $key == oom_kill ]] && kills=$value; done < "$file"',
  '  break',
  'done',
  '[[ $kills =~ ^[0-9]{1,10}$ ]] || kills=-',
  `printf '\\0runcell-end:%s:%d:%s\\n' "$nonce" "$code" "$kills"`,
  `printf '\\0runcell-end:%s:%d:%s\\n' "$nonce" "$code" "$kills" >&2`,
  'exit "$code"',
];
