import { writeSync } from 'node:fs';
import { destination, type DestinationStream } from 'pino';

/** Lines waiting for stdout beyond this are dropped rather than held: a stalled reader costs no memory. */
const MAX_BUFFERED_LOG_BYTES = 16 * 1024 * 1024;
/** Lines are gathered until about this many characters wait... */
const BATCH_CHARACTERS = 8 * 1024;
/** ...or until the next flush tick, so that no line waits longer than this. */
export const LOG_FLUSH_INTERVAL_MS = 100;
/** How long shutdown waits for a write already handed to the writer thread (a stalled reader must not hold it). */
const DRAIN_TIMEOUT_MS = 2000;

/**
 * The application's stdout for log lines, written asynchronously and in batches: a line waits
 * until 8 KiB of lines wait or the next 100 ms tick, so a server answering one request at a time
 * does not hand each request line to a writer thread on its own. The lines are kept apart until
 * a batch is handed over (joined once, not appended one by one). At shutdown (the signal Nest
 * re-raises ends the process without an `exit` event) the write in flight is awaited and what
 * still waits is written synchronously; at exit, what waits is written synchronously.
 */
export class StdoutLogStream implements DestinationStream {
  private stream?: ReturnType<typeof destination>;
  private lines: string[] = [];
  private characters = 0;
  private ticker?: NodeJS.Timeout;
  /** Bytes handed to the asynchronous writer and not yet written or dropped by it. */
  private bytesInFlight = 0;
  private readonly flushAtExit = () => this.flush();

  /** `fd`: where the lines go; stdout unless a test gives another. */
  constructor(private readonly fd = 1) {}

  open(): DestinationStream {
    if (!this.stream) {
      const stream = destination({ dest: this.fd, sync: false, maxLength: MAX_BUFFERED_LOG_BYTES });
      stream.on('write', (bytes: number) => (this.bytesInFlight -= bytes));
      stream.on('drop', (batch: string) => (this.bytesInFlight -= Buffer.byteLength(batch)));
      this.stream = stream;
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

  /**
   * Writes everything waiting now, synchronously. A batch the writer thread already has cannot be
   * waited for here; when there is none, the waiting lines bypass it, so they are on the
   * descriptor when this returns and stay behind every earlier line.
   */
  flush(): void {
    const stream = this.stream;
    if (!stream) return;
    if (this.bytesInFlight === 0 && this.lines.length > 0) this.writeWaitingSync();
    else this.flushThroughWriter(stream);
  }

  /** Waits (bounded) for the batch in flight, then writes what waits synchronously: shutdown. */
  async drain(): Promise<void> {
    const stream = this.stream;
    if (stream && this.bytesInFlight > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          stream.off('drain', done);
          resolve();
        };
        const timer = setTimeout(done, DRAIN_TIMEOUT_MS).unref();
        stream.on('drain', done);
      });
    }
    this.flush();
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
    this.bytesInFlight += Buffer.byteLength(batch);
    this.stream.write(batch);
  }

  /** Writes the waiting lines on the descriptor itself; what a full pipe refuses goes to the writer. */
  private writeWaitingSync(): void {
    let unwritten = Buffer.from(this.lines.join(''));
    this.lines = [];
    this.characters = 0;
    try {
      while (unwritten.length > 0) unwritten = unwritten.subarray(writeSync(this.fd, unwritten));
    } catch {
      this.lines = [unwritten.toString()];
      if (this.stream) this.flushThroughWriter(this.stream);
    }
  }

  private flushThroughWriter(stream: ReturnType<typeof destination>): void {
    this.handOver();
    try {
      stream.flushSync();
    } catch {
      // EAGAIN from a full pipe or a write already in flight: pino's exit handler retries.
    }
  }
}
