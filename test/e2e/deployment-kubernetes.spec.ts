import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { parse, parseAllDocuments } from 'yaml';
import { startTestApp } from '../support/test-app';
import { DOCKER_SOCKET, ROOT } from './deployment-commands';

const KUBERNETES_DIR = join(ROOT, 'deploy/kubernetes');

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
