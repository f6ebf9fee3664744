import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { BUILD_CACHE_STORAGE, STORAGE } from '../../../src/storage';
import { describeStorageContract } from '../../support/storage-contract';
import { startTestApp, testConfig } from '../../support/test-app';
import { MemoryStorageDriver } from './memory-storage.driver';

// A driver of your own first passes the contract every driver keeps…
describeStorageContract('a custom (in-memory)', () =>
  Promise.resolve({ sut: new MemoryStorageDriver('/contract'), cleanup: () => Promise.resolve() }),
);

// …then the application uses it for both devices.
describe('AppOptions.storage: storage drivers of your own', () => {
  const files = new MemoryStorageDriver('/');
  const buildCache = new MemoryStorageDriver('/build-cache');
  let sut: NestFastifyApplication;

  beforeAll(async () => {
    sut = await startTestApp(testConfig({ APP_ROLE: 'api' }), { storage: { files, buildCache } });
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('is the storage every module gets', () => {
    expect(sut.get(STORAGE)).toBe(files);
    expect(sut.get(BUILD_CACHE_STORAGE)).toBe(buildCache);
  });

  it('is checked by readiness, which names it when it is down', async () => {
    expect((await sut.inject({ method: 'GET', url: '/ready' })).json()).toMatchObject({
      checks: { storage: 'up' },
    });

    buildCache.down = true;
    try {
      const response = await sut.inject({ method: 'GET', url: '/ready' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({
        error: {
          code: 'SERVICE_UNAVAILABLE',
          details: [
            { field: 'storage', message: expect.stringContaining('memory:///build-cache') },
          ],
        },
      });
    } finally {
      buildCache.down = false;
    }
  });

  it('is closed when the application shuts down', async () => {
    const app = await startTestApp(testConfig({ APP_ROLE: 'api' }), {
      storage: { files: new MemoryStorageDriver() },
    });
    const own = app.get<MemoryStorageDriver>(STORAGE);
    await app.close();
    expect(own.closed).toBe(true);
  });
});
