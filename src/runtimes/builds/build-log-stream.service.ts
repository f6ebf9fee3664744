import { Inject, Injectable } from '@nestjs/common';
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { CONTAINER_ENGINE, ContainerEngine } from '../../container-engine';
import { RuntimeContainerService } from '../containers/runtime-container.service';
import { ExecutorError, ExecutorErrorType } from '../http/executor-error';
import { RuntimeRegistry } from '../registry/runtime-registry.service';
import { UnsafeRuntimeFileError } from '../containers/runtime-files';
import { BuildLogFiles, BuildLogFollower } from './build-log-follower';
import { BuildTracker } from './build-tracker.service';

/** How long a stream opened before its build waits for the build to begin (upstream: 10 × 0.5 s). */
const BUILD_WAIT_MS = 5_000;
/** How long a container of this executor without a row may wait for one (upstream: 10 s). */
const ROW_WAIT_MS = 10_000;
const POLL_MS = 200;
const CONTAINER_POLL_MS = 500;

/** What a stream follows: the build's version and whether the build is over. */
interface Followed {
  version: string;
  finished(): boolean;
  /** True once no log can come any more (the build ended, or the runtime is gone). */
  over(): boolean;
}

/**
 * The live build-log stream of `GET /v1/runtimes/:runtimeId/logs` (§1.7). It follows the build
 * of the runtime (not its container): the `script` timing file is polled and emitted as
 * `<timestamp> <content>\n` lines, `\n` inside the content escaped, until the build ended.
 */
@Injectable()
export class BuildLogStreamService {
  constructor(
    @Inject(CONTAINER_ENGINE) private readonly engine: ContainerEngine,
    private readonly builds: BuildTracker,
    private readonly registry: RuntimeRegistry,
    private readonly containers: RuntimeContainerService,
  ) {}

  /** Waits for the build and its logs; the stream to send, empty when there is none. */
  async open(name: string, timeoutSeconds: number): Promise<Readable> {
    // Counted from the moment the request arrives, so a build that ends while this request still
    // waits for its files does not remove them before the stream has read them.
    let opened!: () => void;
    const opening = new Promise<void>((resolve) => (opened = resolve));
    this.builds.track(name, opening);
    try {
      return await this.openFollowing(name, timeoutSeconds);
    } finally {
      opened();
    }
  }

  private async openFollowing(name: string, timeoutSeconds: number): Promise<Readable> {
    const deadline = Date.now() + Math.max(timeoutSeconds, 0) * 1000;
    const followed = await this.waitForBuild(name);
    if (followed.version === 'v2') return Readable.from([]);
    const paths = this.containers.paths(name);
    // TODO(safe-read): runtime-written files; swap for the O_NOFOLLOW|O_NONBLOCK capped reader.
    const files: BuildLogFiles = {
      logs: join(paths.logging, 'logs.txt'),
      timings: join(paths.logging, 'timings.txt'),
    };
    for (;;) {
      const over = followed.over();
      if (await logsStarted(files)) break;
      if (over) return Readable.from([]);
      if (Date.now() >= deadline) throw new ExecutorError(ExecutorErrorType.LOGS_TIMEOUT);
      await sleep(POLL_MS);
    }
    const output = new PassThrough();
    this.builds.track(name, this.follow(files, followed, deadline, output));
    return output;
  }

  /**
   * The build of `name` (or, when none is tracked, its runtime row), waiting a little for a
   * build whose create request has not arrived yet.
   */
  private async waitForBuild(name: string): Promise<Followed> {
    const waitUntil = Date.now() + BUILD_WAIT_MS;
    let rowWaitUntil: number | undefined;
    let containerCheckedAt = 0;
    for (;;) {
      const record = this.builds.current(name);
      if (record) {
        const done = () => record.done;
        return { version: record.version, finished: done, over: done };
      }
      const entry = this.registry.get(name);
      if (entry) {
        return {
          version: entry.row.version,
          finished: () => this.registry.get(name) !== entry || entry.row.initialised === 1,
          over: () => this.registry.get(name) !== entry,
        };
      }
      const now = Date.now();
      if (rowWaitUntil === undefined && now - containerCheckedAt >= CONTAINER_POLL_MS) {
        containerCheckedAt = now;
        // A container without a row (another process's, or one being removed) gets the row wait.
        if (await this.engine.inspectContainer(name).catch(() => undefined)) {
          rowWaitUntil = now + ROW_WAIT_MS;
        }
      }
      if (rowWaitUntil !== undefined && now >= rowWaitUntil) {
        throw new ExecutorError(ExecutorErrorType.RUNTIME_TIMEOUT);
      }
      if (rowWaitUntil === undefined && now >= waitUntil) {
        throw ExecutorError.generic('Runtime not ready. Container not found.');
      }
      await sleep(POLL_MS);
    }
  }

  private async follow(
    files: BuildLogFiles,
    followed: Followed,
    deadline: number,
    output: PassThrough,
  ): Promise<void> {
    const follower = new BuildLogFollower(files, Date.now());
    let closed = false;
    output.on('close', () => (closed = true));
    const emitNew = async () => {
      try {
        const text = await follower.next();
        if (text !== '') output.write(text);
      } catch (error) {
        // A symlink or FIFO planted by the build: stop following, never read through it.
        if (!(error instanceof UnsafeRuntimeFileError)) throw error;
        closed = true;
      }
    };
    try {
      while (!closed && Date.now() < deadline) {
        const finished = followed.finished();
        await emitNew();
        if (finished || follower.ended) break;
        await sleep(POLL_MS);
      }
    } finally {
      output.end();
    }
  }
}

/** Both files exist (whatever they are: reading them checks that) and timings has rows. */
async function logsStarted(files: BuildLogFiles): Promise<boolean> {
  try {
    await lstat(files.logs);
    return (await lstat(files.timings)).size > 0;
  } catch {
    return false;
  }
}
