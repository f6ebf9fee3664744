import type { Readable } from 'node:stream';

/** The single provider token every module injects to run containers. */
export const CONTAINER_ENGINE = Symbol('CONTAINER_ENGINE');

export type RestartPolicy = 'no' | 'always' | 'on-failure' | 'unless-stopped';

export interface Ulimit {
  name: string;
  soft: number;
  hard: number;
}

export interface ContainerSpec {
  image: string;
  name?: string;
  hostname?: string;
  cmd?: string[];
  entrypoint?: string[];
  env?: Record<string, string>;
  labels?: Record<string, string>;
  workingDir?: string;
  user?: string;
  /** `host-path:container-path[:mode]`. */
  binds?: string[];
  /** Mount point → options, e.g. `{ '/tmp': 'rw,noexec,nosuid,size=64m' }`. */
  tmpfs?: Record<string, string>;
  /** A network name, or `none`, `bridge`, `host`. */
  network?: string;
  cpus?: number;
  memoryBytes?: number;
  /** Memory plus swap; equal to `memoryBytes` means no swap. */
  memorySwapBytes?: number;
  pidsLimit?: number;
  readOnlyRootfs?: boolean;
  capDrop?: string[];
  capAdd?: string[];
  /** Passed as is, e.g. `no-new-privileges`, `seccomp=<profile JSON>`. */
  securityOpt?: string[];
  ulimits?: Ulimit[];
  restartPolicy?: RestartPolicy;
  /** Keep stdin open so `attach` can write to the main process. */
  openStdin?: boolean;
  stopSignal?: string;
  /** Docker log driver; `none` keeps no copy of the output on the host (attach still works). */
  logDriver?: string;
}

/** The resource limits `updateContainerLimits` can change (the names of `ContainerSpec`). */
export type ContainerLimits = Required<
  Pick<ContainerSpec, 'memoryBytes' | 'memorySwapBytes' | 'cpus'>
>;

export type ContainerState =
  'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerInfo {
  id: string;
  name: string;
  image: string;
  hostname: string;
  state: ContainerState;
  running: boolean;
  exitCode: number | null;
  oomKilled: boolean;
  labels: Record<string, string>;
  env: Record<string, string>;
  /** Network name → IPv4 address. */
  networks: Record<string, string>;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  state: ContainerState;
  labels: Record<string, string>;
  createdAt: Date;
}

export interface ExecOptions {
  cmd: string[];
  env?: Record<string, string>;
  user?: string;
  workingDir?: string;
  /** The exec is abandoned (and reported `timedOut`) after this long. */
  timeoutMs?: number;
  /** Each stream keeps at most this many bytes (the first ones); the rest is dropped. */
  maxOutputBytes?: number;
}

export interface ExecResult {
  exitCode: number | null;
  stdout: Buffer;
  stderr: Buffer;
  timedOut: boolean;
}

export interface AttachHandlers {
  onStdout(chunk: Buffer): void;
  onStderr(chunk: Buffer): void;
}

export interface Attachment {
  /** Writes to the container's stdin; `end()` closes it. Absent when stdin was not opened. */
  stdin?: { write(data: Buffer | string): void; end(): void };
  /** Resolves when the container's output streams end. */
  ended: Promise<void>;
  detach(): void;
}

export interface ContainerStats {
  memoryBytes: number;
  /** Highest memory use seen by the kernel (cgroup max_usage / peak), when known. */
  memoryPeakBytes: number | null;
  cpuTotalNs: number;
  /** CPU use as a percentage of one core since the previous sample, when known. */
  cpuPercent: number | null;
  pids: number | null;
}

/** A live feed of stats samples; the engine keeps sending until `stop()`. */
export interface StatsStream {
  stop(): void;
  /** Resolves when the feed has closed (after `stop()` or when the engine ends it). */
  ended: Promise<void>;
}

/** A change of a container's life reported by the engine (`start`, `die`, `destroy`, …). */
export interface ContainerEvent {
  containerId: string;
  name: string;
  action: string;
}

