import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';

/** The longest a removal waits for the streams of a finished build to send their last lines. */
const DRAIN_LIMIT_MS = 2_000;

/** One build command of `POST /v1/runtimes`, from its start until its streams have drained. */
export interface BuildRecord {
  readonly name: string;
  readonly version: string;
  /** Set once the build command ended, success or failure: its streams send the rest and end. */
  done: boolean;
}

/**
 * The build state the log streams follow (instead of the container, which a failed build loses
 * at once), and the streams following each runtime, so removal can wait for their last lines.
 */
@Injectable()
export class BuildTracker {
  private readonly builds = new Map<string, BuildRecord>();
  private readonly followers = new Map<string, Set<Promise<void>>>();

  begin(name: string, version: string): BuildRecord {
    const record: BuildRecord = { name, version, done: false };
    this.builds.set(name, record);
    return record;
  }

  finish(record: BuildRecord): void {
    record.done = true;
  }

  /** Drops the record once its streams have drained; later streams see the runtime row only. */
  async forget(record: BuildRecord): Promise<void> {
    await this.drain(record.name);
    if (this.builds.get(record.name) === record) this.builds.delete(record.name);
  }

  current(name: string): BuildRecord | undefined {
    return this.builds.get(name);
  }

  /** Counts `work` (a stream, or a request still opening one) as following `name`. */
  track(name: string, work: Promise<void>): void {
    const followers = this.followers.get(name) ?? new Set<Promise<void>>();
    this.followers.set(name, followers);
    const tracked = work.finally(() => {
      followers.delete(tracked);
      if (followers.size === 0 && this.followers.get(name) === followers) {
        this.followers.delete(name);
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
      const followers = this.followers.get(name);
      if (!followers || followers.size === 0) return;
      if ((await Promise.race([Promise.allSettled([...followers]), limit])) === 'limit') return;
    }
  }
}
