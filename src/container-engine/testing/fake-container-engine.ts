import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  AttachHandlers,
  Attachment,
  ContainerEngine,
  ContainerEngineError,
  ContainerInfo,
  ContainerLimits,
  ContainerSpec,
  ContainerStats,
  ContainerSummary,
  ExecResult,
  NetworkInfo,
  StatsStream,
} from '../container-engine';

/** What a started fake container does once its stdin is closed (or at start without stdin). */
export interface FakeProgram {
  stdout?: string | Buffer;
  stderr?: string | Buffer;
  exitCode?: number;
  /** Time between writing the output and exiting; `Infinity` runs until killed. Default 0. */
  runMs?: number;
  oomKilled?: boolean;
  /** Samples sent to `streamStats` subscribers as soon as they subscribe. */
  stats?: ContainerStats[];
  /** Keeps running after a kill, as a container the daemon lost track of would. */
  ignoresKill?: boolean;
}

export interface FakeContainer {
  id: string;
  name: string;
  spec: ContainerSpec;
  state: 'created' | 'running' | 'exited';
  exitCode: number | null;
  oomKilled: boolean;
  /** Everything written to the container's stdin. */
  stdin: Buffer;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

interface Internals {
  handlers: AttachHandlers[];
  program?: FakeProgram;
  timer?: NodeJS.Timeout;
  exited: Promise<void>;
  markExited: () => void;
}

type FailingMethod = keyof ContainerEngine;

/**
 * An in-memory `ContainerEngine` for unit tests: containers are records, "running" one means
 * calling `program(spec, stdin)` and replaying its output, exit code and stats. Make any method
 * fail with `failWith(method, error)`.
 */
export class FakeContainerEngine implements ContainerEngine {
  readonly containers = new Map<string, FakeContainer>();
  readonly missingImages = new Set<string>();
  /** Labels reported by `imageLabels` for present images (none given: no labels). */
  readonly imageLabelsOf = new Map<string, Record<string, string>>();
  program: (spec: ContainerSpec, stdin: Buffer) => FakeProgram = () => ({ exitCode: 0 });
  private readonly internals = new Map<string, Internals>();
  private readonly failures = new Map<FailingMethod, ContainerEngineError>();

  failWith(method: FailingMethod, error: ContainerEngineError): void {
    this.failures.set(method, error);
  }

  ping(): Promise<void> {
    return this.guard('ping', () => undefined);
  }

  imageExists(image: string): Promise<boolean> {
    return this.guard('imageExists', () => !this.missingImages.has(image));
  }

  imageLabels(image: string): Promise<Record<string, string> | undefined> {
    return this.guard('imageLabels', () =>
      this.missingImages.has(image) ? undefined : { ...(this.imageLabelsOf.get(image) ?? {}) },
    );
  }

  ensureImage(image: string): Promise<void> {
    return this.guard('ensureImage', () => {
      if (this.missingImages.has(image)) {
        throw new ContainerEngineError('image_unavailable', `Missing image "${image}"`);
      }
    });
  }

  createContainer(spec: ContainerSpec): Promise<string> {
    return this.guard('createContainer', () => {
      if (this.missingImages.has(spec.image)) {
        throw new ContainerEngineError('image_unavailable', `Missing image "${spec.image}"`, 404);
      }
      const name = spec.name ?? `fake-${randomBytes(4).toString('hex')}`;
      if (this.find(name)) throw new ContainerEngineError('conflict', `Name ${name} in use`, 409);
      const id = randomBytes(32).toString('hex');
      this.containers.set(id, {
        id,
        name,
        spec,
        state: 'created',
        exitCode: null,
        oomKilled: false,
        stdin: Buffer.alloc(0),
        createdAt: new Date(),
        startedAt: null,
        finishedAt: null,
      });
      let markExited = () => {};
      const exited = new Promise<void>((resolve) => (markExited = resolve));
      this.internals.set(id, { handlers: [], exited, markExited });
      return id;
    });
  }

