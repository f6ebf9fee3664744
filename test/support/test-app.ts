import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { loadConfig, RuncellConfig } from '../../src/config';
import type { AppOptions } from '../../src/app.module';
import { createApp } from '../../src/create-app';
import { TEST_JWT_SECRET } from './runcell-process';

/** A configuration for tests: the test services, quiet logs, a unique queue prefix and instance. */
export function testConfig(overrides: Record<string, string | undefined> = {}): RuncellConfig {
  return loadConfig({
    ...process.env,
    JWT_SECRET: TEST_JWT_SECRET,
    QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...overrides,
  });
}

/** The full application, initialised and ready for `inject()` or `listen()`. */
export async function startTestApp(
  config: RuncellConfig = testConfig(),
  options: AppOptions = {},
): Promise<NestFastifyApplication> {
  const app = await createApp(config, options);
  try {
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  } catch (error) {
    // A start-up that fails must not leave its connections open behind the test.
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}
