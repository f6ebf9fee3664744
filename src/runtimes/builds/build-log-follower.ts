import { readRuntimeFile } from '../containers/runtime-files';
import { formatTimestamp, parseTimings, TimingRow } from './build-output';

/** The header line `script` writes first is short; more without a newline is not a log. */
const MAX_HEADER_BYTES = 64 * 1024;
/** At most this much of either file is read per poll. */
const READ_CHUNK_BYTES = 1024 * 1024;
/** A timing row is one output chunk of `script`: a larger one is not a real row. */
const MAX_ROW_BYTES = 8 * 1024 * 1024;
/** The timing file of even a very long build stays far below this. */
const MAX_TIMINGS_BYTES = 64 * 1024 * 1024;

export interface BuildLogFiles {
  logs: string;
  timings: string;
}

/**
 * Follows a running build's `logs.txt` and `timings.txt` (written by the build, so hostile):
 * each call reads only what is new, at most a chunk of each file, through the no-follow,
 * non-blocking reader, and returns the new lines as `<timestamp> <content>\n`. A symlink or
 * FIFO makes it throw `UnsafeRuntimeFileError`; malformed rows end the log (`ended`).
 */
export class BuildLogFollower {
  private logOffset = -1;
  private timingsOffset = 0;
  private partialTimings = '';
  private rows: TimingRow[] = [];
  private nextRow = 0;
  private elapsedMs = 0;
  private malformed = false;

  constructor(
    private readonly files: BuildLogFiles,
    private readonly startMs: number,
  ) {}

  /** True once nothing more will be read (malformed or oversized files). */
  get ended(): boolean {
    return this.malformed;
  }

  async next(): Promise<string> {
    if (this.malformed) return '';
    if (this.logOffset < 0 && !(await this.skipHeader())) return '';
    await this.readTimings();
    return this.readRows();
  }

  private async skipHeader(): Promise<boolean> {
    const head = await readRuntimeFile(this.files.logs, MAX_HEADER_BYTES);
    if (!head) return false;
    const newline = head.bytes.indexOf(0x0a);
    if (newline === -1) {
      if (head.size >= MAX_HEADER_BYTES) this.malformed = true;
      return false;
    }
    this.logOffset = newline + 1;
    return true;
  }

  private async readTimings(): Promise<void> {
    if (this.timingsOffset >= MAX_TIMINGS_BYTES) return;
    const chunk = await readRuntimeFile(this.files.timings, READ_CHUNK_BYTES, this.timingsOffset);
    if (!chunk || chunk.bytes.length === 0) return;
    this.timingsOffset += chunk.bytes.length;
    const text = this.partialTimings + chunk.bytes.toString('latin1');
    const lastNewline = text.lastIndexOf('\n');
    this.partialTimings = text.slice(lastNewline + 1);
    if (this.partialTimings.length > READ_CHUNK_BYTES) this.malformed = true;
    if (this.nextRow > 0) {
      this.rows = this.rows.slice(this.nextRow);
      this.nextRow = 0;
    }
    this.rows.push(...parseTimings(text.slice(0, lastNewline + 1)));
  }

  private async readRows(): Promise<string> {
    if (this.nextRow >= this.rows.length) return '';
    let wanted = 0;
    for (let index = this.nextRow; index < this.rows.length; index++) {
      if (wanted > 0 && wanted + this.rows[index].length > READ_CHUNK_BYTES) break;
      wanted += this.rows[index].length;
    }
    if (wanted > MAX_ROW_BYTES) {
      this.malformed = true;
      return '';
    }
    const logs = await readRuntimeFile(this.files.logs, wanted, this.logOffset);
    if (!logs) return '';
    let text = '';
    let used = 0;
    for (; this.nextRow < this.rows.length; this.nextRow++) {
      const row = this.rows[this.nextRow];
      if (used + row.length > logs.bytes.length) break;
      this.elapsedMs += row.delaySeconds * 1000;
      const content = logs.bytes.subarray(used, used + row.length).toString('utf8');
      used += row.length;
      text += `${formatTimestamp(this.startMs + this.elapsedMs)} ${content.replace(/\n/g, '\\n')}\n`;
    }
    this.logOffset += used;
    return text;
  }
}
