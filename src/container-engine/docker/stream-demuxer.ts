import { createInterface } from 'node:readline';

/**
 * Splits Docker's multiplexed attach/exec stream (8-byte frame headers: stream type, 3 zero
 * bytes, big-endian payload length) into stdout and stderr chunks. Frames may arrive split
 * across reads, so partial data is buffered until complete.
 *
 * Not docker-modem's `demuxStream`: that one recurses once per frame and copies the rest of the
 * buffer for each, so a read holding thousands of tiny frames (a container alternating one-byte
 * writes to stdout and stderr) overflows the stack and loses the output after it, in quadratic
 * time. This loop is linear and uses constant stack (see stream-demuxer.spec.ts).
 */
export class StreamDemuxer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(
    private readonly onStdout: (chunk: Buffer) => void,
    private readonly onStderr: (chunk: Buffer) => void,
  ) {}

  push(data: Buffer): void {
    this.pending = this.pending.length === 0 ? data : Buffer.concat([this.pending, data]);
    while (this.pending.length >= 8) {
      const type = this.pending[0];
      const length = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + length) return;
      const payload = this.pending.subarray(8, 8 + length);
      this.pending = this.pending.subarray(8 + length);
      if (type === 2) this.onStderr(payload);
      else this.onStdout(payload);
    }
  }
}

/** Collects a stream's bytes up to a cap, remembering whether anything was cut. */
export class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly cap = Number.POSITIVE_INFINITY) {}

  append(chunk: Buffer): void {
    const room = this.cap - this.size;
    if (room <= 0) {
      if (chunk.length > 0) this.truncated = true;
      return;
    }
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept.length < chunk.length) this.truncated = true;
    this.chunks.push(kept);
    this.size += kept.length;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}

/**
 * Feeds a daemon's JSON-lines stream (stats, events) to `onLine`, one trimmed non-blank line at a
 * time; `ended` resolves however the stream stops. Not docker-modem's `followProgress`: that one
 * keeps every object of the stream in memory until it ends (these streams last as long as a
 * container) and throws out of its data handler on a line that is not JSON.
 */
export function followJsonLines(
  stream: NodeJS.ReadableStream & { destroy(): void },
  onLine: (line: string) => void,
): { stop(): void; ended: Promise<void> } {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  lines.on('line', (line) => {
    const trimmed = line.trim();
    if (trimmed) onLine(trimmed);
  });
  // readline re-emits the stream's errors; the stream's own listener below settles `ended`.
  lines.on('error', () => undefined);
  const ended = new Promise<void>((resolve) => {
    stream.on('end', () => resolve());
    stream.on('close', () => resolve());
    stream.on('error', () => resolve());
  }).finally(() => lines.close());
  return { stop: () => stream.destroy(), ended };
}
