import { randomBytes } from 'node:crypto';

/**
 * The end record a warm sandbox's launcher writes to stdout and stderr once the program it ran has
 * exited: `\0runcell-end:<nonce>:<exit code>:<OOM kills>\n`, the kills being the cgroup's
 * `oom_kill` counter or `-` when it could not be read. The nonce is random per run and never
 * reaches the program's environment, so output that merely looks like a record does not end the
 * run.
 */
const RECORD_PREFIX = '\0runcell-end:';
/** What follows the nonce: bounded, so a long line after a nonce is output, not a record. */
const RECORD_FIELDS = /^([0-9]{1,3}):([0-9]{1,10}|-)$/;
const MAX_FIELDS_LENGTH = 3 + 1 + 10;

export interface RunEndRecord {
  exitCode: number;
  /** The OOM killer's kills in the sandbox; null when the launcher could not read the counter. */
  oomKills: number | null;
}
const EMPTY: Buffer = Buffer.alloc(0);

export function newRunNonce(): string {
  return randomBytes(16).toString('hex');
}

export function isRunNonce(value: string): boolean {
  return /^[0-9a-f]{32}$/.test(value);
}

/**
 * Watches one output stream for the end record of `nonce`. `push` returns the bytes that are
 * program output (a possible start of the record is held back until it is decided, at most the
 * record's length); once the record is seen everything after it is discarded and `record` is
 * set. Memory is bounded by the record's length whatever the program writes.
 */
export class RunEndScanner {
  private readonly marker: Buffer;
  private held: Buffer = EMPTY;
  /** The record, once it was seen. */
  record: RunEndRecord | undefined;

  constructor(nonce: string) {
    if (!isRunNonce(nonce)) throw new Error('A run nonce is 32 lowercase hex digits');
    this.marker = Buffer.from(`${RECORD_PREFIX}${nonce}:`, 'latin1');
  }

  get ended(): boolean {
    return this.record !== undefined;
  }

  push(chunk: Buffer): Buffer {
    if (this.ended) return EMPTY;
    let data: Buffer = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk;
    let output: Buffer = EMPTY;
    for (;;) {
      const at = data.indexOf(this.marker);
      if (at < 0) break;
      const code = readFields(data, at + this.marker.length);
      if (code === 'incomplete') {
        this.held = data.subarray(at);
        return concat(output, data.subarray(0, at));
      }
      if (code !== 'invalid') {
        this.record = code;
        this.held = EMPTY;
        return concat(output, data.subarray(0, at));
      }
      // The nonce followed by something that is not a code: output, keep looking after it.
      const after = at + this.marker.length;
      output = concat(output, data.subarray(0, after));
      data = data.subarray(after);
    }
    const keep = partialMarkerLength(data, this.marker);
    this.held = Buffer.from(data.subarray(data.length - keep));
    return concat(output, data.subarray(0, data.length - keep));
  }

  /** The held-back bytes when the stream ended without the record: they were output. */
  flush(): Buffer {
    const rest = this.ended ? EMPTY : this.held;
    this.held = EMPTY;
    return rest;
  }
}

function concat(a: Buffer, b: Buffer): Buffer {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return Buffer.concat([a, b]);
}

/** The fields written from `start` up to a newline. */
function readFields(data: Buffer, start: number): RunEndRecord | 'incomplete' | 'invalid' {
  const newline = data.indexOf(0x0a, start);
  if (newline < 0) return data.length - start > MAX_FIELDS_LENGTH ? 'invalid' : 'incomplete';
  if (newline - start > MAX_FIELDS_LENGTH) return 'invalid';
  const fields = RECORD_FIELDS.exec(data.toString('latin1', start, newline));
  if (!fields) return 'invalid';
  return { exitCode: Number(fields[1]), oomKills: fields[2] === '-' ? null : Number(fields[2]) };
}

/** The length of the longest end of `data` that begins the marker (0 when none). */
function partialMarkerLength(data: Buffer, marker: Buffer): number {
  const longest = Math.min(marker.length - 1, data.length);
  for (let length = longest; length > 0; length -= 1) {
    if (data.subarray(data.length - length).equals(marker.subarray(0, length))) return length;
  }
  return 0;
}
