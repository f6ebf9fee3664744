import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnModuleInit,
} from '@nestjs/common';
import { readdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { InjectConfig, RuncellConfig } from '../../config';
import { CONTAINER_ENGINE, ContainerEngine } from '../../container-engine';
import { LABEL_EXECUTOR, RuntimeContainerService } from '../containers/runtime-container.service';
import { nowSeconds, RuntimeEntry, RuntimeRegistry } from '../registry/runtime-registry.service';
import { RuntimeEndpoint } from '../executions/runtime-endpoint';
import { RuntimesService } from '../runtimes.service';
import { adoptedEntry } from './runtime-adoption';
import { idleRuntimes } from './runtime-idleness';

const DRAIN_POLL_MS = 50;
/** How long cut-short builds get to remove their containers and answer their callers. */
const ABORT_SETTLE_MS = 10_000;

/**
 * The runtimes of this process across idle periods and restarts: adopts the containers a
 * previous process left running, removes idle runtimes and orphans, and drains on shutdown.
 */
@Injectable()
export class RuntimeLifecycleService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(RuntimeLifecycleService.name);

  constructor(
    @InjectConfig() private readonly config: RuncellConfig,
    @Inject(CONTAINER_ENGINE) private readonly engine: ContainerEngine,
    private readonly registry: RuntimeRegistry,
    private readonly containers: RuntimeContainerService,
    private readonly runtimes: RuntimesService,
  ) {}

  async onModuleInit(): Promise<void> {
    try {
      const adopted = await this.adoptRunning();
      if (adopted.length > 0) this.logger.log(`Adopted runtimes: ${adopted.join(', ')}`);
    } catch (error) {
      this.logger.error(`Adopting running runtimes failed: ${String(error)}`);
    }
  }

  /** Rebuilds state rows for this executor's running runtime containers. */
  async adoptRunning(): Promise<string[]> {
    const adopted: string[] = [];
    for (const summary of await this.ownContainers()) {
      if (summary.state !== 'running' || this.registry.has(summary.name)) continue;
      const info = await this.engine.inspectContainer(summary.id);
      const runtime = info && adoptedEntry(info, this.config.executor.networks);
      if (!runtime || this.registry.has(runtime.row.name)) continue;
      this.registry.set({
        row: runtime.row,
        endpoint: new RuntimeEndpoint(this.engine, info.id, runtime.network, runtime.address),
        inFlight: 0,
      });
      adopted.push(runtime.row.name);
    }
    return adopted;
  }

  /** Removes runtimes unused for longer than the inactive threshold, unless keep-alive is on. */
  async removeIdle(): Promise<string[]> {
    if (this.config.executor.keepAlive) return [];
    const idle = idleRuntimes(
      this.registry.entriesList(),
      nowSeconds(),
      this.config.executor.inactiveThresholdSeconds,
    );
    const removed: string[] = [];
    for (const entry of idle) {
      if (entry.inFlight > 0) continue;
      if (await this.discard(entry)) removed.push(entry.row.name);
    }
    if (removed.length > 0) this.logger.log(`Removed idle runtimes: ${removed.join(', ')}`);
    return removed;
  }

  /**
   * Removes this instance's runtime containers and work folders that no state row knows.
   * Another executor's containers and folders never match the filters.
   */
  async removeOrphans(): Promise<string[]> {
    const removed: string[] = [];
    for (const summary of await this.ownContainers()) {
      if (this.registry.has(summary.name)) continue;
      if (await this.engine.removeContainer(summary.id)) removed.push(summary.name);
    }
    const prefix = `${this.config.executor.hostname}-`;
    const folders = await readdir(this.config.executor.tmpDir).catch(() => [] as string[]);
    for (const folder of folders) {
      if (!folder.startsWith(prefix) || this.registry.has(folder)) continue;
      await this.containers.removeFolders(folder);
      if (!removed.includes(folder)) removed.push(folder);
    }
    if (removed.length > 0) this.logger.warn(`Removed orphaned runtimes: ${removed.join(', ')}`);
    return removed;
  }

  /**
   * Waits for executions and builds in flight (up to the shutdown timeout; builds still running
   * then are cut short and their containers removed); runtimes stay running for the next
   * process to adopt unless configured to be removed.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const deadline = Date.now() + this.config.server.shutdownTimeoutMs;
    const busy = () => this.registry.totalInFlight() > 0 || this.runtimes.startsInProgress() > 0;
    while (busy() && Date.now() < deadline) {
      await sleep(DRAIN_POLL_MS);
    }
    const left = this.registry.totalInFlight();
    if (left > 0) this.logger.warn(`Shutdown timeout reached with ${left} executions in flight`);
    if (this.runtimes.startsInProgress() > 0) {
      const cut = await this.runtimes.abortStarts(ABORT_SETTLE_MS);
      this.logger.warn(`Shutdown timeout reached: cut short the starts of ${cut.join(', ')}`);
    }
    if (!this.config.executor.shutdownRemoveRuntimes) return;
    for (const entry of this.registry.entriesList()) {
      await this.discard(entry).catch((error: unknown) =>
        this.logger.error(`Removing runtime ${entry.row.name} failed: ${String(error)}`),
      );
    }
  }

  private ownContainers() {
    return this.engine.listContainers({ [LABEL_EXECUTOR]: this.config.executor.hostname });
  }

  /** Drops the row first, so a new execution cold-starts instead of using a dying container. */
  private async discard(entry: RuntimeEntry): Promise<boolean> {
    const name = entry.row.name;
    if (!this.registry.remove(name, entry)) return false;
    try {
      await this.containers.remove(name);
      await this.containers.removeFolders(name);
    } catch (error) {
      // The orphan sweep retries what is left behind here.
      this.logger.error(`Removing runtime ${name} failed: ${String(error)}`);
    }
    return true;
  }
}
