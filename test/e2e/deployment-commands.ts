import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

/** Shared by the deployment suites (Kubernetes manifests, Compose file, the image). */
export const ROOT = resolve(__dirname, '../..');
export const IMAGE = 'runcell/runcell:local';
export const DOCKER_SOCKET = '/var/run/docker.sock';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command without a shell; never throws for a non-zero exit. */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((done, fail) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd ?? ROOT,
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 32 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          fail(new Error(`${command} ${args.join(' ')} could not run: ${error.message}`));
          return;
        }
        done({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

export async function requireDocker(): Promise<void> {
  const result = await run('docker', ['version', '--format', '{{.Server.Version}}']).catch(
    (error: Error) => ({ code: -1, stdout: '', stderr: error.message }),
  );
  if (result.code !== 0) {
    throw new Error(`Docker is required for the deployment tests: ${result.stderr.trim()}`);
  }
}
