import './lazy-docker-extras';
import Docker from 'dockerode';
import type { Readable } from 'node:stream';
import {
  AttachHandlers,
  Attachment,
  ContainerEngine,
  ContainerEngineError,
  ContainerEvent,
  ContainerInfo,
  ContainerLimits,
  ContainerSpec,
  ContainerStats,
  ContainerSummary,
  ExecOptions,
  ExecResult,
  NetworkInfo,
  StatsStream,
} from '../container-engine';
import { streamContainerEvents } from './docker-events';
import { attachToContainer, execInContainer } from './docker-exec';
import { dockerMessage, isStatus, toEngineError } from './docker-errors';
import {
  toContainerInfo,
  toContainerSummary,
  toCreateOptions,
  toUpdateOptions,
} from './docker-spec.mapper';
import { ipv4Gateway, networkSubnets } from './docker-network.mapper';
import { isEmptyStatsSample, toContainerStats } from './docker-stats.mapper';
import { isDockerHubImage } from './image-registry';
import { CappedBuffer, followJsonLines, StreamDemuxer } from './stream-demuxer';

export interface DockerConnection {
  /** `unix:///path`, a bare socket path, or `tcp://host:port` / `http://host:port`. */
  host: string;
  /** A Docker Hub login: sent only when pulling an image from Docker Hub. */
  registryAuth?: { username: string; password: string };
}

export function dockerOptions(host: string): Docker.DockerOptions {
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  if (host.startsWith('/')) return { socketPath: host };
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return {
    host: url.hostname,
    port: Number(url.port || 2375),
    protocol: url.protocol === 'https:' ? 'https' : 'http',
  };
}

export class DockerContainerEngine implements ContainerEngine {
  private readonly docker: Docker;

