/**
 * Splits Docker's multiplexed attach/exec stream (8-byte frame headers: stream type, 3 zero
 * bytes, big-endian payload length) into stdout and stderr chunks. Frames may arrive split
 * across reads, so partial data is buffered until complete.
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

/** Splits a byte stream into UTF-8 lines (newline-delimited JSON feeds); blank lines are skipped. */
export class LineSplitter {
  private pending = '';
  private readonly decoder = new TextDecoder('utf-8');

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    this.pending += this.decoder.decode(chunk, { stream: true });
    let newline = this.pending.indexOf('\n');
    while (newline >= 0) {
      const line = this.pending.slice(0, newline).trim();
      this.pending = this.pending.slice(newline + 1);
      if (line) this.onLine(line);
      newline = this.pending.indexOf('\n');
    }
  }
}

/** Feeds a daemon's JSON-lines stream to `onLine`; the feed resolves `ended` however it stops. */
export function followJsonLines(
  stream: NodeJS.ReadableStream & { destroy(): void },
  onLine: (line: string) => void,
): { stop(): void; ended: Promise<void> } {
  const lines = new LineSplitter(onLine);
  const ended = new Promise<void>((resolve) => {
    stream.on('data', (chunk: Buffer) => lines.push(chunk));
    stream.on('end', () => resolve());
    stream.on('close', () => resolve());
    stream.on('error', () => resolve());
  });
  return { stop: () => stream.destroy(), ended };
}
