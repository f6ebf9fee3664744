import type { LanguageDefinition } from '../../languages/language-registry';
import { DEFINE_FAIL, READ_ENV_FRAME, READ_NONCE, WRITE_END_RECORD } from './warm-launcher-parts';

/**
 * Environment names Node reads while it starts (options, module paths, TLS and ICU set-up,
 * colours): a run that sets one of them gets a node started afresh, since the pre-started one
 * already read them.
 */
const NODE_START_UP_NAMES =
  'NODE_*|UV_*|OPENSSL_*|SSL_*|LC_*|HOME|LANG|LANGUAGE|TZ|FORCE_COLOR|NO_COLOR';

/**
 * The command of a warm JavaScript container: PID 1 for the whole run. Before anything arrives it
 * starts `node` with the loader (`WARM_NODE_LOADER`), which blocks on a pipe (its fd 3) and reads
 * nothing else. PID 1 then reads the environment frame and the nonce from stdin, and hands over:
 * it writes the environment the program would get from `run-task` (computed by a bash started
 * exactly as `run-task` is, the way `run-task` would exec node) to the pipe and closes it; only
 * then does the loader read the program frame from stdin. So the nonce and the frames never pass
 * through node, and node cannot read stdin before PID 1 has read its part.
 *
 * When the run sets a variable Node reads while starting, or its memory limit differs from the
 * one node started under (V8 sizes its heap by it), PID 1 kills the waiting node (which would
 * also exit on an empty pipe) and runs the language's own command instead, as the other warm
 * languages do. Either way PID 1 waits for the program and writes the end record.
 */
const NODE_LAUNCHER = [
  'set -u',
  DEFINE_FAIL,
  'memory_limit() {',
  '  local file limit=-',
  '  for file in /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max; do',
  '    [[ -r $file ]] && { read -r limit < "$file"; break; }',
  '  done',
  '  printf %s "$limit"',
  '}',
  'loader=$1; shift',
  'started_under=$(memory_limit)',
  'exec 4<&0',
  'exec 5> >(exec node -e "$loader" 3<&0 0<&4 4<&-)',
  'node_pid=$!',
  'exec 4<&-',
  ...READ_ENV_FRAME,
  ...READ_NONCE,
  'prestarted=1',
  'for entry in "${vars[@]}"; do',
  `  case ${'${entry%%=*}'} in ${NODE_START_UP_NAMES}) prestarted=0 ;; esac`,
  'done',
  '[[ $(memory_limit) == "$started_under" ]] || prestarted=0',
  'level=()',
  '[[ $shlvl == - ]] || level=("SHLVL=${shlvl:1}")',
  'if ((prestarted)); then',
  // What run-task's `exec node` passes on: a bash started as run-task is, exec-ing after a
  // command ran (which un-exports `_`, as in run-task).
  `  env -u SHLVL -- "\${vars[@]}" "\${level[@]}" bash -c ':; exec env -0' >&5 ||`,
  '    fail "could not hand the environment over"',
  "  printf '\\0' >&5",
  'else',
  '  kill -KILL "$node_pid"',
  'fi',
  'exec 5>&-',
  // bash's own "Killed" report of a child that died by a signal goes to /dev/null.
  '{ wait "$node_pid"; } 2>/dev/null',
  'code=$?',
  'if ((!prestarted)); then',
  '  run() { env -u SHLVL -- "${vars[@]}" "${level[@]}" "$@" 2>&3 3>&-; }',
  '  run "$@" 3>&2 2>/dev/null',
  '  code=$?',
  'fi',
  ...WRITE_END_RECORD,
].join('\n');

/**
 * The pre-started node's program (`node -e`). It waits on fd 3 for the run's environment
 * (`NAME=value\0` entries, then one more `\0`; nothing means "not you": it exits), applies it to
 * `process.env`, reads the program frame from stdin with exact-length reads (the rest of stdin is
 * the program's, unread), writes the program where `run-task` does, and runs it as the main
 * module, as `node <file>` would. Everything `-e` leaves behind (its globals and the builtin
 * modules it adds as globals, `process._eval`, `execArgv`, RegExp statics) is removed first; the
 * loader's own names live in this closure only, and it uses no regular expression and loads no
 * module of its own (builtins are not in `require.cache`).
 */
