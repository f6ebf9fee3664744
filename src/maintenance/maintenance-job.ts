import { DiscoveryService } from '@nestjs/core';

/** How a maintenance job is spread over the replicas of one deployment. */
export type MaintenanceJobScope =
  /** One replica at a time, under a PostgreSQL advisory lock named after the job. */
  | 'cluster'
  /** Every instance runs it (for state of its own, such as its own containers). */
  | 'instance';

export interface MaintenanceJobOptions {
  /** Unique among the jobs (`acme:reports`); names the interval and the advisory lock. */
  name: string;
  scope: MaintenanceJobScope;
}

/** A provider that `MaintenanceService` runs every `MAINTENANCE_INTERVAL` seconds. */
export interface MaintenanceTask {
  /** One run; a run still going when the next is due is not overlapped. */
  run(): Promise<unknown>;
}

/**
 * Marks a provider (a class implementing `MaintenanceTask`) as a maintenance job. Any module of
 * the application may declare one; the maintenance module finds it when the application starts.
 */
export const MaintenanceJob = DiscoveryService.createDecorator<MaintenanceJobOptions>();
