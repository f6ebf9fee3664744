import { Injectable } from '@nestjs/common';
import type { RuntimeEndpoint } from '../executions/runtime-endpoint';

/** One row of the executor's state table, returned verbatim by the list and get routes. */
export interface RuntimeRow {
  version: string;
  /** Epoch seconds (float). */
  created: number;
  updated: number;
  name: string;
  hostname: string;
  /** `pending` while the runtime is created, then `Up <seconds>s`. */
  status: string;
  key: string;
  listening: 0 | 1;
  image: string;
  initialised: 0 | 1;
}

/** What the executor knows about a runtime besides its public row. */
export interface RuntimeEntry {
  row: RuntimeRow;
  /** The container's verified address on the runtimes network, once it runs. */
  endpoint?: RuntimeEndpoint;
  /** `/v1` executions running through this runtime right now; a busy runtime is never idle. */
  inFlight: number;
}

export function nowSeconds(): number {
  return Date.now() / 1000;
}

/** The in-memory state table of this process, keyed by runtime name. */
@Injectable()
export class RuntimeRegistry {
  private readonly entries = new Map<string, RuntimeEntry>();

  get(name: string): RuntimeEntry | undefined {
    return this.entries.get(name);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  set(entry: RuntimeEntry): void {
    this.entries.set(entry.row.name, entry);
  }

  /** Removes the row only when it is still `entry` (a newer runtime may have taken the name). */
  remove(name: string, entry?: RuntimeEntry): boolean {
    const current = this.entries.get(name);
    if (!current || (entry && current !== entry)) return false;
    current.endpoint?.close();
    return this.entries.delete(name);
  }

  rows(): RuntimeRow[] {
    return [...this.entries.values()].map((entry) => ({ ...entry.row }));
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  entriesList(): RuntimeEntry[] {
    return [...this.entries.values()];
  }

  /** Executions in flight across every runtime of this process. */
  totalInFlight(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.inFlight;
    return total;
  }
}