  constructor(private readonly connection: DockerConnection) {
    this.docker = new Docker(dockerOptions(connection.host));
  }

  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (error) {
      throw toEngineError(error, 'Docker ping failed');
    }
  }

  async imageExists(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).inspect();
      return true;
    } catch (error) {
      if (isStatus(error, 404)) return false;
      throw toEngineError(error, `Inspecting image ${image} failed`);
    }
  }

  async imageLabels(image: string): Promise<Record<string, string> | undefined> {
    try {
      const info = (await this.docker.getImage(image).inspect()) as {
        Config?: { Labels?: Record<string, string> | null };
      };
      return { ...(info.Config?.Labels ?? {}) };
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw toEngineError(error, `Inspecting image ${image} failed`);
    }
  }

  async ensureImage(image: string, options: { pull?: boolean } = {}): Promise<void> {
    if (await this.imageExists(image)) return;
    if (!options.pull) {
      throw new ContainerEngineError('image_unavailable', `Missing image "${image}"`);
    }
    try {
      const auth = this.connection.registryAuth;
      const stream = (await this.docker.pull(
        image,
        auth?.username && isDockerHubImage(image) ? { authconfig: auth } : {},
      )) as Readable;
      await new Promise<void>((resolve, reject) => {
        this.docker.modem.followProgress(stream, (error: Error | null) =>
          error ? reject(error) : resolve(),
        );
      });
    } catch (error) {
      const cause = toEngineError(error, 'pull');
      if (cause.kind === 'unavailable') throw cause;
      throw new ContainerEngineError(
        'image_unavailable',
        `Missing image "${image}" and failed to pull it.`,
      );
    }
    if (!(await this.imageExists(image))) {
      throw new ContainerEngineError(
        'image_unavailable',
        `Missing image "${image}" and failed to pull it.`,
      );
    }
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    try {
      const container = await this.docker.createContainer(toCreateOptions(spec));
      return container.id;
    } catch (error) {
      if (isStatus(error, 404) && /image/i.test(dockerMessage(error))) {
        throw new ContainerEngineError('image_unavailable', `Missing image "${spec.image}"`, 404);
      }
      throw toEngineError(error, `Creating container ${spec.name ?? ''}`.trim());
    }
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).start();
    } catch (error) {
      if (isStatus(error, 304)) return;
      throw toEngineError(error, `Starting container ${id}`);
    }
  }

  async stopContainer(id: string, timeoutSeconds = 10): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: timeoutSeconds });
    } catch (error) {
      if (isStatus(error, 304)) return;
      throw toEngineError(error, `Stopping container ${id}`);
    }
  }

  async killContainer(id: string, signal = 'SIGKILL'): Promise<void> {
    try {
      await this.docker.getContainer(id).kill({ signal });
    } catch (error) {
      // 409: the container is not running, which is what a kill wants anyway.
      if (isStatus(error, 409)) return;
      throw toEngineError(error, `Killing container ${id}`);
    }
  }

  async removeContainer(id: string): Promise<boolean> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
      return true;
    } catch (error) {
      if (isStatus(error, 404)) return false;
      if (isStatus(error, 409) && /already in progress/i.test(dockerMessage(error))) return true;
      throw toEngineError(error, `Removing container ${id}`);
    }
  }

  async renameContainer(id: string, name: string): Promise<void> {
    try {
      await this.docker.getContainer(id).rename({ name });
    } catch (error) {
      throw toEngineError(error, `Renaming container ${id}`);
    }
  }

  async updateContainerLimits(id: string, limits: ContainerLimits): Promise<void> {
    try {
      await this.docker.getContainer(id).update(toUpdateOptions(limits));
    } catch (error) {
      throw toEngineError(error, `Updating the limits of container ${id}`);
    }
  }

  async inspectContainer(idOrName: string): Promise<ContainerInfo | undefined> {
    try {
      return toContainerInfo(await this.docker.getContainer(idOrName).inspect());
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw toEngineError(error, `Inspecting container ${idOrName}`);
    }
  }

  async listContainers(
    labels: Record<string, string | true>,
    options: { all?: boolean } = {},
  ): Promise<ContainerSummary[]> {
    const label = Object.entries(labels).map(([key, value]) =>
      value === true ? key : `${key}=${value}`,
    );
    try {
      const found = await this.docker.listContainers({
        all: options.all ?? true,
        filters: { label },
      });
      return found.map(toContainerSummary);
    } catch (error) {
      throw toEngineError(error, 'Listing containers');
    }
  }

  async waitContainer(id: string): Promise<{ exitCode: number }> {
    try {
      const result = (await this.docker.getContainer(id).wait()) as { StatusCode: number };
      return { exitCode: result.StatusCode };
    } catch (error) {
      throw toEngineError(error, `Waiting for container ${id}`);
    }
  }

  exec(id: string, options: ExecOptions): Promise<ExecResult> {
    return execInContainer(this.docker, id, options);
  }

  attach(
    id: string,
    handlers: AttachHandlers,
    options: { stdin?: boolean } = {},
  ): Promise<Attachment> {
    return attachToContainer(this.docker, id, handlers, options);
  }

  async logs(
    id: string,
    options: { tail?: number } = {},
  ): Promise<{ stdout: Buffer; stderr: Buffer }> {
    try {
      const raw = await this.docker.getContainer(id).logs({
        stdout: true,
        stderr: true,
        follow: false,
        tail: options.tail,
      });
      const stdout = new CappedBuffer();
      const stderr = new CappedBuffer();
      new StreamDemuxer(
        (chunk) => stdout.append(chunk),
        (chunk) => stderr.append(chunk),
      ).push(raw);
      return { stdout: stdout.toBuffer(), stderr: stderr.toBuffer() };
    } catch (error) {
      throw toEngineError(error, `Reading logs of container ${id}`);
    }
  }

  async putArchive(id: string, path: string, tar: Buffer | Readable): Promise<void> {
    try {
      await this.docker.getContainer(id).putArchive(tar, { path });
    } catch (error) {
      throw toEngineError(error, `Copying files into container ${id}`);
    }
  }

  async getArchive(id: string, path: string): Promise<Readable> {
    try {
      return (await this.docker.getContainer(id).getArchive({ path })) as Readable;
    } catch (error) {
      throw toEngineError(error, `Copying files out of container ${id}`);
    }
  }

  async stats(id: string): Promise<ContainerStats> {
    try {
      return toContainerStats(await this.docker.getContainer(id).stats({ stream: false }));
    } catch (error) {
      throw toEngineError(error, `Reading stats of container ${id}`);
    }
  }

  async streamStats(
    id: string,
    onSample: (stats: ContainerStats) => void,
  ): Promise<StatsStream> {
    let stream: Readable;
    try {
      stream = (await this.docker.getContainer(id).stats({ stream: true })) as unknown as Readable;
    } catch (error) {
      throw toEngineError(error, `Streaming stats of container ${id}`);
    }
    return followJsonLines(stream, (line) => {
      let sample: Docker.ContainerStats;
      try {
        sample = JSON.parse(line) as Docker.ContainerStats;
      } catch {
        return;
      }
      if (!isEmptyStatsSample(sample)) onSample(toContainerStats(sample));
    });
  }

  streamContainerEvents(
    labels: Record<string, string | true>,
    onEvent: (event: ContainerEvent) => void,
  ): Promise<StatsStream> {
    return streamContainerEvents(this.docker, labels, onEvent);
  }

  async ensureNetwork(name: string, labels: Record<string, string> = {}): Promise<NetworkInfo> {
    const existing = await this.inspectNetwork(name);
    if (existing) return existing;
    try {
      await this.docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        Internal: false,
        CheckDuplicate: true,
        Labels: labels,
      });
    } catch (error) {
      if (!isStatus(error, 409)) throw toEngineError(error, `Creating network ${name}`);
    }
    const created = await this.inspectNetwork(name);
    if (!created)
      throw new ContainerEngineError('failed', `Network ${name} vanished after it was created`);
    return created;
  }

  async inspectNetwork(name: string): Promise<NetworkInfo | undefined> {
    try {
      const info = (await this.docker.getNetwork(name).inspect()) as {
        Id: string;
        Name: string;
        Driver: string;
        Internal: boolean;
        Labels: Record<string, string> | null;
        IPAM?: { Config?: { Gateway?: string; Subnet?: string }[] };
      };
      return {
        id: info.Id,
        name: info.Name,
        driver: info.Driver,
        internal: info.Internal,
        labels: info.Labels ?? {},
        gateway: ipv4Gateway(info.IPAM?.Config ?? []),
        subnets: networkSubnets(info.IPAM?.Config ?? []),
      };
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw toEngineError(error, `Inspecting network ${name}`);
    }
  }

  async removeNetwork(name: string): Promise<boolean> {
    try {
      await this.docker.getNetwork(name).remove();
      return true;
    } catch (error) {
      if (isStatus(error, 404)) return false;
      throw toEngineError(error, `Removing network ${name}`);
    }
  }

  async connectNetwork(network: string, container: string): Promise<void> {
    try {
      await this.docker.getNetwork(network).connect({ Container: container });
    } catch (error) {
      if (
        isStatus(error, 403, 409) &&
        /already exists|already attached/i.test(dockerMessage(error))
      )
        return;
      throw toEngineError(error, `Connecting ${container} to network ${network}`);
    }
  }
}
