import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { parse, parseAllDocuments } from 'yaml';
import { startTestApp } from '../support/test-app';

const ROOT = resolve(__dirname, '../..');
const KUBERNETES_DIR = join(ROOT, 'deploy/kubernetes');
const IMAGE = 'runcell/runcell:local';
const DOCKER_SOCKET = '/var/run/docker.sock';
const TEST_LABEL = 'runcell.test=deployment';

interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command without a shell; never throws for a non-zero exit. */
function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((done, fail) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd ?? ROOT,
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 32 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          fail(new Error(`${command} ${args.join(' ')} could not run: ${error.message}`));
          return;
        }
        done({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

async function requireDocker(): Promise<void> {
  const result = await run('docker', ['version', '--format', '{{.Server.Version}}']).catch(
    (error: Error) => ({ code: -1, stdout: '', stderr: error.message }),
  );
  if (result.code !== 0) {
    throw new Error(`Docker is required for the deployment tests: ${result.stderr.trim()}`);
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

// --- Kubernetes manifests ------------------------------------------------------------------------

type KubernetesObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [key: string]: unknown;
};
type Model = new (data: never) => { validate(): void };

const MODELS: Record<string, Model> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
};

interface ManifestDocument {
  file: string;
  object: KubernetesObject;
}

async function readManifests(): Promise<ManifestDocument[]> {
  const files = (await readdir(KUBERNETES_DIR)).filter(
    (file) => /\.ya?ml$/.test(file) && file !== 'kustomization.yaml',
  );
  const documents: ManifestDocument[] = [];
  for (const file of files.sort()) {
    for (const document of parseAllDocuments(await readFile(join(KUBERNETES_DIR, file), 'utf8'))) {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0].message}`);
      const object = document.toJS() as KubernetesObject | null;
      if (object !== null) documents.push({ file, object });
    }
  }
  return documents;
}

function validate(object: KubernetesObject): void {
  const model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (model === undefined) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  new model(object as never).validate();
}

interface ProbeView {
  httpGet?: { path?: string; port?: number | string };
}
interface ContainerView {
  name: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: ProbeView;
  livenessProbe?: ProbeView;
  startupProbe?: ProbeView;
  lifecycle?: { preStop?: { exec?: { command?: string[] } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { allowPrivilegeEscalation?: boolean };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpecView {
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  initContainers?: ContainerView[];
  containers: ContainerView[];
  volumes?: { name: string; hostPath?: { path: string; type?: string } }[];
}

function podSpecOf(deployment: KubernetesObject): PodSpecView {
  return (deployment as unknown as { spec: { template: { spec: PodSpecView } } }).spec.template
    .spec;
}

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  let documents: ManifestDocument[];
  let routes: Record<string, Record<string, unknown>>;

  beforeAll(async () => {
    documents = await readManifests();
    const app = await startTestApp();
    try {
      const response = await app.inject({ method: 'GET', url: '/docs-json' });
      routes = response.json<{ paths: Record<string, Record<string, unknown>> }>().paths;
    } finally {
      await app.close();
    }
  });

  const deployments = (): KubernetesObject[] =>
    documents.map(({ object }) => object).filter((object) => object.kind === 'Deployment');
  const configMap = (): Record<string, string> => {
    const found = documents.find(({ object }) => object.kind === 'ConfigMap');
    return (found?.object as { data?: Record<string, string> } | undefined)?.data ?? {};
  };

  it('validates every document of every file against the Kubernetes schemas', () => {
    expect(documents.map(({ object }) => object.kind).sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'Deployment',
      'Namespace',
      'Secret',
      'Service',
    ]);
    for (const { file, object } of documents) {
      expect(() => validate(object)).not.toThrow();
      expect({ file, namespace: object.metadata.namespace ?? 'runcell' }).toEqual({
        file,
        namespace: 'runcell',
      });
    }
  });

  it('rejects a manifest that breaks the schema (the validation is not a no-op)', () => {
    const broken = structuredClone(deployments()[0]);
    (broken as unknown as { spec: { replicas: unknown } }).spec.replicas = 'two';
    expect(() => validate(broken)).toThrow(/replicas/);
  });

  it('lists every manifest file in kustomization.yaml', async () => {
    const kustomization = parse(
      await readFile(join(KUBERNETES_DIR, 'kustomization.yaml'), 'utf8'),
    ) as { resources: string[] };
    const files = [...new Set(documents.map(({ file }) => file))];
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it('runs an API and a worker Deployment, APP_ROLE set on each', () => {
    const roles = deployments().map((deployment) => {
      const [container] = podSpecOf(deployment).containers;
      return container.env?.find(({ name }) => name === 'APP_ROLE')?.value;
    });
    expect(roles.sort()).toEqual(['api', 'worker']);
  });

  it('points every probe at a route the app serves, on the container port', () => {
    const probes: { path: string; port: string | number | undefined }[] = [];
    for (const deployment of deployments()) {
      for (const container of podSpecOf(deployment).containers) {
        expect(container.readinessProbe?.httpGet?.path).toBe('/ready');
        expect(container.livenessProbe?.httpGet?.path).toBe('/health');
        const portNames = new Map(
          (container.ports ?? []).map(({ name, containerPort }) => [name, containerPort]),
        );
        const urtPort = Number(configMap().URT_PORT);
        for (const probe of [
          container.readinessProbe,
          container.livenessProbe,
          container.startupProbe,
        ]) {
          if (probe?.httpGet === undefined) continue;
          const { path = '', port } = probe.httpGet;
          probes.push({ path, port });
          expect(Object.keys(routes)).toContain(path);
          expect(routes[path]).toHaveProperty('get');
          const resolved = typeof port === 'string' ? portNames.get(port) : port;
          expect(resolved).toBe(urtPort);
        }
      }
    }
    expect(probes.length).toBeGreaterThanOrEqual(4);
  });

  it('gives each pod time for the preStop sleep and the whole shutdown drain', () => {
    const drainSeconds = Number(configMap().SHUTDOWN_TIMEOUT_MS ?? 30_000) / 1000;
    for (const deployment of deployments()) {
      const pod = podSpecOf(deployment);
      const [container] = pod.containers;
      const preStop = container.lifecycle?.preStop?.exec?.command ?? [];
      expect(preStop[0]).toBe('sleep');
      const sleepSeconds = Number(preStop[1]);
      expect(sleepSeconds).toBeGreaterThan(0);
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(sleepSeconds + drainSeconds);
    }
  });

  it('mounts the Docker socket and /tmp from the node, non-root, with resource limits', () => {
    for (const deployment of deployments()) {
      const pod = podSpecOf(deployment);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
      const volumes = new Map((pod.volumes ?? []).map((volume) => [volume.name, volume.hostPath]));
      for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
        expect(container.resources?.requests).toBeDefined();
        expect(container.resources?.limits).toBeDefined();
        expect(container.securityContext?.allowPrivilegeEscalation).toBe(false);
        expect(container.envFrom).toEqual([
          { configMapRef: { name: 'runcell-config' } },
          { secretRef: { name: 'runcell-secrets' } },
        ]);
      }
      const mounts = Object.fromEntries(
        (pod.containers[0].volumeMounts ?? []).map(({ name, mountPath }) => [
          mountPath,
          volumes.get(name),
        ]),
      );
      expect(mounts[DOCKER_SOCKET]).toEqual({ path: DOCKER_SOCKET, type: 'Socket' });
      expect(mounts['/tmp']).toEqual({ path: '/tmp', type: 'Directory' });
      expect(pod.initContainers?.[0].command).toEqual(['node', 'dist/src/database/migrate.cli.js']);
    }
  });

  it('routes the Service to the API pods on their named port', () => {
    const service = documents.find(({ object }) => object.kind === 'Service')
      ?.object as unknown as {
      spec: { selector: Record<string, string>; ports: { targetPort: string }[] };
    };
    const api = deployments().find(
      (deployment) => podSpecOf(deployment).containers[0].env?.[0]?.value === 'api',
    ) as unknown as { spec: { template: { metadata: { labels: Record<string, string> } } } };
    expect(api.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    const portNames = podSpecOf(api as unknown as KubernetesObject).containers[0].ports?.map(
      ({ name }) => name,
    );
    expect(portNames).toContain(service.spec.ports[0].targetPort);
  });
});

// --- Docker Compose ------------------------------------------------------------------------------

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

// --- The image -----------------------------------------------------------------------------------

describe('the Runcell image (runcell/runcell:local)', () => {
  const suffix = randomBytes(4).toString('hex');
  const containerName = `runcell-deployment-test-${suffix}`;
  const instanceId = `deployment-test-${suffix}`;
  const secret = randomBytes(16).toString('hex');
  let port: number;
  let workDir: string;
  let baseUrl: string;

  const docker = (args: string[], timeoutMs?: number) => run('docker', args, { timeoutMs });
  const execInContainer = (args: string[]) => docker(['exec', containerName, ...args]);

  async function waitForHealth(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const state = await docker(['inspect', '--format', '{{.State.Running}}', containerName]);
      if (state.stdout.trim() !== 'true') {
        const logs = await docker(['logs', '--tail', '40', containerName]);
        throw new Error(`the container stopped:\n${logs.stdout}${logs.stderr}`);
      }
      try {
        if ((await fetch(`${baseUrl}/health`)).status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((done) => setTimeout(done, 250));
    }
    throw new Error('the container did not answer /health within 60 s');
  }

  beforeAll(async () => {
    await requireDocker();
    const build = await run('bash', ['scripts/build-runcell-image.sh'], { timeoutMs: 900_000 });
    if (build.code !== 0) throw new Error(`image build failed:\n${build.stdout}${build.stderr}`);

    port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    // Shared with runtime containers at the same path, and writable by the image's user.
    workDir = await mkdtemp(join(tmpdir(), 'runcell-deployment-'));
    await chmod(workDir, 0o1777);
    const socketGroup = (await stat(DOCKER_SOCKET)).gid;
    const env: Record<string, string> = {
      URT_HOST: '127.0.0.1',
      URT_PORT: String(port),
      URT_SECRET: secret,
      URT_TMP_DIR: workDir,
      DATABASE_URL: process.env.DATABASE_URL ?? '',
      REDIS_URL: process.env.REDIS_URL ?? '',
      JWT_SECRET: randomBytes(48).toString('base64url'),
      RUNCELL_INSTANCE_ID: instanceId,
      QUEUE_PREFIX: `test-${suffix}`,
      LOG_LEVEL: 'warn',
    };
    const started = await docker([
      'run',
      '--detach',
      '--name',
      containerName,
      '--label',
      TEST_LABEL,
      '--network',
      'host',
      '--group-add',
      String(socketGroup),
      '--volume',
      `${DOCKER_SOCKET}:${DOCKER_SOCKET}`,
      '--volume',
      `${workDir}:${workDir}`,
      ...Object.entries(env).flatMap(([name, value]) => ['--env', `${name}=${value}`]),
      IMAGE,
    ]);
    if (started.code !== 0) throw new Error(`docker run failed: ${started.stderr}`);
    await waitForHealth();
  }, 960_000);

  afterAll(async () => {
    await docker(['rm', '--force', '--volumes', containerName]);
    const leftovers = await docker([
      'ps',
      '--all',
      '--quiet',
      '--filter',
      `label=runcell.instance=${instanceId}`,
    ]);
    const ids = leftovers.stdout.split('\n').filter(Boolean);
    if (ids.length > 0) await docker(['rm', '--force', ...ids]);
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('runs as the unprivileged user with the socket group', async () => {
    const id = await execInContainer(['id', '-u']);
    expect(id.stdout.trim()).toBe('10001');
    const node = await execInContainer(['node', '--version']);
    const [major, minor] = node.stdout.trim().slice(1).split('.').map(Number);
    expect(major > 20 || (major === 20 && minor >= 19)).toBe(true);
  });

  it('is ready against the test PostgreSQL, Redis and Docker, seen from the host', async () => {
    const ready = await fetch(`${baseUrl}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      checks: { database: 'up', redis: 'up', docker: 'up', storage: 'up' },
    });
    const executor = await fetch(`${baseUrl}/v1/health`);
    expect(executor.status).toBe(200);
    expect(await executor.text()).toBe('OK');
  });

  it('answers /v1/health from inside the container, and its HEALTHCHECK passes', async () => {
    const inside = await execInContainer([
      'node',
      '-e',
      `fetch('http://127.0.0.1:${port}/v1/health').then(async (r) => console.log(r.status, await r.text()))`,
    ]);
    expect(inside.stdout.trim()).toBe('200 OK');

    const healthcheck = await docker([
      'image',
      'inspect',
      '--format',
      '{{json .Config.Healthcheck.Test}}',
      IMAGE,
    ]);
    const [kind, ...command] = JSON.parse(healthcheck.stdout) as string[];
    expect(kind).toBe('CMD');
    expect((await execInContainer(command)).code).toBe(0);
  });

  it('carries the migration command', async () => {
    const migrate = await execInContainer(['node', 'dist/src/database/migrate.cli.js']);
    expect(migrate.stderr).toBe('');
    expect(migrate.code).toBe(0);
  });

  it('creates, executes and deletes a runtime through /v1', async () => {
    const codeDir = join(workDir, `code-${suffix}`);
    await mkdir(codeDir, { recursive: true });
    await writeFile(
      join(codeDir, 'index.js'),
      "module.exports = async (context) => context.res.json({ hello: 'from the image' });\n",
    );
    const source = join(workDir, 'code.tar.gz');
    const tar = await run('tar', ['-czf', source, '-C', codeDir, 'index.js']);
    expect(tar.code).toBe(0);
    await chmod(source, 0o644);

    const runtimeId = `deploy-smoke-${suffix}`;
    const authorization = `Bearer ${secret}`;
    const created = await fetch(`${baseUrl}/v1/runtimes`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({
        runtimeId,
        image: 'runcell/node:v5',
        entrypoint: 'index.js',
        source,
        version: 'v5',
        runtimeEntrypoint:
          'cp /tmp/code.tar.gz /mnt/code/code.tar.gz && nohup helpers/start.sh "bash helpers/server.sh"',
      }),
    });
    expect(created.status).toBe(201);
    try {
      const execution = await fetch(`${baseUrl}/v1/runtimes/${runtimeId}/executions`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ path: '/', method: 'GET', timeout: 30 }),
      });
      expect(execution.status).toBe(200);
      const result = (await execution.json()) as { statusCode: number; body: string };
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body)).toEqual({ hello: 'from the image' });
    } finally {
      const deleted = await fetch(`${baseUrl}/v1/runtimes/${runtimeId}`, {
        method: 'DELETE',
        headers: { authorization },
      });
      expect(deleted.status).toBe(200);
    }
    const left = await docker([
      'ps',
      '--all',
      '--quiet',
      '--filter',
      `label=openruntimes-runtime-id=${runtimeId}`,
    ]);
    expect(left.stdout.trim()).toBe('');
  }, 120_000);

  it('drains and exits 0 on docker stop', async () => {
    const stopped = await docker(['stop', '--time', '40', containerName], 60_000);
    expect(stopped.code).toBe(0);
    const exit = await docker(['inspect', '--format', '{{.State.ExitCode}}', containerName]);
    expect(exit.stdout.trim()).toBe('0');
  });
});
