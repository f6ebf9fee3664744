import { randomBytes } from 'node:crypto';
import { ContainerEngine, ContainerEngineError, runcellLabels } from '../../src/container-engine';
import { DockerContainerEngine } from '../../src/container-engine/docker/docker-container-engine';

const BASE_IMAGE = 'runcell/base:bookworm';
const instance = `engine-test-${randomBytes(4).toString('hex')}`;

describe('DockerContainerEngine (real Docker Engine)', () => {
  const sut: ContainerEngine = new DockerContainerEngine({ host: 'unix:///var/run/docker.sock' });
  const created: string[] = [];

  async function run(
    cmd: string[],
    extra: Partial<Parameters<ContainerEngine['createContainer']>[0]> = {},
  ) {
    const id = await sut.createContainer({
      image: BASE_IMAGE,
      name: `${instance}-${created.length}`,
      cmd,
      labels: runcellLabels(instance, 'sandbox'),
      ...extra,
    });
    created.push(id);
    await sut.startContainer(id);
    return id;
  }

  afterAll(async () => {
    for (const id of created) await sut.removeContainer(id);
    const left = await sut.listContainers({ 'runcell.instance': instance });
    expect(left).toEqual([]);
  });

  it('pings the daemon and knows which images exist', async () => {
    await expect(sut.ping()).resolves.toBeUndefined();
    await expect(sut.imageExists(BASE_IMAGE)).resolves.toBe(true);
    await expect(sut.imageExists('runcell/does-not-exist:0')).resolves.toBe(false);
  });

  it('refuses a missing image without pulling it', async () => {
    await expect(
      sut.ensureImage('runcell/does-not-exist:0', { pull: false }),
    ).rejects.toMatchObject({
      kind: 'image_unavailable',
    });
  });

  it('creates, inspects, lists by label, execs and removes a container', async () => {
    const id = await run(['sleep', '60'], {
      env: { GREETING: 'hi' },
      memoryBytes: 64 * 1024 * 1024,
      cpus: 0.5,
    });
    const info = await sut.inspectContainer(id);
    expect(info).toMatchObject({
      running: true,
      state: 'running',
      env: expect.objectContaining({ GREETING: 'hi' }),
    });
    expect(info?.labels['runcell.instance']).toBe(instance);

    const listed = await sut.listContainers({
      'runcell.instance': instance,
      'runcell.kind': 'sandbox',
    });
    expect(listed.map((container) => container.id)).toContain(id);

    const result = await sut.exec(id, {
      cmd: ['bash', '-c', 'echo "out $GREETING"; echo err >&2; exit 3'],
    });
    expect(result).toEqual({
      exitCode: 3,
      stdout: Buffer.from('out hi\n'),
      stderr: Buffer.from('err\n'),
      timedOut: false,
    });

    const stats = await sut.stats(id);
    expect(stats.memoryBytes).toBeGreaterThan(0);

    await expect(sut.removeContainer(id)).resolves.toBe(true);
    await expect(sut.removeContainer(id)).resolves.toBe(false);
    await expect(sut.inspectContainer(id)).resolves.toBeUndefined();
  });

  it('abandons an exec that runs past its timeout', async () => {
    const id = await run(['sleep', '60']);
    const started = Date.now();
    const result = await sut.exec(id, { cmd: ['sleep', '30'], timeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('caps exec output', async () => {
    const id = await run(['sleep', '60']);
    const result = await sut.exec(id, {
      cmd: ['bash', '-c', 'head -c 100000 /dev/zero'],
      maxOutputBytes: 1000,
    });
    expect(result.stdout.length).toBe(1000);
  });

  it('attaches to the main process with stdin and sees its exit code and logs', async () => {
    const id = await sut.createContainer({
      image: BASE_IMAGE,
      name: `${instance}-attach`,
      cmd: ['bash', '-c', 'read line; echo "got $line"; echo bye >&2; exit 7'],
      labels: runcellLabels(instance, 'sandbox'),
      openStdin: true,
    });
    created.push(id);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const attachment = await sut.attach(
      id,
      { onStdout: (c) => out.push(c), onStderr: (c) => err.push(c) },
      { stdin: true },
    );
    await sut.startContainer(id);
    attachment.stdin?.write('ping\n');
    attachment.stdin?.end();
    await expect(sut.waitContainer(id)).resolves.toEqual({ exitCode: 7 });
    await attachment.ended;
    expect(Buffer.concat(out).toString()).toBe('got ping\n');
    expect(Buffer.concat(err).toString()).toBe('bye\n');
    const logs = await sut.logs(id);
    expect(logs.stdout.toString()).toBe('got ping\n');
  });

  it('streams stats samples while a container runs, until stopped', async () => {
    const id = await run(['bash', '-c', 'x=$(head -c 8000000 /dev/zero | tr "\\0" a); sleep 3'], {
      memoryBytes: 64 * 1024 * 1024,
    });
    const samples: Awaited<ReturnType<ContainerEngine['stats']>>[] = [];
    const stream = await sut.streamStats(id, (sample) => samples.push(sample));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    stream.stop();
    await stream.ended;
    expect(samples.length).toBeGreaterThanOrEqual(2);
    const last = samples[samples.length - 1];
    expect(last.memoryPeakBytes).toBeGreaterThan(8_000_000);
    expect(last.cpuTotalNs).toBeGreaterThan(0);
  });

  it('keeps no log with the "none" log driver while attach still sees the output', async () => {
    const id = await sut.createContainer({
      image: BASE_IMAGE,
      name: `${instance}-nolog`,
      cmd: ['bash', '-c', 'echo visible'],
      labels: runcellLabels(instance, 'sandbox'),
      logDriver: 'none',
    });
    created.push(id);
    const out: Buffer[] = [];
    const attachment = await sut.attach(id, { onStdout: (c) => out.push(c), onStderr: () => {} });
    await sut.startContainer(id);
    await expect(sut.waitContainer(id)).resolves.toEqual({ exitCode: 0 });
    await attachment.ended;
    expect(Buffer.concat(out).toString()).toBe('visible\n');
    await expect(sut.logs(id)).rejects.toBeInstanceOf(ContainerEngineError);
  });

  it('creates a network once and reports its gateway', async () => {
    const name = `${instance}-net`;
    try {
      const first = await sut.ensureNetwork(name, { 'runcell.instance': instance });
      const again = await sut.ensureNetwork(name);
      expect(again.id).toBe(first.id);
      expect(first.gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    } finally {
      await sut.removeNetwork(name);
    }
  });

  it("reports the default bridge network's gateway", async () => {
    const bridge = await sut.inspectNetwork('bridge');
    expect(bridge?.gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it('reports an unreachable daemon as unavailable', async () => {
    const offline = new DockerContainerEngine({ host: 'unix:///tmp/runcell-no-docker.sock' });
    const failure = await offline.ping().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ContainerEngineError);
    expect((failure as ContainerEngineError).kind).toBe('unavailable');
  });
});
