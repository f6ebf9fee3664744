import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CONTAINER_ENGINE, ContainerEngine } from '../../container-engine';
import { STORAGE, StorageDriver } from '../../storage';
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
      readFile(join(paths.logging, 'logs.txt')).catch(() => Buffer.alloc(0)),
      readFile(join(paths.logging, 'timings.txt'), 'utf8').catch(() => ''),
    ]);
    return parseBuildOutput(logs, timings, startMs);
  }

  async storeCache(params: CreateRuntimeParams, paths: RuntimePaths): Promise<BuildLogEntry[]> {
    if (!BuildRunner.usesCache(params)) return [];
    return this.cache.store(params.cacheKey, paths.cache);
  }

  /** Uploads `builds/code.tar.gz` as `<destination>/<uniqid>.gz`. */
  async uploadArtifact(destination: string, paths: RuntimePaths): Promise<BuildArtifact> {
    const local = join(paths.builds, 'code.tar.gz');
    let size: number;
    try {
      size = (await stat(local)).size;
    } catch {
      throw ExecutorError.generic('Something went wrong when starting runtime.');
    }
    const path = `${destination.replace(/\/+$/, '')}/${uniqid()}.gz`;
    try {
      await this.storage.upload(local, path);
    } catch {
      throw ExecutorError.generic('Failed to move built code to storage');
    }
    return { path, size };
  }
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
