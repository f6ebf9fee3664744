import { destination, type DestinationStream } from 'pino';

/** Lines waiting for stdout beyond this are dropped rather than held: a stalled reader costs no memory. */
const MAX_BUFFERED_LOG_BYTES = 16 * 1024 * 1024;

/**
 * The application's stdout for log lines, written asynchronously: lines logged while a write is
 * in flight go out together in the next one, so a busy server makes one `write` per batch instead
 * of one per request line. What is still buffered is written synchronously at shutdown (the
 * signal Nest re-raises ends the process without an `exit` event) and, by pino, at exit.
 */
export class StdoutLogStream {
  private stream?: ReturnType<typeof destination>;

  open(): DestinationStream {
    this.stream ??= destination({ dest: 1, sync: false, maxLength: MAX_BUFFERED_LOG_BYTES });
    return this.stream;
  }

  flush(): void {
    const stream = this.stream;
    if (!stream) return;
    try {
      stream.flushSync();
    } catch {
      // EAGAIN from a full pipe or a write already in flight: pino's exit handler retries.
    }
  }
}
