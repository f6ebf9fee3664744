import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { InjectConfig, RuncellConfig } from '../../config';
import {
  CONTAINER_ENGINE,
  ContainerEngine,
  NetworkSubnet,
  runcellLabels,
} from '../../container-engine';

/** The Docker networks runtimes join: the configured ones, created at start-up when missing. */
@Injectable()
export class RuntimeNetworks implements OnModuleInit {
  private readonly logger = new Logger(RuntimeNetworks.name);
  private available: string[] = [];
  private availableSubnets: readonly NetworkSubnet[] = [];

  constructor(
    @InjectConfig() private readonly config: RuncellConfig,
    @Inject(CONTAINER_ENGINE) private readonly engine: ContainerEngine,
  ) {}

  async onModuleInit(): Promise<void> {
    const labels = runcellLabels(this.config.docker.instanceId, 'runtime');
    const found: string[] = [];
    const subnets: NetworkSubnet[] = [];
    for (const network of this.config.executor.networks) {
      try {
        const info = await this.engine.ensureNetwork(network, labels);
        found.push(network);
        subnets.push(...info.subnets);
      } catch (error) {
        this.logger.warn(
          `Network ${network} is unavailable and is skipped: ${(error as Error).message}`,
        );
      }
    }
    this.available = found;
    this.availableSubnets = subnets;
  }

  /** The subnets of the available networks: where runtime containers have their addresses. */
  subnets(): readonly NetworkSubnet[] {
    return this.availableSubnets;
  }

  /** A network for a new runtime, picked at random among the available ones. */
  pick(): string | undefined {
    if (this.available.length === 0) return undefined;
    return this.available[randomInt(this.available.length)];
  }
}
