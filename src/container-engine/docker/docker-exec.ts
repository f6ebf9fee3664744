import type Docker from 'dockerode';
import type { Duplex } from 'node:stream';
import { AttachHandlers, Attachment, ExecOptions, ExecResult } from '../container-engine';
import { toEngineError } from './docker-errors';
import { CappedBuffer, StreamDemuxer } from './stream-demuxer';

/** Runs a command in a running container and collects its capped, demultiplexed output. */
export async function execInContainer(
  docker: Docker,
  id: string,
  options: ExecOptions,
): Promise<ExecResult> {
    let exec: Docker.Exec;
    let stream: Duplex;
    try {
      exec = await docker.getContainer(id).exec({
        Cmd: options.cmd,
        Env: options.env
          ? Object.entries(options.env).map(([key, value]) => `${key}=${value}`)
          : undefined,
        User: options.user,
        WorkingDir: options.workingDir,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
      });
      stream = await exec.start({ hijack: true, stdin: false });
    } catch (error) {
      throw toEngineError(error, `Running a command in container ${id}`);
    }
    const stdout = new CappedBuffer(options.maxOutputBytes);
    const stderr = new CappedBuffer(options.maxOutputBytes);
    const demuxer = new StreamDemuxer(
      (chunk) => stdout.append(chunk),
      (chunk) => stderr.append(chunk),
    );
    const timedOut = await new Promise<boolean>((resolve, reject) => {
      const timer =
        options.timeoutMs !== undefined
          ? setTimeout(() => {
              stream.destroy();
              resolve(true);
            }, options.timeoutMs)
          : undefined;
      stream.on('data', (chunk: Buffer) => demuxer.push(chunk));
      stream.on('end', () => {
        clearTimeout(timer);
        resolve(false);
      });
      stream.on('close', () => {
        clearTimeout(timer);
        resolve(false);
      });
      stream.on('error', (error) => {
        clearTimeout(timer);
        reject(toEngineError(error, `Reading command output from ${id}`));
      });
    });
    if (timedOut)
      return { exitCode: null, stdout: stdout.toBuffer(), stderr: stderr.toBuffer(), timedOut };
    try {
      const inspected = await exec.inspect();
      return {
        exitCode: inspected.Running ? null : inspected.ExitCode,
        stdout: stdout.toBuffer(),
        stderr: stderr.toBuffer(),
        timedOut: false,
      };
    } catch (error) {
      throw toEngineError(error, `Inspecting a command in container ${id}`);
    }
}

/** Attaches to a container's main process: demultiplexed output, optionally its stdin. */
export async function attachToContainer(
  docker: Docker,
  id: string,
  handlers: AttachHandlers,
  options: { stdin?: boolean } = {},
): Promise<Attachment> {
    let stream: NodeJS.ReadWriteStream;
    try {
      stream = await docker.getContainer(id).attach({
        stream: true,
        stdout: true,
        stderr: true,
        stdin: options.stdin ?? false,
        hijack: options.stdin ?? false,
      });
    } catch (error) {
      throw toEngineError(error, `Attaching to container ${id}`);
    }
    const demuxer = new StreamDemuxer(
      (chunk) => handlers.onStdout(chunk),
      (chunk) => handlers.onStderr(chunk),
    );
    const ended = new Promise<void>((resolve) => {
      stream.on('data', (chunk: Buffer) => demuxer.push(chunk));
      stream.on('end', () => resolve());
      stream.on('close', () => resolve());
      stream.on('error', () => resolve());
    });
    const duplex = stream as unknown as Duplex;
    return {
      stdin: options.stdin
        ? {
            write: (data) => {
              duplex.write(data);
            },
            end: () => {
              duplex.end();
            },
          }
        : undefined,
      ended,
      detach: () => duplex.destroy(),
    };
  }

