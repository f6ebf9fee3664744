import { Injectable, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { advisoryLockKey } from '../../../src/maintenance/advisory-lock';
import { MaintenanceJob, MaintenanceTask } from '../../../src/maintenance/maintenance-job';
import { MaintenanceService } from '../../../src/maintenance/maintenance.service';
import { startTestApp, testConfig } from '../../support/test-app';

const JOB = `acme:reports-${process.pid}`;

/** The example job of `docs/extending.md`: one replica at a time, every maintenance interval. */
@MaintenanceJob({ name: JOB, scope: 'cluster' })
@Injectable()
class ReportsJob implements MaintenanceTask {
  runs = 0;

  run(): Promise<number> {
    return Promise.resolve(++this.runs);
  }
}

@Module({ providers: [ReportsJob] })
class ReportsModule {}

@MaintenanceJob({ name: 'maintenance:execution-retention', scope: 'instance' })
@Injectable()
class ClashingJob implements MaintenanceTask {
  run(): Promise<void> {
    return Promise.resolve();
  }
}

@Module({ providers: [ClashingJob] })
class ClashingModule {}

@MaintenanceJob({ name: 'acme:sometimes', scope: 'sometimes' as 'cluster' })
@Injectable()
class UnscopedJob implements MaintenanceTask {
  run(): Promise<void> {
    return Promise.resolve();
  }
}

@Module({ providers: [UnscopedJob] })
class UnscopedModule {}

@MaintenanceJob({ name: 'acme:no-run', scope: 'cluster' })
@Injectable()
class RunlessJob {}

@Module({ providers: [RunlessJob] })
class RunlessModule {}

describe('@MaintenanceJob: a maintenance job of your own', () => {
  let sut: NestFastifyApplication;

  beforeAll(async () => {
    // The default interval (an hour): only the test runs the job here.
    sut = await startTestApp(testConfig({ APP_ROLE: 'api' }), { imports: [ReportsModule] });
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('runs on the maintenance interval', async () => {
    const app = await startTestApp(testConfig({ APP_ROLE: 'api', URT_MAINTENANCE_INTERVAL: '1' }), {
      imports: [ReportsModule],
    });
    try {
      const job = app.get(ReportsJob);
      const deadline = Date.now() + 10_000;
      while (job.runs === 0 && Date.now() < deadline) {
        await new Promise((done) => setTimeout(done, 100));
      }
      expect(job.runs).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });

  it('runs under its advisory lock: not while another replica holds it', async () => {
    const maintenance = sut.get(MaintenanceService);
    const job = sut.get(ReportsJob);
    const otherReplica = sut.get(DataSource).createQueryRunner();
    await otherReplica.connect();
    try {
      await otherReplica.query('SELECT pg_advisory_lock($1::bigint)', [advisoryLockKey(JOB)]);
      const runsBefore = job.runs;
      expect(await maintenance.runJob(JOB)).toBeNull();
      expect(job.runs).toBe(runsBefore);

      await otherReplica.query('SELECT pg_advisory_unlock($1::bigint)', [advisoryLockKey(JOB)]);
      expect(await maintenance.runJob(JOB)).toEqual({ result: job.runs });
    } finally {
      await otherReplica.release();
    }
  });

  it.each([
    [ClashingModule, 'Two maintenance jobs are named "maintenance:execution-retention"'],
    [UnscopedModule, "needs scope 'cluster' or 'instance'"],
    [RunlessModule, 'must be a singleton provider with run()'],
  ])('refuses to start with a misdeclared job (%p)', async (module, message) => {
    await expect(
      startTestApp(testConfig({ APP_ROLE: 'api' }), { imports: [module] }),
    ).rejects.toThrow(message);
  });
});
