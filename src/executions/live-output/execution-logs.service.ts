import { Injectable } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ExecutionEntity, TERMINAL_STATUSES } from '../execution.entity';
import { ExecutionsRepository } from '../executions.repository';
import { ExecutionOutputStore, OutputEvent } from './execution-output.store';
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
  ) {}

  /** Fails with 503 while the live output cannot be read, before the stream has started. */
  async assertReadable(executionId: string): Promise<void> {
    await this.output.exists(executionId);
  }

  async stream(
    execution: ExecutionEntity,
    raw: ServerResponse,
    lastEventId: string | undefined,
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
    for (let poll = 1; !closed; poll++) {
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
      await sleep(POLL_MS);
    }
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
