import { Agent, request } from 'node:http';
import { percentile, ratio } from '../lib/stats';

/** One HTTP call as the sequential client sends it. */
export interface SequentialTarget {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface SequentialPath {
  calls: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  maxUs: number;
  failures: number;
}

export interface SequentialResult {
  rounds: number;
  callsPerRound: number;
  direct: SequentialPath;
  runcell: SequentialPath;
  /** Runcell ÷ direct. */
  p50Ratio: number;
  p99Ratio: number;
}

/**
 * One client, one call at a time, each timed with `process.hrtime.bigint()` from the first byte
 * written to the last byte read. The two paths alternate in rounds, so a burst of other work on
 * the machine lands on both instead of skewing one; each path keeps one keep-alive connection.
 */
export async function measureSequential(
  direct: SequentialTarget,
  runcell: SequentialTarget,
  rounds: number,
  callsPerRound: number,
): Promise<SequentialResult> {
  const directClient = sequentialClient(direct);
  const runcellClient = sequentialClient(runcell);
  try {
    // Warm-up: JIT on both sides and the connections opened, nothing recorded.
    for (let index = 0; index < callsPerRound; index++) {
      await directClient.call();
      await runcellClient.call();
    }
    const samples = { direct: [] as number[], runcell: [] as number[] };
    const failures = { direct: 0, runcell: 0 };
    for (let round = 0; round < rounds; round++) {
      const order =
        round % 2 === 0 ? (['direct', 'runcell'] as const) : (['runcell', 'direct'] as const);
      for (const path of order) {
        const client = path === 'direct' ? directClient : runcellClient;
        for (let index = 0; index < callsPerRound; index++) {
          const { us, ok } = await client.call();
          if (ok) samples[path].push(us);
          else failures[path]++;
        }
      }
    }
    const directPath = summarize(samples.direct, failures.direct);
    const runcellPath = summarize(samples.runcell, failures.runcell);
    return {
      rounds,
      callsPerRound,
      direct: directPath,
      runcell: runcellPath,
      p50Ratio: ratio(runcellPath.p50Us, directPath.p50Us),
      p99Ratio: ratio(runcellPath.p99Us, directPath.p99Us),
    };
  } finally {
    directClient.close();
    runcellClient.close();
  }
}

function sequentialClient(target: SequentialTarget) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(target.url);
  const body = Buffer.from(target.body);
  const headers = { ...target.headers, 'content-length': String(body.length) };
  const call = () =>
    new Promise<{ us: number; ok: boolean }>((resolve, reject) => {
      const started = process.hrtime.bigint();
      const outgoing = request(
        { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers },
        (response) => {
          response.on('data', () => undefined);
          response.on('end', () =>
            resolve({
              us: Number(process.hrtime.bigint() - started) / 1000,
              ok: response.statusCode === 200,
            }),
          );
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  return { call, close: () => agent.destroy() };
}

function summarize(samples: number[], failures: number): SequentialPath {
  return {
    calls: samples.length,
    p50Us: Math.round(percentile(samples, 50)),
    p90Us: Math.round(percentile(samples, 90)),
    p99Us: Math.round(percentile(samples, 99)),
    maxUs: Math.round(percentile(samples, 100)),
    failures,
  };
}
