import { StringDecoder } from 'node:string_decoder';
import type { SandboxStream } from '../sandbox/sandbox.types';

export interface CoalescingOptions {
  /** A batch is sent once it holds this many bytes... */
  maxBytes: number;
  /** ...or this long after its first byte, whichever comes first. */
  maxDelayMs: number;
}

export const LIVE_OUTPUT_COALESCING: CoalescingOptions = { maxBytes: 16 * 1024, maxDelayMs: 200 };

type Send = (stream: SandboxStream, text: string) => Promise<void>;

/**
 * Turns a program's output chunks (possibly one byte each) into few live-output events: chunks
 * are batched per stream by size and time (within one batch, stdout is sent before stderr), and
 * one batch is sent at a time; while it is in flight, new output waits in the next batch (backpressure
 * without loss: the sandbox already caps the bytes a run can produce). UTF-8 characters split
 * across chunks are kept whole.
 */
export class LiveOutputPublisher {
  private pending: Record<SandboxStream, Buffer[]> = { stdout: [], stderr: [] };
  private pendingBytes = 0;
  private timer?: NodeJS.Timeout;
  private sending: Promise<void> = Promise.resolve();
  private flushQueued = false;
  private readonly decoders: Record<SandboxStream, StringDecoder> = {
    stdout: new StringDecoder('utf8'),
    stderr: new StringDecoder('utf8'),
  };

  constructor(
    private readonly send: Send,
    private readonly options: CoalescingOptions = LIVE_OUTPUT_COALESCING,
  ) {}

  write(stream: SandboxStream, chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.pending[stream].push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= this.options.maxBytes) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.maxDelayMs);
  }

  /** Sends what is left (including a dangling partial character) and waits for every send. */
  async close(): Promise<void> {
    this.flush();
    await this.sending;
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.decoders[stream].end();
      if (rest) await this.send(stream, rest).catch(() => undefined);
    }
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.flushQueued) return;
    this.flushQueued = true;
    this.sending = this.sending.then(() => this.sendPending());
  }

  private async sendPending(): Promise<void> {
    this.flushQueued = false;
    const batch = this.pending;
    this.pending = { stdout: [], stderr: [] };
    this.pendingBytes = 0;
    for (const stream of ['stdout', 'stderr'] as const) {
      if (batch[stream].length === 0) continue;
      const text = this.decoders[stream].write(Buffer.concat(batch[stream]));
      // Live output is best effort; the final output is stored on the execution.
      if (text) await this.send(stream, text).catch(() => undefined);
    }
  }
}
