import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CONTAINER_ENGINE, ContainerEngine } from '../../container-engine';
import { STORAGE, StorageDriver } from '../../storage';
import {
  openRuntimeFile,
  OpenedRuntimeFile,
  readRuntimeFile,
  streamRuntimeFile,
  UnsafeRuntimeFileError,
} from '../containers/runtime-files';
import { RuntimePaths } from '../containers/runtime-paths';
import { ExecutorError, ExecutorErrorType } from '../http/executor-error';
import { CreateRuntimeParams } from '../params/runtime-params';
import { BuildCacheService } from './build-cache.service';
import { buildExecCommand } from './build-command';
import {
  BuildLogEntry,
  formatTimestamp,
  MAX_BUILD_LOG_BYTES,
  parseBuildOutput,
} from './build-output';

export interface BuildArtifact {
  path: string;
  size: number;
}

/** Runs the build command of `POST /v1/runtimes` and moves its artifact to storage (§1.2, §3). */
@Injectable()
export class BuildRunner {
  constructor(
    @Inject(CONTAINER_ENGINE) private readonly engine: ContainerEngine,
    @Inject(STORAGE) private readonly storage: StorageDriver,
    private readonly cache: BuildCacheService,
  ) {}

  /** Whether the build uses the cache folder (mounted at `/cache`). */
  static usesCache(params: CreateRuntimeParams): boolean {
    return isSet(params.cacheKey) && isSet(params.command);
  }

  async restoreCache(params: CreateRuntimeParams, paths: RuntimePaths): Promise<BuildLogEntry[]> {
    if (!BuildRunner.usesCache(params)) return [];
    return this.cache.restore(params.cacheKey, paths.cache);
  }

  /** Runs the command in the container; the parsed output on success, typed errors otherwise. */
  async run(
    name: string,
    params: CreateRuntimeParams,
    paths: RuntimePaths,
  ): Promise<BuildLogEntry[]> {
    const timeoutMs = params.timeout * 1000;
    const startMs = Date.now();
    let result;
    try {
      result = await this.engine.exec(name, {
        cmd: buildExecCommand(params.version, params.command),
        timeoutMs: timeoutMs > 0 ? timeoutMs : undefined,
        maxOutputBytes: MAX_BUILD_LOG_BYTES,
      });
    } catch (error) {
      throw new ExecutorError(
        ExecutorErrorType.BUILD_FAILED,
        (error as Error).message || 'Build command failed.',
      );
    }
    if (result.timedOut) {
      throw new ExecutorError(
        ExecutorErrorType.RUNTIME_FAILED,
        `Curl Error: Operation timed out after ${timeoutMs} milliseconds.`,
      );
    }
    const combined = Buffer.concat([result.stdout, result.stderr]).subarray(0, MAX_BUILD_LOG_BYTES);
    if (result.exitCode !== 0) {
      const message = combined.toString('utf8').trim();
      throw new ExecutorError(ExecutorErrorType.BUILD_FAILED, message || 'Build command failed.');
    }
    if (params.version === 'v2') {
      const stdout = result.stdout.toString('utf8');
      return [
        {
          timestamp: formatTimestamp(Date.now()),
          content: stdout === '' ? 'Runtime created successfully!' : stdout.slice(-1_000_000),
        },
      ];
    }
    const [logs, timings] = await Promise.all([
      readBuildFile(join(paths.logging, 'logs.txt'), MAX_BUILD_LOG_BYTES + LOG_HEADER_ALLOWANCE),
      readBuildFile(join(paths.logging, 'timings.txt'), MAX_TIMINGS_BYTES),
    ]);
    return parseBuildOutput(logs, timings.toString('utf8'), startMs);
  }

  async storeCache(params: CreateRuntimeParams, paths: RuntimePaths): Promise<BuildLogEntry[]> {
    if (!BuildRunner.usesCache(params)) return [];
    return this.cache.store(params.cacheKey, paths.cache);
  }

  /** Uploads `builds/code.tar.gz` as `<destination>/<uniqid>.gz`. */
  async uploadArtifact(destination: string, paths: RuntimePaths): Promise<BuildArtifact> {
    let artifact: OpenedRuntimeFile | undefined;
    try {
      artifact = await openRuntimeFile(join(paths.builds, 'code.tar.gz'));
    } catch (error) {
      throw unsafeFileError(error, 'code.tar.gz');
    }
    if (!artifact) throw ExecutorError.generic('Something went wrong when starting runtime.');
    const path = `${destination.replace(/\/+$/, '')}/${uniqid()}.gz`;
    try {
      await this.storage.write(path, streamRuntimeFile(artifact), artifact.size);
    } catch {
      throw ExecutorError.generic('Failed to move built code to storage');
    } finally {
      await artifact.handle.close().catch(() => undefined);
    }
    return { path, size: artifact.size };
  }
}

/** Room for the header line `script` writes before the build's own output. */
const LOG_HEADER_ALLOWANCE = 64 * 1024;
/** One timing row is a few bytes per output chunk: enough for 1 MB written a byte at a time. */
const MAX_TIMINGS_BYTES = 16 * 1024 * 1024;

/** A build's log file, at most `maxBytes`; empty when missing, `build_failed` when unsafe. */
async function readBuildFile(file: string, maxBytes: number): Promise<Buffer> {
  try {
    return (await readRuntimeFile(file, maxBytes))?.bytes ?? Buffer.alloc(0);
  } catch (error) {
    throw unsafeFileError(error, file.slice(file.lastIndexOf('/') + 1));
  }
}

function unsafeFileError(error: unknown, name: string): ExecutorError {
  if (error instanceof UnsafeRuntimeFileError) {
    return new ExecutorError(
      ExecutorErrorType.BUILD_FAILED,
      `Build failed: ${name} is not a regular file.`,
    );
  }
  return ExecutorError.generic('Something went wrong when starting runtime.');
}

/** PHP's "0" counts as empty. */
export function isSet(value: string): boolean {
  return value !== '' && value !== '0';
}

/** Like PHP's `uniqid()`: the time in hex (13 characters), here with random low bits. */
function uniqid(): string {
  const micros = BigInt(Date.now()) * 1000n + BigInt(randomBytes(2).readUInt16BE() % 1000);
  return micros.toString(16).padStart(13, '0');
}
