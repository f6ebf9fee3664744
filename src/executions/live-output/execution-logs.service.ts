import { Injectable } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { InjectConfig, RuncellConfig } from '../../config';
import { ExecutionEntity, TERMINAL_STATUSES } from '../execution.entity';
import { ExecutionsRepository } from '../executions.repository';
import { ExecutionOutputStore, OutputEvent } from './execution-output.store';
import { LiveStreamSlots } from './live-stream-slots';
import { formatSseEvent } from './sse-writer';

const POLL_MS = 200;
const HEARTBEAT_MS = 15_000;
/** The row is checked every this many empty polls (about once a second). */
const ROW_CHECK_EVERY = 5;

/**
 * Streams an execution's output as SSE: replays what exists after `Last-Event-ID`, follows new
 * events, and ends with the `status` event of a terminal status. An execution whose live stream
 * has expired is replayed from the stored result.
 */
@Injectable()
export class ExecutionLogsService {
  constructor(
    private readonly output: ExecutionOutputStore,
    private readonly executions: ExecutionsRepository,
    private readonly slots: LiveStreamSlots,
    @InjectConfig() private readonly config: RuncellConfig,
  ) {}

  /**
   * Before a stream starts: 503 while the live output cannot be read, 429 when the user has all
   * their streams open. The stream must end by `endsAt`: when the access token expires, or at
   * the longest a stream may last, whichever comes first.
   */
  async open(
    userId: string,
    executionId: string,
    tokenExpiresAt: number,
  ): Promise<{ endsAt: number; release: () => Promise<void> }> {
    await this.output.exists(executionId);
    const endsAt = Math.min(
      tokenExpiresAt,
      Date.now() + this.config.executions.liveStreamMaxSeconds * 1000,
    );
    return { endsAt, release: await this.slots.acquire(userId, endsAt) };
  }

  async stream(
    execution: ExecutionEntity,
    raw: ServerResponse,
    lastEventId: string | undefined,
    endsAt = Number.POSITIVE_INFINITY,
  ): Promise<void> {
    let closed = false;
    raw.on('close', () => (closed = true));
    if (TERMINAL_STATUSES.includes(execution.status) && !(await this.output.exists(execution.id))) {
      for (const event of storedEvents(execution)) raw.write(formatSseEvent(event));
      raw.end();
      return;
    }
    let cursor = lastEventId;
    let lastWrite = Date.now();
    for (let poll = 1; !closed && Date.now() < endsAt; poll++) {
      const events = await this.output.readAfter(execution.id, cursor);
      for (const event of events) {
        raw.write(formatSseEvent(event));
        cursor = event.id;
        lastWrite = Date.now();
        if (event.type === 'status' && isTerminal(event.data)) {
          raw.end();
          return;
        }
      }
      if (events.length > 0) continue;
      if (poll % ROW_CHECK_EVERY === 0) {
        const finalStatus = await this.finishedWithoutEvent(execution.id, cursor);
        if (finalStatus) {
          raw.write(
            formatSseEvent({ id: `${cursor ?? '0-0'}-final`, type: 'status', data: finalStatus }),
          );
          raw.end();
          return;
        }
      }
      if (Date.now() - lastWrite > HEARTBEAT_MS) {
        raw.write(': keep-alive\n\n');
        lastWrite = Date.now();
      }
      await sleep(Math.max(0, Math.min(POLL_MS, endsAt - Date.now())));
    }
    // Time is up (token expired or longest stream reached): the client resumes with a new token.
    raw.end();
  }

  /** The status of a finished execution whose stream lacks the final event (e.g. Redis lost it). */
  private async finishedWithoutEvent(
    executionId: string,
    cursor: string | undefined,
  ): Promise<string | null> {
    const row = await this.executions.findById(executionId);
    if (!row || !TERMINAL_STATUSES.includes(row.status)) return null;
    // The worker appends the status event right after updating the row: allow it one more poll.
    await sleep(POLL_MS);
    const late = await this.output.readAfter(executionId, cursor);
    return late.length === 0 ? row.status : null;
  }
}

function isTerminal(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

function storedEvents(execution: ExecutionEntity): OutputEvent[] {
  const events: OutputEvent[] = [];
  if (execution.stdout) events.push({ id: '0-1', type: 'stdout', data: execution.stdout });
  if (execution.stderr) events.push({ id: '0-2', type: 'stderr', data: execution.stderr });
  events.push({ id: '0-3', type: 'status', data: execution.status });
  return events;
}
