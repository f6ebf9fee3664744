import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, RuncellConfig } from '../config';
import { ExecutionRecordsService } from '../executions/execution-records.service';

const BATCH = 1000;
/** A run deletes at most this many batches; the next run goes on, so no run holds locks long. */
const MAX_BATCHES_PER_RUN = 100;

/** Deletes finished executions, output included, `EXECUTION_RETENTION_DAYS` after they end. */
@Injectable()
export class ExecutionRetentionService {
  private readonly logger = new Logger(ExecutionRetentionService.name);

  constructor(
    private readonly executions: ExecutionRecordsService,
    @InjectConfig() private readonly config: RuncellConfig,
  ) {}

  /** The number of executions deleted. */
  async purge(now = new Date()): Promise<number> {
    const days = this.config.executions.retentionDays;
    if (days === 0) return 0;
    const cutoff = new Date(now.getTime() - days * 24 * 3600 * 1000);
    let deleted = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
      const count = await this.executions.deleteFinishedBefore(cutoff, BATCH);
      deleted += count;
      if (count < BATCH) break;
    }
    if (deleted > 0) this.logger.log(`Deleted ${deleted} executions older than ${days} days`);
    return deleted;
  }
}
