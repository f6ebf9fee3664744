import { destination, type DestinationStream } from 'pino';

/** Lines waiting for stdout beyond this are dropped rather than held: a stalled reader costs no memory. */
const MAX_BUFFERED_LOG_BYTES = 16 * 1024 * 1024;
/** Lines are gathered until about this many characters wait... */
const BATCH_CHARACTERS = 8 * 1024;
/** ...or until the next flush tick, so that no line waits longer than this. */
export const LOG_FLUSH_INTERVAL_MS = 100;

/**
 * The application's stdout for log lines, written asynchronously and in batches: a line waits
 * until 8 KiB of lines wait or the next 100 ms tick, so a server answering one request at a time
 * does not hand each request line to a writer thread on its own. The lines are kept apart until
 * a batch is handed over (joined once, not appended one by one). What still waits is written
 * synchronously at shutdown (the signal Nest re-raises ends the process without an `exit`
 * event) and at exit.
 */
export class StdoutLogStream implements DestinationStream {
  private stream?: ReturnType<typeof destination>;
  private lines: string[] = [];
  private characters = 0;
  private ticker?: NodeJS.Timeout;
  private readonly flushAtExit = () => this.flush();

  /** `fd`: where the lines go; stdout unless a test gives another. */
  constructor(private readonly fd = 1) {}

  open(): DestinationStream {
    if (!this.stream) {
      this.stream = destination({ dest: this.fd, sync: false, maxLength: MAX_BUFFERED_LOG_BYTES });
      this.ticker = setInterval(() => this.handOver(), LOG_FLUSH_INTERVAL_MS).unref();
      process.once('exit', this.flushAtExit);
    }
    return this;
  }

  write(line: string): void {
    if (!this.stream) return;
    this.lines.push(line);
    this.characters += line.length;
    if (this.characters >= BATCH_CHARACTERS) this.handOver();
  }

  /** Writes everything waiting now, synchronously. */
  flush(): void {
    const stream = this.stream;
    if (!stream) return;
    this.handOver();
    try {
      stream.flushSync();
    } catch {
      // EAGAIN from a full pipe or a write already in flight: pino's exit handler retries.
    }
  }

  /** Writes what waits and stops writing (the descriptor is closed unless it is stdout). */
  close(): void {
    this.flush();
    clearInterval(this.ticker);
    process.removeListener('exit', this.flushAtExit);
    this.stream?.destroy();
    this.stream = undefined;
  }

  /** Gives the waiting lines to the asynchronous writer as one batch. */
  private handOver(): void {
    if (this.lines.length === 0 || !this.stream) return;
    const batch = this.lines.length === 1 ? this.lines[0] : this.lines.join('');
    this.lines = [];
    this.characters = 0;
    this.stream.write(batch);
  }
}
