/**
 * The stdin of the sandbox's `run-task -`: `"<program byte length>\n"`, the program, then the
 * program's own stdin. run-task reads exactly that many bytes, so the program may contain
 * anything (newlines, NUL bytes) and the rest reaches the program untouched.
 */
export function frameProgram(script: string | Buffer, stdin: string | Buffer = ''): Buffer {
  const program = typeof script === 'string' ? Buffer.from(script, 'utf8') : script;
  const input = typeof stdin === 'string' ? Buffer.from(stdin, 'utf8') : stdin;
  return Buffer.concat([Buffer.from(`${program.length}\n`, 'ascii'), program, input]);
}
