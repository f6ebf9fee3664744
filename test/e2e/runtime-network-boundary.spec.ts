import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { startTestApp, testConfig } from '../support/test-app';

const CLIENT_IMAGE = 'runcell/node:v5';
const PATHS = ['/health', '/metrics', '/docs', '/v1/health', '/api/v1/auth/me'];

/**
 * Asks for each path and prints `answers {path: status | "refused"}`. Core `http`, not `fetch`:
 * Node 18's `fetch` never settles when the peer closes the connection at once.
 */
const PROBE_SCRIPT = `
const http = require('http');
const ask = (url) => new Promise((resolve) => {
  const request = http.get(url, { timeout: 5000 }, (response) => {
    response.resume();
    resolve(response.statusCode);
  });
  request.on('timeout', () => request.destroy());
  request.on('error', () => resolve('refused'));
});
(async () => {
  const answers = {};
  for (const path of JSON.parse(process.argv[2])) answers[path] = await ask(process.argv[1] + path);
  console.log('answers ' + JSON.stringify(answers));
})();
`;

describe('runtime containers cannot reach Runcell itself', () => {
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  const hostname = `net-${randomBytes(4).toString('hex')}`;
  const runtimesNetwork = `runcell-test-${hostname}`;
  const otherNetwork = `runcell-test-${hostname}-other`;
  let app: NestFastifyApplication;
  let baseUrl: string;

  beforeAll(async () => {
    app = await startTestApp(
      testConfig({
        URT_SECRET: `executor-secret-${randomBytes(16).toString('hex')}`,
        URT_HOSTNAME: hostname,
        URT_NETWORK: runtimesNetwork,
        APP_ROLE: 'api',
      }),
    );
    await docker.createNetwork({ Name: otherNetwork, Labels: { 'runcell.test': hostname } });
    // Runcell listens on the host's address on the runtimes bridge: the one runtimes can reach.
    const info = (await docker.getNetwork(runtimesNetwork).inspect()) as {
      IPAM: { Config: { Gateway?: string }[] };
    };
    const gateway = info.IPAM.Config.find((config) => config.Gateway)?.Gateway;
    if (!gateway) throw new Error(`The network ${runtimesNetwork} has no gateway`);
    await app.listen({ port: 0, host: gateway });
    const { port } = app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://${gateway}:${port}`;
  });

  afterAll(async () => {
    await app?.close();
    for (const network of [runtimesNetwork, otherNetwork]) {
      await docker
        .getNetwork(network)
        .remove()
        .catch(() => undefined);
    }
  });

  /** Runs the probe in a fresh container on `network`; gives its answers. */
  async function probeFrom(network: string): Promise<Record<string, number | string>> {
    const container = await docker.createContainer({
      Image: CLIENT_IMAGE,
      Entrypoint: ['node', '-e', PROBE_SCRIPT, baseUrl, JSON.stringify(PATHS)],
      Cmd: [],
      Tty: true,
      Labels: { 'runcell.test': hostname },
      HostConfig: { NetworkMode: network },
    });
    try {
      await container.start();
      await container.wait();
      const output = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
      const answers = /^answers (.*)$/m.exec(output);
      if (!answers) throw new Error(`The probe printed no answers: ${output}`);
      return JSON.parse(answers[1]) as Record<string, number | string>;
    } finally {
      await container.remove({ force: true });
    }
  }

  it('refuses connections from a container on the runtimes network, for every route', async () => {
    const answers = await probeFrom(runtimesNetwork);
    expect(answers).toEqual(Object.fromEntries(PATHS.map((path) => [path, 'refused'])));
  });

  it('still answers a container on another network and a client on the host', async () => {
    const answers = await probeFrom(otherNetwork);
    expect(answers['/health']).toBe(200);
    expect(answers['/v1/health']).toBe(200);
    expect(answers['/api/v1/auth/me']).toBe(401);
    const fromHost = await fetch(`${baseUrl}/v1/health`);
    expect(fromHost.status).toBe(200);
    expect(await fromHost.text()).toBe('OK');
  });
});