  startContainer(id: string): Promise<void> {
    return this.guard('startContainer', () => {
      const container = this.require(id);
      if (container.state !== 'created') return;
      container.state = 'running';
      container.startedAt = new Date();
      if (!container.spec.openStdin) this.runProgram(container);
    });
  }

  stopContainer(id: string): Promise<void> {
    return this.guard('stopContainer', () => this.exit(this.require(id), 143, true));
  }

  killContainer(id: string): Promise<void> {
    return this.guard('killContainer', () => this.exit(this.require(id), 137, true));
  }

  removeContainer(idOrName: string): Promise<boolean> {
    return this.guard('removeContainer', () => {
      const container = this.find(idOrName);
      if (!container) return false;
      this.exit(container, 137, false);
      this.containers.delete(container.id);
      return true;
    });
  }

  renameContainer(id: string, name: string): Promise<void> {
    return this.guard('renameContainer', () => {
      const container = this.require(id);
      const holder = this.find(name);
      if (holder && holder !== container) {
        throw new ContainerEngineError('conflict', `Name ${name} in use`, 409);
      }
      container.name = name;
    });
  }

  updateContainerLimits(id: string, limits: ContainerLimits): Promise<void> {
    return this.guard('updateContainerLimits', () => {
      const container = this.require(id);
      container.spec = { ...container.spec, ...limits };
    });
  }

  inspectContainer(idOrName: string): Promise<ContainerInfo | undefined> {
    return this.guard('inspectContainer', () => {
      const container = this.find(idOrName);
      if (!container) return undefined;
      return {
        id: container.id,
        name: container.name,
        image: container.spec.image,
        hostname: container.spec.hostname ?? container.id.slice(0, 12),
        state: container.state,
        running: container.state === 'running',
        exitCode: container.exitCode,
        oomKilled: container.oomKilled,
        labels: { ...container.spec.labels },
        env: { ...container.spec.env },
        networks: {},
        createdAt: container.createdAt,
        startedAt: container.startedAt,
        finishedAt: container.finishedAt,
      };
    });
  }

  listContainers(labels: Record<string, string | true>): Promise<ContainerSummary[]> {
    return this.guard('listContainers', () =>
      [...this.containers.values()]
        .filter((container) =>
          Object.entries(labels).every(([key, value]) => {
            const actual = container.spec.labels?.[key];
            return value === true ? actual !== undefined : actual === value;
          }),
        )
        .map((container) => ({
          id: container.id,
          name: container.name,
          image: container.spec.image,
          state: container.state,
          labels: { ...container.spec.labels },
          createdAt: container.createdAt,
        })),
    );
  }

  async waitContainer(id: string): Promise<{ exitCode: number }> {
    await this.guard('waitContainer', () => undefined);
    const container = this.require(id);
    await this.internals.get(id)?.exited;
    return { exitCode: container.exitCode ?? 0 };
  }

  exec(): Promise<ExecResult> {
    return this.unsupported('exec');
  }

  attach(
    id: string,
    handlers: AttachHandlers,
    options: { stdin?: boolean } = {},
  ): Promise<Attachment> {
    return this.guard('attach', () => {
      const container = this.require(id);
      const internals = this.internals.get(id)!;
      internals.handlers.push(handlers);
      return {
        stdin: options.stdin
          ? {
              write: (data) => {
                container.stdin = Buffer.concat([container.stdin, Buffer.from(data)]);
              },
              end: () => {
                if (container.state === 'running') this.runProgram(container);
              },
            }
          : undefined,
        ended: internals.exited,
        detach: () => {
          internals.handlers = internals.handlers.filter((entry) => entry !== handlers);
        },
      };
    });
  }

  logs(): Promise<{ stdout: Buffer; stderr: Buffer }> {
    return this.unsupported('logs');
  }

  putArchive(): Promise<void> {
    return this.unsupported('putArchive');
  }

