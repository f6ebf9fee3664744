import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { InjectConfig, RuncellConfig } from '../../config';
import {
  CONTAINER_ENGINE,
  ContainerEngine,
  ContainerEvent,
  StatsStream,
} from '../../container-engine';
import { LABEL_EXECUTOR } from '../containers/runtime-container.service';
import { RuntimeRegistry } from '../registry/runtime-registry.service';

/** Events after which a runtime container's address and connections are no longer trusted. */
const END_OF_LIFE_ACTIONS = new Set(['die', 'stop', 'restart', 'destroy']);
const REFOLLOW_DELAY_MS = 1_000;

/**
 * Follows the engine's events for this executor's runtime containers. When a container stops,
 * dies or restarts, its pooled connections are closed and its address forgotten, so the next
 * execution verifies where the container listens now before anything is sent.
 */
@Injectable()
export class RuntimeEventsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RuntimeEventsService.name);
  private feed: StatsStream | undefined;
  private stopped = false;
  private following: Promise<void> | undefined;

  constructor(
    @InjectConfig() private readonly config: RuncellConfig,
    @Inject(CONTAINER_ENGINE) private readonly engine: ContainerEngine,
    private readonly registry: RuntimeRegistry,
  ) {}

  onModuleInit(): void {
    this.following = this.follow();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.feed?.stop();
    await this.following;
  }

  private async follow(): Promise<void> {
    let firstFeed = true;
    while (!this.stopped) {
      try {
        this.feed = await this.engine.streamContainerEvents(
          { [LABEL_EXECUTOR]: this.config.executor.hostname },
          (event) => this.onEvent(event),
        );
        // Events may have been missed while no feed was open: pooled sockets are suspect.
        if (!firstFeed) this.dropIdleConnections();
        firstFeed = false;
        if (this.stopped) this.feed.stop();
        await this.feed.ended;
      } catch (error) {
        if (firstFeed) this.logger.warn(`Following runtime events failed: ${String(error)}`);
      }
      if (!this.stopped) await sleep(REFOLLOW_DELAY_MS);
    }
  }

  private onEvent(event: ContainerEvent): void {
    if (!END_OF_LIFE_ACTIONS.has(event.action)) return;
    const endpoint = this.registry.get(event.name)?.endpoint;
    if (endpoint && endpoint.containerId === event.containerId) endpoint.reset();
  }

  private dropIdleConnections(): void {
    for (const entry of this.registry.entriesList()) entry.endpoint?.dropIdleConnections();
  }
}
