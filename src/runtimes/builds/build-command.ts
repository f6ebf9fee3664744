/** The line the build wrappers print after a failed command. */
export function exitCodeLine(status: number | string): string {
  return `Build command exited with code ${status}.`;
}

/**
 * The `docker exec` command of a build (§3.4). v4/v5 run the user command under util-linux
 * `script`, which writes the raw output to `/tmp/logging/logs.txt` and the timing rows the log
 * stream follows to `/tmp/logging/timings.txt`; v2 appends the output to `/var/tmp/logs.txt`.
 */
export function buildExecCommand(version: string, command: string): string[] {
  const failureLine = `if [ $status -ne 0 ]; then echo "${exitCodeLine('$status')}"; fi; exit $status`;
  if (version === 'v2') {
    return [
      'sh',
      '-c',
      `touch /var/tmp/logs.txt && (${command}) >> /var/tmp/logs.txt 2>&1; status=$?; ` +
        `cat /var/tmp/logs.txt; ${failureLine}`,
    ];
  }
  const quoted = command.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/[$`]/g, '\\$&');
  return [
    'bash',
    '-c',
    'touch /tmp/logging/timings.txt && touch /tmp/logging/logs.txt && ' +
      'script --log-out /tmp/logging/logs.txt --flush --log-timing /tmp/logging/timings.txt ' +
      `--return --quiet --command "${quoted}"; status=$?; ${failureLine}`,
  ];
}