  getArchive(): Promise<Readable> {
    return this.unsupported('getArchive');
  }

  stats(id: string): Promise<ContainerStats> {
    return this.guard('stats', () => {
      const samples = this.internals.get(this.require(id).id)?.program?.stats ?? [];
      return samples[samples.length - 1] ?? emptyStats();
    });
  }

  streamStats(id: string, onSample: (stats: ContainerStats) => void): Promise<StatsStream> {
    return this.guard('streamStats', () => {
      for (const sample of this.internals.get(this.require(id).id)?.program?.stats ?? []) {
        onSample(sample);
      }
      let stop = () => {};
      const ended = new Promise<void>((resolve) => (stop = resolve));
      return { stop, ended };
    });
  }

  /** Fake containers report no events: the feed stays open until stopped. */
  streamContainerEvents(): Promise<StatsStream> {
    return this.guard('streamContainerEvents', () => {
      let stop = () => {};
      const ended = new Promise<void>((resolve) => (stop = resolve));
      return { stop, ended };
    });
  }

  ensureNetwork(name: string, labels: Record<string, string> = {}): Promise<NetworkInfo> {
    return this.guard('ensureNetwork', () => ({
      id: name,
      name,
      driver: 'bridge',
      internal: false,
      labels,
      gateway: '172.30.0.1',
      subnets: [{ cidr: '172.30.0.0/16', gateway: '172.30.0.1' }],
    }));
  }

  inspectNetwork(): Promise<NetworkInfo | undefined> {
    return this.guard('inspectNetwork', () => undefined);
  }

  removeNetwork(): Promise<boolean> {
    return this.guard('removeNetwork', () => false);
  }

  connectNetwork(): Promise<void> {
    return this.guard('connectNetwork', () => undefined);
  }

  private runProgram(container: FakeContainer): void {
    const internals = this.internals.get(container.id)!;
    if (internals.program) return;
    const program = this.program(container.spec, container.stdin);
    internals.program = program;
    const emit = (data: string | Buffer | undefined, pick: 'onStdout' | 'onStderr') => {
      if (data === undefined || data.length === 0) return;
      for (const handlers of internals.handlers) handlers[pick](Buffer.from(data));
    };
    emit(program.stdout, 'onStdout');
    emit(program.stderr, 'onStderr');
    const runMs = program.runMs ?? 0;
    if (runMs === Number.POSITIVE_INFINITY) return;
    internals.timer = setTimeout(() => {
      container.oomKilled = program.oomKilled ?? false;
      this.exit(container, program.exitCode ?? 0, false);
    }, runMs);
  }

  private exit(container: FakeContainer, exitCode: number, byKill: boolean): void {
    if (container.state !== 'running') return;
    const internals = this.internals.get(container.id)!;
    if (byKill && internals.program?.ignoresKill) return;
    clearTimeout(internals.timer);
    container.state = 'exited';
    container.exitCode = exitCode;
    container.finishedAt = new Date();
    internals.markExited();
  }

  private find(idOrName: string): FakeContainer | undefined {
    return (
      this.containers.get(idOrName) ??
      [...this.containers.values()].find((container) => container.name === idOrName)
    );
  }

  private require(idOrName: string): FakeContainer {
    const container = this.find(idOrName);
    if (!container) {
      throw new ContainerEngineError('not_found', `No such container: ${idOrName}`, 404);
    }
    return container;
  }

  private async guard<T>(method: FailingMethod, action: () => T): Promise<T> {
    await Promise.resolve();
    const failure = this.failures.get(method);
    if (failure) throw failure;
    return action();
  }

  private unsupported<T>(method: FailingMethod): Promise<T> {
    return this.guard(method, () => {
      throw new ContainerEngineError('failed', `${method} is not supported by the fake engine`);
    });
  }
}

function emptyStats(): ContainerStats {
  return { memoryBytes: 0, memoryPeakBytes: null, cpuTotalNs: 0, cpuPercent: null, pids: null };
}
