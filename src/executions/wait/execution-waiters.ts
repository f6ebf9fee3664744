import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { waitAtMost } from '../../common/deadline';
import { InjectConfig, RuncellConfig } from '../../config';
import { REDIS_CLIENT } from '../../redis/redis.module';
import { finishedChannel } from '../live-output/execution-output.store';

/** Why a wait ended. `refused`: the waiter limits were reached, nothing was waited for. */
export type WaitEnd = 'finished' | 'timeout' | 'aborted' | 'shutdown' | 'refused';

type Wake = (end: WaitEnd) => void;

/**
 * Requests waiting for an execution to finish (`POST …/executions?wait=`). Each API process keeps
 * one Redis subscriber on the finished channel (see `ExecutionOutputStore.append`) and wakes its
 * local waiters from it: no polling. Waiters are bounded per user and in all (a request over a
 * bound is refused at once and answers 202 without waiting); each wait ends at its deadline, when
 * its client goes away, or at shutdown.
 */
@Injectable()
export class ExecutionWaiters implements OnModuleDestroy {
  private readonly logger = new Logger('ExecutionWaiters');
  private readonly byExecution = new Map<string, Set<Wake>>();
  private readonly perUser = new Map<string, number>();
  private total = 0;
  private closing = false;
  private subscriber?: Redis;
  private subscribed?: Promise<unknown>;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @InjectConfig() private readonly config: RuncellConfig,
  ) {}

  get waiting(): number {
    return this.total;
  }

  /**
   * Waits up to `ms` for `executionId` to be announced finished. `alreadyFinished` runs once the
   * subscription is in place, so a notice cannot slip between that check and the wait.
   */
  async wait(
    userId: string,
    executionId: string,
    ms: number,
    signal: AbortSignal,
    alreadyFinished: () => Promise<boolean>,
  ): Promise<WaitEnd> {
    if (this.closing) return 'shutdown';
    const { waitersPerUser, waitersMax } = this.config.executions;
    const mine = this.perUser.get(userId) ?? 0;
    if (mine >= waitersPerUser || this.total >= waitersMax) return 'refused';
    this.perUser.set(userId, mine + 1);
    this.total += 1;

    let wake: Wake = () => undefined;
    const ended = new Promise<WaitEnd>((resolve) => (wake = resolve));
    const deadline = Date.now() + ms;
    const timer = setTimeout(() => wake('timeout'), ms);
    const onAbort = () => wake('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) wake('aborted');
    const wakers = this.byExecution.get(executionId) ?? new Set<Wake>();
    wakers.add(wake);
    this.byExecution.set(executionId, wakers);
    try {
      // Without Redis no notice comes: the wait then simply lasts until its deadline.
      await waitAtMost(this.subscribe(), Math.max(0, deadline - Date.now()));
      const early = alreadyFinished().then(
        (finished) => finished && wake('finished'),
        () => undefined,
      );
      const end = await ended;
      await early;
      return end;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      wakers.delete(wake);
      if (wakers.size === 0) this.byExecution.delete(executionId);
      this.total -= 1;
      const left = (this.perUser.get(userId) ?? 1) - 1;
      if (left > 0) this.perUser.set(userId, left);
      else this.perUser.delete(userId);
    }
  }

  /** Shutdown: every waiter answers at once (202), before the HTTP server stops. */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    for (const wakers of this.byExecution.values()) for (const wake of wakers) wake('shutdown');
    const subscriber = this.subscriber;
    if (!subscriber) return;
    if (subscriber.status !== 'ready') return subscriber.disconnect();
    await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private subscribe(): Promise<unknown> {
    if (this.subscribed) return this.subscribed;
    const subscriber = this.redis.duplicate({
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
    });
    this.subscriber = subscriber;
    subscriber.on('error', () => undefined);
    subscriber.on('message', (_channel: string, executionId: string) => {
      for (const wake of this.byExecution.get(executionId) ?? []) wake('finished');
    });
    this.subscribed = subscriber.subscribe(finishedChannel(this.config)).catch((error: Error) => {
      this.logger.warn(`Finished-channel subscriber: ${error.message}`);
      // Try again on the next wait.
      this.subscribed = undefined;
      subscriber.disconnect();
    });
    return this.subscribed;
  }
}
