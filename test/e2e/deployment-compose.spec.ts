import { parse } from 'yaml';
import { CommandResult, DOCKER_SOCKET, IMAGE, ROOT, run } from './deployment-commands';

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  group_add?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  networks?: Record<string, unknown>;
}

describe('docker-compose.yml', () => {
  const composeEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    RUNCELL_ENV_FILE: '.env.example',
    ...extra,
  });

  async function composeConfig(env: NodeJS.ProcessEnv): Promise<CommandResult> {
    const found = await run('sh', ['-c', 'command -v docker-compose']);
    if (found.code !== 0) {
      throw new Error('docker-compose is not installed (Debian: apt-get install docker-compose)');
    }
    return run('docker-compose', ['--env-file', '.env.example', 'config'], { cwd: ROOT, env });
  }

  it('passes `docker-compose config` with the API, worker, migration and services wired', async () => {
    const result = await composeConfig(
      composeEnv({ POSTGRES_PASSWORD: 'compose-test', DOCKER_GID: '4242' }),
    );
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    const services = (parse(result.stdout) as { services: Record<string, ComposeService> })
      .services;
    expect(Object.keys(services).sort()).toEqual(['api', 'migrate', 'postgres', 'redis', 'worker']);

    expect(services.migrate.command).toEqual(['node', 'dist/src/database/migrate.cli.js']);
    for (const name of ['api', 'worker']) {
      const service = services[name];
      expect(service.image).toBe(IMAGE);
      expect(service.environment?.APP_ROLE).toBe(name);
      expect(service.environment?.DATABASE_URL).toBe(
        'postgres://runcell:compose-test@postgres:5432/runcell',
      );
      expect(service.environment?.REDIS_URL).toBe('redis://redis:6379/0');
      // env_file (.env.example here) reaches the services too.
      expect(service.environment?.URT_RUNTIME_VERSIONS).toBeDefined();
      expect(service.volumes).toEqual(
        expect.arrayContaining([`${DOCKER_SOCKET}:${DOCKER_SOCKET}:rw`, '/tmp:/tmp:rw']),
      );
      expect(service.group_add).toEqual(['4242']);
      expect(service.healthcheck?.test.join(' ')).toContain('/ready');
      expect(service.depends_on).toEqual({
        migrate: { condition: 'service_completed_successfully' },
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
    }
    expect(Object.keys(services.api.networks ?? {})).toContain('runtimes');
    expect(services.postgres.healthcheck).toBeDefined();
    expect(services.redis.healthcheck).toBeDefined();
  });

  it('refuses to render without a PostgreSQL password', async () => {
    const result = await composeConfig(composeEnv({ DOCKER_GID: '4242' }));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('set POSTGRES_PASSWORD in .env');
  });
});
