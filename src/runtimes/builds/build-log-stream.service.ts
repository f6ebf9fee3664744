import { Inject, Injectable } from '@nestjs/common';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { CONTAINER_ENGINE, ContainerEngine } from '../../container-engine';
import { RuntimeContainerService } from '../containers/runtime-container.service';
import { ExecutorError, ExecutorErrorType } from '../http/executor-error';
import { RuntimeEntry, RuntimeRegistry } from '../registry/runtime-registry.service';
import { formatTimestamp, parseTimings } from './build-output';

const CONTAINER_ATTEMPTS = 10;
const CONTAINER_INTERVAL_MS = 500;
const ROW_WAIT_MS = 10_000;
const POLL_MS = 200;
/** The longest a removal waits for the streams of a finished build to send their last lines. */
const DRAIN_LIMIT_MS = 2_000;

/**
 * The live build-log stream of `GET /v1/runtimes/:runtimeId/logs` (§1.7). It follows the
 * `script` timing file by polling and emits `<timestamp> <content>\n` lines, `\n` inside the
 * content escaped; it ends when the build finished (`initialised == 1`) or the row is gone.
 */
@Injectable()
export class BuildLogStreamService {
  private readonly following = new Map<string, Set<Promise<void>>>();

  constructor(
    @Inject(CONTAINER_ENGINE) private readonly engine: ContainerEngine,
    private readonly registry: RuntimeRegistry,
    private readonly containers: RuntimeContainerService,
  ) {}

  /** Waits for the runtime and its logs; the stream to send, empty when there is none. */
  async open(name: string, timeoutSeconds: number): Promise<Readable> {
    // Counted from the moment the request arrives, so a build that ends while this request still
    // waits for its files does not remove them before the stream has read them.
    let opened!: () => void;
    const opening = new Promise<void>((resolve) => (opened = resolve));
    this.track(name, opening);
    try {
      return await this.openFollowing(name, timeoutSeconds);
    } finally {
      opened();
    }
  }

  private async openFollowing(name: string, timeoutSeconds: number): Promise<Readable> {
    const deadline = Date.now() + Math.max(timeoutSeconds, 0) * 1000;
    await this.waitForContainer(name);
    const entry = await this.waitForRow(name);
    if (entry.row.version === 'v2') return Readable.from([]);
    const paths = this.containers.paths(name);
    const files = {
      logs: join(paths.logging, 'logs.txt'),
      timings: join(paths.logging, 'timings.txt'),
    };
    for (;;) {
      if (!this.isCurrent(name, entry)) return Readable.from([]);
      if (await logsStarted(files.logs, files.timings)) break;
      if (Date.now() >= deadline) throw new ExecutorError(ExecutorErrorType.LOGS_TIMEOUT);
      await sleep(POLL_MS);
    }
    const output = new PassThrough();
    this.track(name, this.follow(name, entry, files, deadline, output));
    return output;
  }

  private track(name: string, work: Promise<void>): void {
    const followers = this.following.get(name) ?? new Set<Promise<void>>();
    this.following.set(name, followers);
    const tracked = work.finally(() => {
      followers.delete(tracked);
      if (followers.size === 0 && this.following.get(name) === followers) {
        this.following.delete(name);
      }
    });
    followers.add(tracked);
  }

  /**
   * Resolves once the streams following `name` have ended (at most 2 s), so removing a built
   * runtime does not delete its log files under a stream still sending the last lines.
   */
  async drain(name: string): Promise<void> {
    const limit = sleep(DRAIN_LIMIT_MS).then(() => 'limit' as const);
    // An opening request turns into a following stream: wait until neither is left.
    for (;;) {
      const followers = this.following.get(name);
      if (!followers || followers.size === 0) return;
      if ((await Promise.race([Promise.allSettled([...followers]), limit])) === 'limit') return;
    }
  }

  private async follow(
    name: string,
    entry: RuntimeEntry,
    files: { logs: string; timings: string },
    deadline: number,
    output: PassThrough,
  ): Promise<void> {
    const startMs = Date.now();
    let closed = false;
    output.on('close', () => (closed = true));
    let rowsDone = 0;
    let elapsedMs = 0;
    let logOffset = -1;
    const emitNew = async () => {
      const [timings, logs] = await Promise.all([
        readFile(files.timings, 'utf8').catch(() => ''),
        readFile(files.logs).catch(() => Buffer.alloc(0)),
      ]);
      if (logOffset < 0) {
        const newline = logs.indexOf(0x0a);
        if (newline === -1) return;
        logOffset = newline + 1;
      }
      const complete = timings.slice(0, timings.lastIndexOf('\n') + 1);
      const rows = parseTimings(complete);
      let text = '';
      for (; rowsDone < rows.length; rowsDone++) {
        const row = rows[rowsDone];
        if (logOffset + row.length > logs.length) break;
        elapsedMs += row.delaySeconds * 1000;
        const content = logs.subarray(logOffset, logOffset + row.length).toString('utf8');
        logOffset += row.length;
        text += `${formatTimestamp(startMs + elapsedMs)} ${content.replace(/\n/g, '\\n')}\n`;
      }
      if (text !== '') output.write(text);
    };
    try {
      while (!closed && Date.now() < deadline) {
        const finished = !this.isCurrent(name, entry) || entry.row.initialised === 1;
        await emitNew();
        if (finished) break;
        await sleep(POLL_MS);
      }
    } finally {
      output.end();
    }
  }

  private isCurrent(name: string, entry: RuntimeEntry): boolean {
    return this.registry.get(name) === entry;
  }

  private async waitForContainer(name: string): Promise<void> {
    for (let attempt = 0; attempt < CONTAINER_ATTEMPTS; attempt++) {
      if (await this.engine.inspectContainer(name).catch(() => undefined)) return;
      if (attempt < CONTAINER_ATTEMPTS - 1) await sleep(CONTAINER_INTERVAL_MS);
    }
    throw ExecutorError.generic('Runtime not ready. Container not found.');
  }

  private async waitForRow(name: string): Promise<RuntimeEntry> {
    const deadline = Date.now() + ROW_WAIT_MS;
    for (;;) {
      const entry = this.registry.get(name);
      if (entry) return entry;
      if (Date.now() >= deadline) throw new ExecutorError(ExecutorErrorType.RUNTIME_TIMEOUT);
      await sleep(POLL_MS);
    }
  }
}

async function logsStarted(logs: string, timings: string): Promise<boolean> {
  try {
    await stat(logs);
    return (await stat(timings)).size > 0;
  } catch {
    return false;
  }
}
