import type { ServerResponse } from 'node:http';
import { OutputEvent } from './execution-output.store';

/** Writes Server-Sent Events framing: `id`, `event`, one `data:` line per line of the payload. */
export function formatSseEvent(event: OutputEvent): string {
  const data = event.data
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}`)
    .join('\n');
  return `id: ${event.id}\nevent: ${event.type}\n${data}\n\n`;
}

export function startSse(raw: ServerResponse, requestId: string): void {
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': requestId,
  });
  // Send the headers now: a client learns the stream is open before the first event.
  raw.flushHeaders();
}
