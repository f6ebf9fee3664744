import { settleWithin } from '../common/deadline';
import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { BUILD_CACHE_STORAGE, STORAGE, StorageDriver } from './storage-driver';

/** Readiness of the storage devices: the local root is writable, the S3 bucket answers. */
@Injectable()
export class StorageHealthIndicator {
  constructor(
    @Inject(STORAGE) private readonly storage: StorageDriver,
    @Inject(BUILD_CACHE_STORAGE) private readonly buildCache: StorageDriver,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key: string, timeoutMs: number) {
    const indicator = this.indicators.check(key);
    const devices = [this.storage, this.buildCache];
    const results = await Promise.allSettled(
      devices.map((device) => withDeadline(device.checkReady(timeoutMs), timeoutMs, device)),
    );
    const failures = results.flatMap((result) =>
      result.status === 'rejected' ? [messageOf(result.reason)] : [],
    );
    if (failures.length === 0) return indicator.up();
    return indicator.down({ message: failures.join('; ') });
  }
}

function withDeadline(work: Promise<void>, timeoutMs: number, device: StorageDriver) {
  return settleWithin(
    work,
    timeoutMs,
    () => new Error(`${device.description} did not answer in time`),
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : 'storage is unavailable';
}
