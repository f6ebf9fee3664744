import { join } from 'node:path';

/**
 * The executor's work folders of one runtime, `<tmpDir>/<name>/...`. They are bind-mount sources,
 * so they must be valid paths on the Docker host.
 */
export class RuntimePaths {
  readonly root: string;
  /** Copy of the source archive; mounted at `/tmp`. */
  readonly src: string;
  /** Build output (`code.tar.gz`); mounted at `/mnt/code` (v4/v5) or `/usr/code` (v2). */
  readonly builds: string;
  /** Per-execution log files; mounted at `/mnt/logs` (v4/v5). */
  readonly logs: string;
  /** Build logs `logs.txt` + `timings.txt`; mounted at `/tmp/logging` (v4/v5). */
  readonly logging: string;
  /** Build cache `stores.sqfs`; mounted at `/cache` for cached builds. */
  readonly cache: string;

  constructor(tmpDir: string, name: string) {
    this.root = join(tmpDir, name);
    this.src = join(this.root, 'src');
    this.builds = join(this.root, 'builds');
    this.logs = join(this.root, 'logs');
    this.logging = join(this.root, 'logging');
    this.cache = join(this.root, 'cache');
  }

  /** Where the source archive is copied: `code.tar` when `source` ends in `.tar`. */
  sourceArchive(source: string): string {
    return join(this.src, source.endsWith('.tar') ? 'code.tar' : 'code.tar.gz');
  }

  executionLog(id: string, kind: 'logs' | 'errors'): string {
    return join(this.logs, `${id}_${kind}.log`);
  }
}
