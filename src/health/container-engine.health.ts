import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { CONTAINER_ENGINE, ContainerEngine } from '../container-engine';
import { settleWithin } from '../common/deadline';

@Injectable()
export class ContainerEngineHealthIndicator {
  constructor(
    @Inject(CONTAINER_ENGINE) private readonly engine: ContainerEngine,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key: string, timeoutMs: number) {
    const indicator = this.indicators.check(key);
    try {
      await settleWithin(
        this.engine.ping(),
        timeoutMs,
        () => new Error('Docker Engine did not answer in time'),
      );
      return indicator.up();
    } catch (error) {
      return indicator.down({
        message: error instanceof Error ? error.message : 'Docker Engine is unreachable',
      });
    }
  }
}
