import { destination, type DestinationStream } from 'pino';

/** Lines waiting for stdout beyond this are dropped rather than held: a stalled reader costs no memory. */
const MAX_BUFFERED_LOG_BYTES = 16 * 1024 * 1024;
/** Lines are gathered until this many bytes wait (below sonic-boom's 16 KiB largest write)... */
const BATCH_BYTES = 8 * 1024;
/** ...or until the next flush tick, so that no line waits longer than this. */
export const LOG_FLUSH_INTERVAL_MS = 100;

/**
 * The application's stdout for log lines, written asynchronously and in batches: a line waits
 * until 8 KiB of lines wait or the next 100 ms tick, so a server answering one request at a time
 * does not hand each request line to a writer thread on its own. What still waits is written
 * synchronously at shutdown (the signal Nest re-raises ends the process without an `exit`
 * event) and, by pino, at exit.
 */
export class StdoutLogStream {
  private stream?: ReturnType<typeof destination>;

  /** `fd`: where the lines go; stdout unless a test gives another. */
  constructor(private readonly fd = 1) {}

  open(): DestinationStream {
    this.stream ??= destination({
      dest: this.fd,
      sync: false,
      minLength: BATCH_BYTES,
      periodicFlush: LOG_FLUSH_INTERVAL_MS,
      maxLength: MAX_BUFFERED_LOG_BYTES,
    });
    return this.stream;
  }

  /** Writes everything waiting now, synchronously. */
  flush(): void {
    const stream = this.stream;
    if (!stream) return;
    try {
      stream.flushSync();
    } catch {
      // EAGAIN from a full pipe or a write already in flight: pino's exit handler retries.
    }
  }

  /** Writes what waits and stops writing (the descriptor is closed unless it is stdout). */
  close(): void {
    this.flush();
    this.stream?.destroy();
    this.stream = undefined;
  }
}
