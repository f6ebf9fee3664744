import { randomBytes } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { waitAtMost } from '../../common/deadline';
import { InjectConfig, RuncellConfig } from '../../config';
import { CONTAINER_ENGINE, ContainerEngine, runcellLabels } from '../../container-engine';
import { LanguageDefinition, languageNamed } from '../../languages/language-registry';
import { MetricsService } from '../../metrics/metrics.service';
import {
  buildPooledSandboxSpec,
  LABEL_POOL,
  limitsOf,
  POOL_NAME_PREFIX,
  poolLimits,
  sameLimits,
} from './pooled-sandbox';
import { sandboxName } from './sandbox-container.factory';
import { PoolBook, WarmSandbox } from './sandbox-pool.book';
import { SandboxRequest } from './sandbox.types';
import { SANDBOX_SECCOMP_PROFILE, SeccompProfile } from './seccomp-profile';

/** Warm containers created at once; more would compete with running programs for the CPU. */
const REFILL_CONCURRENCY = 2;
/** How often the pool checks that its containers still run (a daemon restart kills them all). */
const CHECK_INTERVAL_MS = 5_000;
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 30_000;
const DRAIN_MAX_MS = 10_000;

export type PoolMissReason = 'disabled' | 'unpooled' | 'empty' | 'engine';

/** A warm container handed to one execution, its limits applied. */
export interface ClaimedSandbox {
  containerId: string;
  /**
   * Settles when the container is named `sandboxName(executionId)`; the rename runs while the
   * program does, and the run must not be reported before it succeeded (a retry finds the
   * sandbox of its earlier attempt by that name).
   */
  named: Promise<void>;
}

/**
 * The warm pool: per language, hardened sandboxes created and started ahead of time, each waiting
 * on stdin for exactly one program (`pooled-sandbox.ts`). A claim takes one, checks it is still
 * the container the pool started and applies the request's limits while renaming it to the
 * execution's sandbox; the runner removes it after its one run (`discard`). Refilled in the
 * background with bounded concurrency and backoff while the engine fails, shrunk when idle,
 * drained on shutdown. Kept only where `SandboxModule` is loaded (worker roles).
 */
