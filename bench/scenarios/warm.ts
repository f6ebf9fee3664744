import { LoadResult, LoadRounds, loadRounds, runInterleaved, runLoad } from '../lib/load';
import { V5_IMAGE, V5_START } from '../lib/function-archive';
import { EXECUTOR_SECRET, executorCall, RuncellUnderTest } from '../lib/runcell';
import { RssSummary, sampleRss } from '../lib/processes';
import { measureSequential, SequentialResult } from './sequential';

export interface WarmSettings {
  durationSeconds: number;
  ratePerSecond: number;
  connections: number;
  /** Sequential client: rounds of this many calls per path. */
  sequentialRounds: number;
  sequentialCalls: number;
  /** Closed-loop throughput: the paths interleaved in this many rounds. */
  loadRounds: number;
}

export interface WarmResult {
  settings: WarmSettings;
  /** One client, one call at a time, timed in microseconds, the two paths in rounds. */
  sequential: SequentialResult;
  /** Open-loop at a fixed rate: latency without queueing. */
  latency: { direct: LoadResult; json: LoadResult; multipart: LoadResult };
  /** Closed-loop with N connections, the paths interleaved in rounds: the most each path serves. */
  throughput: { direct: LoadResult; json: LoadResult; multipart: LoadResult };
  /** The rounds the throughput steps were cut into. */
  throughputRounds: LoadRounds;
  rssUnderLoad: RssSummary;
}

const EXECUTION = {
  method: 'POST',
  path: '/',
  body: '{"n":1}',
  headers: { 'content-type': 'application/json' },
  timeout: 30,
};

export async function measureWarm(
  runcell: RuncellUnderTest,
  archive: string,
  settings: WarmSettings,
): Promise<WarmResult> {
  const created = await executorCall(runcell.baseUrl, 'POST', '/v1/runtimes', {
    runtimeId: 'bench-warm',
    image: V5_IMAGE,
    source: archive,
    entrypoint: 'index.js',
    runtimeEntrypoint: V5_START,
  });
  if (created.status !== 201) throw new Error(`runtime create: ${created.status} ${created.text}`);
  const first = await executorCall(
    runcell.baseUrl,
    'POST',
    '/v1/runtimes/bench-warm/executions',
    EXECUTION,
    { accept: 'application/json' },
  );
  if (first.status !== 200) throw new Error(`first execution: ${first.status} ${first.text}`);

  const runtime = JSON.parse(
    (await executorCall(runcell.baseUrl, 'GET', '/v1/runtimes/bench-warm')).text,
  ) as { hostname: string; key: string };
  const address = await containerAddress(runcell, runtime.hostname);

  const runcellUrl = `${runcell.baseUrl}/v1/runtimes/bench-warm/executions`;
  const runcellHeaders = {
    authorization: `Bearer ${EXECUTOR_SECRET}`,
    'content-type': 'application/json',
    'x-executor-response-format': '0.11.0',
  };
  const runcellBody = JSON.stringify(EXECUTION);
  const direct = {
    url: `http://${address}:3000/`,
    method: 'POST' as const,
    body: EXECUTION.body,
    headers: {
      host: `${runtime.hostname}:3000`,
      'content-type': 'application/json',
      'x-open-runtimes-logging': 'enabled',
      authorization: `Basic ${Buffer.from(`opr:${runtime.key}`).toString('base64')}`,
      'x-open-runtimes-secret': runtime.key,
      'x-open-runtimes-timeout': '30',
    },
  };
  const json = {
    url: runcellUrl,
    method: 'POST' as const,
    body: runcellBody,
    headers: { ...runcellHeaders, accept: 'application/json' },
  };
  const multipart = {
    url: runcellUrl,
    method: 'POST' as const,
    body: runcellBody,
    headers: { ...runcellHeaders, accept: 'multipart/form-data' },
  };

  // Short warm-up of every path (JIT, keep-alive pools) before anything is recorded.
  for (const target of [direct, json, multipart]) {
    await runLoad({ ...target, connections: 4, durationSeconds: 2 });
  }
  const open = {
    connections: settings.connections,
    durationSeconds: settings.durationSeconds,
    ratePerSecond: settings.ratePerSecond,
  };
  const stopRss = sampleRss(runcell.pid);
  const sequential = await measureSequential(
    direct,
    json,
    settings.sequentialRounds,
    settings.sequentialCalls,
  );
  const latency = {
    direct: await runLoad({ ...direct, ...open }),
    json: await runLoad({ ...json, ...open }),
    multipart: await runLoad({ ...multipart, ...open }),
  };
  const connections = settings.connections;
  const throughputRounds = loadRounds(settings.durationSeconds, settings.loadRounds);
  const [directLoad, jsonLoad, multipartLoad] = await runInterleaved(
    [
      { ...direct, connections },
      { ...json, connections, serverPid: runcell.pid },
      { ...multipart, connections, serverPid: runcell.pid },
    ],
    throughputRounds,
  );
  const result: WarmResult = {
    settings,
    sequential,
    latency,
    throughput: { direct: directLoad, json: jsonLoad, multipart: multipartLoad },
    throughputRounds,
    rssUnderLoad: { peakMiB: 0, medianMiB: 0 },
  };
  result.rssUnderLoad = stopRss();
  await executorCall(runcell.baseUrl, 'DELETE', '/v1/runtimes/bench-warm');
  return result;
}

async function containerAddress(runcell: RuncellUnderTest, hostname: string): Promise<string> {
  const containers = await runcell.docker.listContainers({
    filters: { label: [`openruntimes-executor=${runcell.executorHostname}`] },
  });
  for (const summary of containers) {
    const info = await runcell.docker.getContainer(summary.Id).inspect();
    if (info.Config.Hostname !== hostname) continue;
    const address = info.NetworkSettings.Networks[runcell.network]?.IPAddress;
    if (address) return address;
  }
  throw new Error(`no container address for runtime ${hostname}`);
}
