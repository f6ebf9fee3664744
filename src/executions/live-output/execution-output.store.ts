import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { InjectConfig, RuncellConfig } from '../../config';
import { REDIS_CLIENT } from '../../redis/redis.module';
import { requireRedis } from '../../redis/redis-unavailable';
import { TERMINAL_STATUSES } from '../execution.entity';

export type OutputEventType = 'stdout' | 'stderr' | 'status';

export interface OutputEvent {
  id: string;
  type: OutputEventType;
  data: string;
}

/**
 * A stream lives an hour after its last event; a finished execution is replayed from its row
 * once the stream is gone.
 */
const RETENTION_SECONDS = 3600;
/**
 * Entries kept per stream (trimmed approximately, oldest first). Events are batched (see
 * `LiveOutputPublisher`), so this bounds the per-entry overhead of slow, chatty programs; the
 * bytes are bounded by the sandbox's output cap. Together: about twice the output cap at most.
 */
export const MAX_STREAM_ENTRIES = 1000;

/**
 * Live output of executions as Redis streams, one per execution, shared by every process: the
 * worker appends, any API replica replays from an event id (`Last-Event-ID`) and follows.
 * The final output is also stored on the execution row, so losing a stream loses no result.
 */
@Injectable()
export class ExecutionOutputStore {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @InjectConfig() private readonly config: RuncellConfig,
  ) {}

  /** Appends an event; a terminal `status` is also announced on the finished channel. */
  async append(executionId: string, type: OutputEventType, data: string): Promise<void> {
    const key = this.key(executionId);
    const batch = this.redis
      .multi()
      .xadd(key, 'MAXLEN', '~', MAX_STREAM_ENTRIES, '*', 'type', type, 'data', data)
      .expire(key, RETENTION_SECONDS);
    if (type === 'status' && (TERMINAL_STATUSES as readonly string[]).includes(data))
      batch.publish(finishedChannel(this.config), executionId);
    await batch.exec();
  }

  /** Events strictly after `afterId` (or from the start), oldest first. */
  async readAfter(
    executionId: string,
    afterId: string | undefined,
    count = 500,
  ): Promise<OutputEvent[]> {
    const start = afterId ? `(${afterId}` : '-';
    const entries = await requireRedis(() =>
      this.redis.xrange(this.key(executionId), start, '+', 'COUNT', count),
    );
    return entries.map(([id, fields]) => {
      const values = new Map<string, string>();
      for (let index = 0; index + 1 < fields.length; index += 2)
        values.set(fields[index], fields[index + 1]);
      return {
        id,
        type: (values.get('type') ?? 'stdout') as OutputEventType,
        data: values.get('data') ?? '',
      };
    });
  }

  async exists(executionId: string): Promise<boolean> {
    return (await requireRedis(() => this.redis.exists(this.key(executionId)))) === 1;
  }

  private key(executionId: string): string {
    return `${this.config.redis.queuePrefix}:output:${executionId}`;
  }
}

/** Pub/sub channel carrying the id of each execution that reached a terminal status. */
export function finishedChannel(config: RuncellConfig): string {
  return `${config.redis.queuePrefix}:finished`;
}
