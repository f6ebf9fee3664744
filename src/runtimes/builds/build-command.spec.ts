import { execFileSync } from 'node:child_process';
import { buildExecCommand, exitCodeLine } from './build-command';

describe('buildExecCommand', () => {
  it('runs a v5 command under script with timing and the exit-code line', () => {
    const [shell, flag, script] = buildExecCommand('v5', 'npm install');
    expect([shell, flag]).toEqual(['bash', '-c']);
    expect(script).toBe(
      'touch /tmp/logging/timings.txt && touch /tmp/logging/logs.txt && ' +
        'script --log-out /tmp/logging/logs.txt --flush --log-timing /tmp/logging/timings.txt ' +
        '--return --quiet --command "npm install"; status=$?; ' +
        'if [ $status -ne 0 ]; then echo "Build command exited with code $status."; fi; exit $status',
    );
  });

  it('keeps quotes, dollars, backticks and backslashes of the user command literal', () => {
    const command = 'echo "a b" $HOME `x` \\n';
    const script = buildExecCommand('v5', command)[2];
    const quoted = /--command "(.*)"; status/.exec(script)![1];
    // What bash makes of the double-quoted argument is the user command, unchanged.
    const unquoted = execFileSync('bash', ['-c', `printf %s "${quoted}"`]).toString();
    expect(unquoted).toBe(command);
  });

  it('runs a v2 command with sh, appending to /var/tmp/logs.txt', () => {
    expect(buildExecCommand('v2', 'npm install')).toEqual([
      'sh',
      '-c',
      'touch /var/tmp/logs.txt && (npm install) >> /var/tmp/logs.txt 2>&1; status=$?; ' +
        'cat /var/tmp/logs.txt; ' +
        'if [ $status -ne 0 ]; then echo "Build command exited with code $status."; fi; exit $status',
    ]);
  });

  it('formats the exit-code line', () => {
    expect(exitCodeLine(3)).toBe('Build command exited with code 3.');
  });
});
