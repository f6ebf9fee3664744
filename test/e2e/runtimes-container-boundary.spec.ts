import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  executorCall,
  ExecutorHarness,
  functionArchive,
  removeArchive,
  sleep,
  startExecutorHarness,
  V5_START,
} from '../support/executor-harness';

const IMAGE = 'runcell/node:v5';
const MIB = 1024 * 1024;

/**
 * Runtime containers are hostile: their answers are bounded, their privileges minimal, and an
 * execution only ever reaches the container it was meant for, even after that container
 * restarted and another one took its old address.
 */
describe('OpenRuntimes /v1 runtime containers are bounded and verified (e2e)', () => {
  let sut: ExecutorHarness;
  let archive: string;
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  const network = `runcell-test-net-${randomBytes(4).toString('hex')}`;
  const impostors: string[] = [];

  beforeAll(async () => {
    // A network with a subnet of its own, so a test container can be given a chosen address.
    await createNetworkWithSubnet(docker, network);
    sut = await startExecutorHarness({ URT_NETWORK: network });
    archive = functionArchive({
      'index.js': readFileSync(join(__dirname, '../fixtures/v5-function.js'), 'utf8'),
      'big-answer.js': BIG_ANSWER_SERVER,
    });
  });

  afterAll(async () => {
    for (const id of impostors) {
      await docker
        .getContainer(id)
        .remove({ force: true })
        .catch(() => undefined);
    }
    await sut.close();
    await docker
      .getNetwork(network)
      .remove()
      .catch(() => undefined);
    removeArchive(archive);
    expect(await sut.containers()).toEqual([]);
  });

  const create = (runtimeId: string, extra: Record<string, unknown> = {}) =>
    executorCall(sut.baseUrl, 'POST', '/v1/runtimes', {
      json: {
        runtimeId,
        image: IMAGE,
        source: archive,
        entrypoint: 'index.js',
        runtimeEntrypoint: V5_START,
        ...extra,
      },
    });

  const execute = (runtimeId: string, path = '/echo') =>
    executorCall(sut.baseUrl, 'POST', `/v1/runtimes/${runtimeId}/executions`, {
      json: { path, timeout: 30 },
    });

  const containerOf = async (runtimeId: string) =>
    docker.getContainer(`${sut.hostname}-${runtimeId}`).inspect();

  it('cuts off an answer larger than the limit, and memory stays bounded', async () => {
    const created = await create('big-answer', {
      runtimeEntrypoint:
        'mkdir -p /opt/fn && tar -xzf /tmp/code.tar.gz -C /opt/fn && node /opt/fn/big-answer.js',
    });
    expect(created.status).toBe(201);
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    try {
      const answer = await execute('big-answer');
      expect(answer.status).toBe(500);
      expect(answer.json()).toMatchObject({
        type: 'runtime_failed',
        message: 'Execution response is larger than the limit of 20 MiB.',
      });
    } finally {
      clearInterval(sampler);
    }
    // The runtime sent 200 MiB; holding it (or half of it) would show here.
    expect(peak - before).toBeLessThan(90 * MIB);
  });

  it('runs runtimes with a pids limit, no new privileges, few capabilities and no swap', async () => {
    expect((await create('hardened', { memory: 256 })).status).toBe(201);
    const info = await containerOf('hardened');
    expect(info.HostConfig.PidsLimit).toBe(1024);
    expect(info.HostConfig.CapDrop).toEqual(['ALL']);
    expect([...(info.HostConfig.CapAdd ?? [])].sort()).toEqual(
      ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'].sort(),
    );
    expect(info.HostConfig.SecurityOpt).toEqual(['no-new-privileges']);
    expect(info.HostConfig.MemorySwap).toBe(info.HostConfig.Memory);

    const command = await executorCall(sut.baseUrl, 'POST', '/v1/runtimes/hardened/commands', {
      json: { command: 'grep -E "^(CapEff|NoNewPrivs)" /proc/self/status', timeout: 10 },
    });
    expect(command.status).toBe(200);
    const status = command.json<{ output: string }>().output;
    // CHOWN, DAC_OVERRIDE, FOWNER, SETGID, SETUID: bits 0, 1, 3, 6, 7.
    expect(status).toMatch(/CapEff:\s+00000000000000cb/);
    expect(status).toMatch(/NoNewPrivs:\s+1/);
    expect((await execute('hardened')).status).toBe(200);
  });

  it('never sends an execution to a container that took a restarted runtime’s old address', async () => {
    expect((await create('restarted', { restartPolicy: 'always' })).status).toBe(201);
    expect((await execute('restarted')).status).toBe(200);
    const first = await containerOf('restarted');
    const oldAddress = first.NetworkSettings.Networks[network].IPAddress;

    await docker.getContainer(first.Id).stop({ t: 1 });
    const impostor = await docker.createContainer({
      Image: IMAGE,
      Cmd: ['node', '-e', IMPOSTOR_SERVER],
      Labels: { 'runcell.test': 'impostor' },
      HostConfig: { NetworkMode: network },
      NetworkingConfig: {
        EndpointsConfig: { [network]: { IPAMConfig: { IPv4Address: oldAddress } } },
      },
    });
    impostors.push(impostor.id);
    await impostor.start();
    await docker.getContainer(first.Id).start();
    const restarted = await containerOf('restarted');
    expect(restarted.NetworkSettings.Networks[network].IPAddress).not.toBe(oldAddress);

    for (let index = 0; index < 5; index++) {
      const answer = await execute('restarted');
      expect(answer.status).toBe(200);
      expect(answer.body.toString()).not.toContain('impostor');
      expect(answer.body.toString()).toContain('"path":"/echo"');
    }
    const logs = (await impostor.logs({ stdout: true, stderr: true })).toString();
    expect(logs).not.toContain('request');
  });

  it('answers executions right after the runtime restarts', async () => {
    expect((await create('bounced', { restartPolicy: 'always' })).status).toBe(201);
    // Several warm executions, so pooled connections exist when the container restarts.
    for (let index = 0; index < 3; index++) expect((await execute('bounced')).status).toBe(200);
    await docker.getContainer(`${sut.hostname}-bounced`).restart({ t: 1 });
    for (let index = 0; index < 5; index++) {
      const answer = await execute('bounced');
      expect(answer.body.toString()).toContain('"path":"/echo"');
      expect(answer.status).toBe(200);
    }
    await sleep(10);
  });
});

/** Creates `name` with the first free /24 of a range no default pool uses. */
async function createNetworkWithSubnet(docker: Docker, name: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const third = 1 + Math.floor(Math.random() * 250);
    try {
      await docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        IPAM: { Config: [{ Subnet: `10.213.${third}.0/24` }] },
      });
      return;
    } catch {
      // The subnet overlaps another network: try the next one.
    }
  }
  throw new Error('No free test subnet');
}

/** Answers every request with 200 MiB, streamed as fast as the connection takes it. */
const BIG_ANSWER_SERVER = `
const http = require('node:http');
const chunk = Buffer.alloc(1024 * 1024, 97);
http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'text/plain' });
  let sent = 0;
  const write = () => {
    while (sent < 200) {
      sent++;
      if (!res.write(chunk)) return res.once('drain', write);
    }
    res.end();
  };
  write();
  res.on('close', () => (sent = 200));
}).listen(3000);
`;

/** Logs every request it receives and answers as if it were the function. */
const IMPOSTOR_SERVER = `
require('node:http').createServer((req, res) => {
  console.log('request', req.method, req.url, JSON.stringify(req.headers));
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ body: 'impostor' }));
}).listen(3000);
`;
