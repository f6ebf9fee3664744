import {
  Global,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * Knows whether this process is draining. It flips at the first termination signal — before
 * Nest runs any shutdown hook — so readiness turns 503 and new work is refused while in-flight
 * work finishes.
 */
@Injectable()
export class ShutdownState implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Shutdown');
  private drainingSince: Date | null = null;
  private readonly onSignal = (signal: NodeJS.Signals) => this.begin(signal);

  get draining(): boolean {
    return this.drainingSince !== null;
  }

  begin(reason = 'application close'): void {
    if (this.drainingSince) return;
    this.drainingSince = new Date();
    this.logger.log(`Draining (${reason}): refusing new work, finishing work in flight`);
  }

  onApplicationBootstrap(): void {
    for (const signal of SIGNALS) process.once(signal, this.onSignal);
  }

  onModuleDestroy(): void {
    this.begin();
    for (const signal of SIGNALS) process.removeListener(signal, this.onSignal);
  }
}

@Global()
@Module({ providers: [ShutdownState], exports: [ShutdownState] })
export class LifecycleModule {}