@Injectable()
export class SandboxPool implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SandboxPool.name);
  /** Unique per process: labels its containers so the orphan sweep tells pools apart. */
  readonly poolId = randomBytes(8).toString('hex');
  private readonly book: PoolBook;
  private readonly removals = new Set<Promise<void>>();
  private readonly removalsByExecution = new Map<string, Promise<void>>();
  private readonly creating = new Set<Promise<void>>();
  private refillsInFlight = 0;
  private failures = 0;
  private retryAt = 0;
  private retryTimer?: NodeJS.Timeout;
  private checkTimer?: NodeJS.Timeout;
  private started = false;
  private closed = false;

  constructor(
    @InjectConfig() private readonly config: RuncellConfig,
    @Inject(CONTAINER_ENGINE) private readonly engine: ContainerEngine,
    @Inject(SANDBOX_SECCOMP_PROFILE) private readonly seccompProfile: SeccompProfile,
    @Optional() private readonly metrics?: MetricsService,
  ) {
    const settings = config.executions.sandboxPool;
    this.book = new PoolBook(settings);
    this.metrics?.onCollect(() => {
      for (const [language, count] of Object.entries(this.sizes())) {
        this.metrics?.sandboxPoolSize.set({ language }, count);
      }
    });
  }

  get enabled(): boolean {
    return this.book.enabled;
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  /** Starts filling the pool (a no-op when disabled or already started). */
  start(): void {
    if (!this.enabled || this.started || this.closed) return;
    this.started = true;
    this.book.markStarted(Date.now());
    this.checkTimer = setInterval(() => void this.check(), CHECK_INTERVAL_MS);
    this.checkTimer.unref();
    this.refill();
  }

  /** Warm containers ready now, per pooled language. */
  sizes(): Record<string, number> {
    return this.book.sizes();
  }

  /** True for a container this pool holds (warm, being claimed or created, or in use). */
  owns(containerId: string): boolean {
    return this.book.owns(containerId);
  }

  /**
   * A warm container for `request`, or undefined (a miss: the caller runs it cold). Never throws:
   * a container that fails its check or its preparation is removed and counted as a miss.
   */
  async claim(request: SandboxRequest): Promise<ClaimedSandbox | undefined> {
    const language = languageNamed(request.language);
    if (!this.enabled || !this.started || this.closed) return this.miss(language, 'disabled');
    if (!this.book.pooled(language.name)) return this.miss(language, 'unpooled');
    const warm = this.book.take(language.name, Date.now());
    if (!warm) {
      this.refill();
      return this.miss(language, 'empty');
    }
    const named = this.engine.renameContainer(warm.containerId, sandboxName(request.executionId));
    // Awaited by the run or below; a failure is reported there.
    named.catch(() => undefined);
    try {
      await this.prepare(warm, request);
      this.metrics?.sandboxPoolHits.inc({ language: language.name });
      return { containerId: warm.containerId, named };
    } catch (error) {
      this.logger.warn(`Warm sandbox ${warm.name} not usable: ${String(error)}`);
      // Removed before the cold run, which needs the execution's sandbox name.
      await Promise.allSettled([named]);
      await this.removeNow(warm.containerId);
      this.book.forget(warm.containerId);
      void this.check();
      return this.miss(language, 'engine');
    }
  }

  /** Removes a claimed container after its run, off the caller's path. */
  discard(containerId: string, executionId?: string): void {
    const removal = this.removeNow(containerId).finally(() => {
      this.book.forget(containerId);
      this.removals.delete(removal);
      if (executionId && this.removalsByExecution.get(executionId) === removal) {
        this.removalsByExecution.delete(executionId);
      }
      // The replacement is made after the run, not during it: on a small machine creating a
      // container beside a running program slows the program (and the run after it waits less).
      this.refill();
    });
    this.removals.add(removal);
    if (executionId) this.removalsByExecution.set(executionId, removal);
  }

  /** Resolves when the sandbox an earlier run of `executionId` used is gone (a retry needs its name). */
  async removalOf(executionId: string): Promise<void> {
    await this.removalsByExecution.get(executionId);
  }

  /** Resolves when every removal and creation started so far has settled. */
  async settled(): Promise<void> {
    while (this.removals.size > 0 || this.creating.size > 0) {
      await Promise.allSettled([...this.removals, ...this.creating]);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // A hung engine must not hold the shutdown: the orphan sweep removes what is left.
    if (!(await waitAtMost(this.drain(), DRAIN_MAX_MS))) {
      this.logger.warn(`Draining the sandbox pool took over ${DRAIN_MAX_MS} ms; left to the sweep`);
    }
  }

  /** Stops refilling and removes every container of the pool. */
  async drain(): Promise<void> {
    this.closed = true;
    clearInterval(this.checkTimer);
    clearTimeout(this.retryTimer);
    await Promise.allSettled([...this.creating]);
    for (const warm of this.book.takeAll()) this.discard(warm.containerId);
    await this.settled();
  }

  /** Checks the container and applies the request's limits (both at once). */
  private async prepare(warm: WarmSandbox, request: SandboxRequest): Promise<void> {
    const wanted = limitsOf(request);
    const [info] = await Promise.all([
      this.engine.inspectContainer(warm.containerId),
      sameLimits(wanted, warm.limits)
        ? undefined
        : this.engine.updateContainerLimits(warm.containerId, wanted),
    ]);
    // A container that stopped, restarted or changed hands since the pool started it is unsafe.
    if (
      !info ||
      !info.running ||
      info.state !== 'running' ||
      info.startedAt?.getTime() !== warm.startedAt.getTime() ||
      info.labels[LABEL_POOL] !== this.poolId
    ) {
      throw new Error(`state ${info?.state ?? 'gone'}`);
    }
  }

  private miss(language: LanguageDefinition, reason: PoolMissReason): undefined {
    this.metrics?.sandboxPoolMisses.inc({ language: language.name, reason });
    return undefined;
  }

  /** Starts as many creations as the targets, the total and the concurrency bound allow. */
  private refill(): void {
    if (this.closed || !this.started) return;
    const now = Date.now();
    if (now < this.retryAt) return;
    while (this.refillsInFlight < REFILL_CONCURRENCY) {
      const language = this.book.nextToFill(now);
      if (!language) return;
      this.book.reserve(language);
      this.refillsInFlight += 1;
      const creation = this.create(languageNamed(language)).finally(() => {
        this.refillsInFlight -= 1;
        this.creating.delete(creation);
        this.refill();
      });
      this.creating.add(creation);
    }
  }

  private async create(language: LanguageDefinition): Promise<void> {
    const begun = process.hrtime.bigint();
    const name = `${POOL_NAME_PREFIX}${language.name}-${randomBytes(6).toString('hex')}`;
    let containerId: string | undefined;
    try {
      containerId = await this.engine.createContainer(
        buildPooledSandboxSpec({
          language,
          poolId: this.poolId,
          name,
          image: this.imageFor(language.name),
          labels: runcellLabels(this.config.docker.instanceId, 'sandbox'),
          pidsLimit: this.config.executions.sandboxPidsLimit,
          seccompProfile: this.seccompProfile.content,
          compileMemoryMb: this.config.executions.compileMemoryMb,
          buildBytes: this.config.executions.buildOutputMaxBytes,
        }),
      );
      this.book.creating(language.name, containerId);
      await this.engine.startContainer(containerId);
      const info = await this.engine.inspectContainer(containerId);
      if (!info?.running || !info.startedAt) throw new Error('did not keep running after start');
      if (this.closed) throw new Error('the pool is closing');
      this.book.add({
        containerId,
        name,
        language: language.name,
        limits: poolLimits(language),
        startedAt: info.startedAt,
        warmSince: Date.now(),
      });
      this.failures = 0;
      const seconds = Number(process.hrtime.bigint() - begun) / 1e9;
      this.metrics?.sandboxPoolRefill.observe({ language: language.name }, seconds);
    } catch (error) {
      this.book.release(language.name, containerId);
      if (containerId) await this.removeNow(containerId);
      if (!this.closed) this.backOff(`Warming a ${language.name} sandbox failed: ${String(error)}`);
    }
  }

  private backOff(message: string): void {
    this.failures += 1;
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** (this.failures - 1));
    this.retryAt = Date.now() + delay;
    if (this.failures <= 3 || this.failures % 20 === 0)
      this.logger.warn(`${message}; next try in ${delay} ms`);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.refill(), delay);
    this.retryTimer.unref();
  }

  /** Drops warm containers that died or idled too long, then refills. */
  private async check(): Promise<void> {
    if (this.closed) return;
    try {
      const listedAt = Date.now();
      const found = await this.engine.listContainers({ [LABEL_POOL]: this.poolId }, { all: true });
      const running = new Set(found.filter((c) => c.state === 'running').map((c) => c.id));
      // Only containers warm before the listing began can be missing from it.
      const dead = (w: WarmSandbox) => w.warmSince < listedAt && !running.has(w.containerId);
      for (const warm of this.book.takeWhere(dead)) {
        this.logger.warn(`Warm sandbox ${warm.name} is gone or stopped; replacing it`);
        this.discard(warm.containerId);
      }
    } catch {
      // The engine is down: claims fall back to cold runs and the next check tries again.
    }
    for (const warm of this.book.takeIdle(Date.now())) this.discard(warm.containerId);
    this.refill();
  }

  private async removeNow(containerId: string): Promise<void> {
    try {
      await this.engine.removeContainer(containerId);
    } catch (error) {
      // The orphan sweep removes what is left behind here.
      this.logger.error(`Removing pooled sandbox ${containerId} failed: ${String(error)}`);
    }
  }

  private imageFor(language: string): string {
    const { sandboxImagePrefix, sandboxImageTag } = this.config.executions;
    return `${sandboxImagePrefix}${language}:${sandboxImageTag}`;
  }
}