const WARM_NODE_LOADER = `(() => {
  'use strict';
  const load = globalThis.require;
  for (const name of ['module', 'exports', 'require', '__filename', '__dirname']) {
    delete globalThis[name];
  }
  delete process._eval;
  process.execArgv.splice(0);
  const fs = load('fs');
  const Module = load('module');
  // -e makes every builtin module a lazy global (as the REPL does); a cold node has none of them.
  for (const name of Module.builtinModules) {
    const property = Object.getOwnPropertyDescriptor(globalThis, name);
    if (property && property.get && String(property.get).includes('dummyModule.require')) {
      delete globalThis[name];
    }
  }
  const fail = (message) => {
    fs.writeSync(2, 'run-task: ' + message + '\\n');
    process.exit(127);
  };
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const readSome = (fd, buffer, offset, length) => {
    for (;;) {
      try {
        return fs.readSync(fd, buffer, offset, length, null);
      } catch (error) {
        if (error.code !== 'EAGAIN') throw error;
        Atomics.wait(pause, 0, 0, 5);
      }
    }
  };

  const MAX_ENVIRONMENT = 4 * 1024 * 1024;
  const environment = Buffer.alloc(MAX_ENVIRONMENT + 1);
  let used = 0;
  for (let got; used <= MAX_ENVIRONMENT; used += got) {
    got = readSome(3, environment, used, MAX_ENVIRONMENT + 1 - used);
    if (got === 0) break;
  }
  fs.closeSync(3);
  if (used === 0) process.exit(0);
  if (used > MAX_ENVIRONMENT) fail('the environment is too large');
  const text = environment.toString('utf8', 0, used);
  if (!text.endsWith('\\0\\0')) fail('the environment was not handed over whole');
  const entries = text.slice(0, -2).split('\\0');
  for (const name of Object.keys(process.env)) delete process.env[name];
  for (const entry of entries) {
    const equals = entry.indexOf('=');
    if (equals <= 0) fail('bad environment entry');
    process.env[entry.slice(0, equals)] = entry.slice(equals + 1);
  }

  const headerBytes = Buffer.alloc(64);
  let length = 0;
  for (;;) {
    if (length === headerBytes.length) {
      fail("bad program header '" + headerBytes.toString('latin1', 0, 40) + "': expected the program's byte length");
    }
    if (readSome(0, headerBytes, length, 1) === 0) {
      fail("stdin is empty: expected '<byte length>\\\\n' followed by the program");
    }
    if (headerBytes[length] === 10) break;
    length += 1;
  }
  let header = headerBytes.toString('latin1', 0, length);
  if (header.endsWith('\\r')) header = header.slice(0, -1);
  const digits = header.length >= 1 && header.length <= 9 && [...header].every((c) => c >= '0' && c <= '9');
  if (!digits) {
    fail("bad program header '" + header.slice(0, 40) + "': expected the program's byte length");
  }
  const size = Number(header);

  const writable = (dir) => {
    try {
      if (!fs.statSync(dir).isDirectory()) return false;
      fs.accessSync(dir, fs.constants.W_OK);
      return true;
    } catch {
      return false;
    }
  };
  const folders = ['/sandbox', process.env.TMPDIR || '/tmp', '/tmp', '/dev/shm', process.env.HOME];
  const folder = folders.find((dir) => dir !== undefined && writable(dir));
  if (folder === undefined) fail('no writable folder for the program (mount a tmpfs at /sandbox)');
  const program = folder + '/main.js';
  const file = fs.openSync(program, 'w');
  const chunk = Buffer.alloc(Math.min(size, 1024 * 1024));
  for (let left = size, got; left > 0; left -= got) {
    got = readSome(0, chunk, 0, Math.min(left, chunk.length));
    if (got === 0) fail('stdin ended before the ' + size + '-byte program did');
    fs.writeSync(file, chunk, 0, got);
  }
  fs.closeSync(file);

  // -e puts its own "module" global back once this script returned; taken away again before
  // anything of the program runs after its first synchronous part.
  process.nextTick(() => delete globalThis.module);
  process.argv.splice(1, 0, program);
  /^/.exec('');
  Module.runMain();
})();`;

/**
 * The command of a warm container of `language` with a pre-started node, or undefined when the
 * language does not run its program with plain node (only javascript does: TypeScript transpiles
 * first).
 */
export function warmNodeCommand(language: LanguageDefinition): string[] | undefined {
  if (language.name !== 'javascript') return undefined;
  return ['bash', '-c', NODE_LAUNCHER, 'run-task', WARM_NODE_LOADER, ...language.runCommand];
}