export interface NetworkInfo {
  id: string;
  name: string;
  driver: string;
  internal: boolean;
  labels: Record<string, string>;
  /** Gateway address of the first IPv4 subnet, when any. */
  gateway: string | null;
  /** Every subnet of the network (IPv4 and IPv6). */
  subnets: NetworkSubnet[];
}

export interface NetworkSubnet {
  /** `172.18.0.0/16`, `fd00::/64`. */
  cidr: string;
  /** The host's address on the network, when known. */
  gateway: string | null;
}

export type ContainerEngineErrorKind =
  'not_found' | 'conflict' | 'image_unavailable' | 'unavailable' | 'timeout' | 'failed';

/** Every engine failure, classified so callers decide without parsing daemon messages. */
export class ContainerEngineError extends Error {
  constructor(
    readonly kind: ContainerEngineErrorKind,
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = 'ContainerEngineError';
  }
}

/** What Runcell needs from a container engine. The Docker implementation is the only real one. */
export interface ContainerEngine {
  ping(): Promise<void>;
  imageExists(image: string): Promise<boolean>;
  /** The labels of a local image; undefined when there is no such image. */
  imageLabels(image: string): Promise<Record<string, string> | undefined>;
  /** Makes sure the image is present, pulling it when `pull` is true; `image_unavailable` otherwise. */
  ensureImage(image: string, options?: { pull?: boolean }): Promise<void>;
  createContainer(spec: ContainerSpec): Promise<string>;
  startContainer(id: string): Promise<void>;
  stopContainer(id: string, timeoutSeconds?: number): Promise<void>;
  killContainer(id: string, signal?: string): Promise<void>;
  /** Force-removes; returns false when there was no such container. */
  removeContainer(id: string): Promise<boolean>;
  inspectContainer(idOrName: string): Promise<ContainerInfo | undefined>;
  /** Gives a container a new name (fails with `conflict` when the name is taken). */
  renameContainer(id: string, name: string): Promise<void>;
  /** Changes the resource limits of a created or running container. */
  updateContainerLimits(id: string, limits: ContainerLimits): Promise<void>;
  /** Containers carrying every given label (value `true` means "label present, any value"). */
  listContainers(
    labels: Record<string, string | true>,
    options?: { all?: boolean },
  ): Promise<ContainerSummary[]>;
  waitContainer(id: string): Promise<{ exitCode: number }>;
  exec(id: string, options: ExecOptions): Promise<ExecResult>;
  /** Attaches to the main process's streams (call before start to see all output). */
  attach(id: string, handlers: AttachHandlers, options?: { stdin?: boolean }): Promise<Attachment>;
  logs(id: string, options?: { tail?: number }): Promise<{ stdout: Buffer; stderr: Buffer }>;
  /** Extracts a tar archive into `path` inside the container. */
  putArchive(id: string, path: string, tar: Buffer | Readable): Promise<void>;
  /** Streams a tar archive of `path` inside the container. */
  getArchive(id: string, path: string): Promise<Readable>;
  stats(id: string): Promise<ContainerStats>;
  /**
   * Calls `onSample` for every sample the engine takes while the container runs (Docker: about
   * one a second, the first right away); samples of a stopped container are skipped.
   */
  streamStats(id: string, onSample: (stats: ContainerStats) => void): Promise<StatsStream>;
  /**
   * Calls `onEvent` for every life event of a container carrying every given label, until
   * `stop()` or until the engine ends the feed (`ended` then resolves: follow again).
   */
  streamContainerEvents(
    labels: Record<string, string | true>,
    onEvent: (event: ContainerEvent) => void,
  ): Promise<StatsStream>;
  ensureNetwork(name: string, labels?: Record<string, string>): Promise<NetworkInfo>;
  inspectNetwork(name: string): Promise<NetworkInfo | undefined>;
  removeNetwork(name: string): Promise<boolean>;
  connectNetwork(network: string, container: string): Promise<void>;
}
