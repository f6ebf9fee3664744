import Docker from 'dockerode';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { V5_IMAGE, V5_START } from '../lib/function-archive';
import { sleep } from '../lib/processes';
import { BENCH_LABEL, executorCall, RuncellUnderTest } from '../lib/runcell';
import { PairedSamples, pairedSamples, timed } from '../lib/stats';

export type ColdResult = PairedSamples;

interface RuntimeShape {
  env: string[];
  nanoCpus: number;
  memory: number;
}

/**
 * Runcell: `POST /v1/runtimes` then the first execution answered 200 (the executor waits for
 * the port). Raw: the same image, command, env, mounts, network and limits created and started
 * through the Docker API, polled every 20 ms (Runcell's own probe interval) until it answers 200.
 */
export async function measureColdStart(
  runcell: RuncellUnderTest,
  archive: string,
  runs: number,
): Promise<ColdResult> {
  const runcellMs: number[] = [];
  const rawMs: number[] = [];
  let shape: RuntimeShape | undefined;
  for (let index = 0; index < runs; index += 1) {
    const runtimeId = `bench-cold-${index}`;
    const { ms } = await timed(async () => {
      const created = await executorCall(runcell.baseUrl, 'POST', '/v1/runtimes', {
        runtimeId,
        image: V5_IMAGE,
        source: archive,
        entrypoint: 'index.js',
        runtimeEntrypoint: V5_START,
      });
      if (created.status !== 201) throw new Error(`cold create: ${created.status} ${created.text}`);
      const executed = await executorCall(
        runcell.baseUrl,
        'POST',
        `/v1/runtimes/${runtimeId}/executions`,
        { timeout: 30 },
        { accept: 'application/json' },
      );
      if (executed.status !== 200) throw new Error(`cold execution: ${executed.status}`);
    });
    runcellMs.push(ms);
    shape ??= await runtimeShape(runcell);
    await executorCall(runcell.baseUrl, 'DELETE', `/v1/runtimes/${runtimeId}`);

    rawMs.push(await rawColdStart(runcell.docker, runcell.network, archive, shape, index));
  }
  return pairedSamples(runcellMs, rawMs);
}

async function runtimeShape(runcell: RuncellUnderTest): Promise<RuntimeShape> {
  const [summary] = await runcell.docker.listContainers({
    filters: { label: [`openruntimes-executor=${runcell.executorHostname}`] },
  });
  const info = await runcell.docker.getContainer(summary.Id).inspect();
  return {
    env: info.Config.Env,
    nanoCpus: info.HostConfig.NanoCpus ?? 0,
    memory: info.HostConfig.Memory ?? 0,
  };
}

async function rawColdStart(
  docker: Docker,
  network: string,
  archive: string,
  shape: RuntimeShape,
  index: number,
): Promise<number> {
  const folder = mkdtempSync('/tmp/runcell-bench-raw-');
  const dirs = ['src', 'builds', 'logs', 'logging'].map((name) => join(folder, name));
  for (const dir of dirs) mkdirSync(dir, { mode: 0o777 });
  copyFileSync(archive, join(dirs[0], 'code.tar.gz'));
  const secret = /^OPEN_RUNTIMES_SECRET=(.*)$/m.exec(shape.env.join('\n'))?.[1] ?? '';
  const name = `runcell-bench-raw-${process.pid}-${index}`;
  try {
    const { ms } = await timed(async () => {
      const container = await docker.createContainer({
        Image: V5_IMAGE,
        name,
        Hostname: name,
        Cmd: ['bash', '-c', V5_START],
        Env: shape.env,
        Labels: { [BENCH_LABEL]: 'cold' },
        HostConfig: {
          Binds: [
            `${dirs[0]}:/tmp:rw`,
            `${dirs[1]}:/mnt/code:rw`,
            `${dirs[2]}:/mnt/logs:rw`,
            `${dirs[3]}:/tmp/logging:rw`,
          ],
          NetworkMode: network,
          NanoCpus: shape.nanoCpus,
          Memory: shape.memory,
        },
      });
      await container.start();
      const info = await container.inspect();
      const address = info.NetworkSettings.Networks[network]?.IPAddress;
      await waitFor200(`http://${address}:3000/`, secret);
    });
    return ms;
  } finally {
    await docker
      .getContainer(name)
      .remove({ force: true })
      .catch(() => undefined);
    rmSync(folder, { recursive: true, force: true });
  }
}

async function waitFor200(url: string, secret: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  const headers = {
    authorization: `Basic ${Buffer.from(`opr:${secret}`).toString('base64')}`,
    'x-open-runtimes-secret': secret,
    'x-open-runtimes-logging': 'disabled',
    'x-open-runtimes-timeout': '30',
  };
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { headers, signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(20);
  }
  throw new Error(`${url} did not answer 200 within 60 s`);
}
