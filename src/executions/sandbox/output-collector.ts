/**
 * Keeps the first `cap` bytes of one output stream and forwards exactly those bytes live. Past
 * the cap the stream keeps being read and discarded (so the program never blocks on a full pipe)
 * and `truncated` is set; the wall-clock timeout still bounds how long a chatty program runs.
 */
export class OutputCollector {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  /** Every byte seen, kept or not. */
  totalBytes = 0;

  constructor(
    private readonly cap: number,
    private readonly forward?: (chunk: Buffer) => void,
  ) {}

  append(chunk: Buffer): void {
    this.totalBytes += chunk.length;
    const room = this.cap - this.size;
    if (chunk.length > room) this.truncated = true;
    if (room <= 0) return;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(kept);
    this.size += kept.length;
    if (!this.forward) return;
    try {
      this.forward(kept);
    } catch {
      // A failing live consumer must not break the collection of the result.
    }
  }

  /** The kept bytes, as they came. */
  bytes(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }

  /** The kept bytes as UTF-8; a multi-byte character cut by the cap is dropped, not mangled. */
  text(): string {
    const bytes = Buffer.concat(this.chunks, this.size);
    return (this.truncated ? withoutCutCharacter(bytes) : bytes).toString('utf8');
  }
}

/** Drops an incomplete UTF-8 sequence at the very end of `bytes`. */
export function withoutCutCharacter(bytes: Buffer): Buffer {
  for (let back = 1; back <= Math.min(3, bytes.length); back += 1) {
    const byte = bytes[bytes.length - back];
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const expected = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return expected > back ? bytes.subarray(0, bytes.length - back) : bytes;
  }
  return bytes;
}
