import Docker from 'dockerode';
import { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  freePort,
  spawnRuncell,
  stopProcess,
  TEST_JWT_SECRET,
  waitForHttp,
} from '../support/runcell-process';

const SECRET = `executor-secret-${randomBytes(16).toString('hex')}`;
const HOSTILE_BYTES = 200 * 1024;
const ANSWER_WITHIN_MS = 200;
const MULTIPART_ANSWER_WITHIN_MS = 1_500;

/** `piece` repeated until the text is about `bytes` long. */
function repeated(prefix: string, piece: string, bytes = HOSTILE_BYTES): string {
  return prefix + piece.repeat(Math.ceil((bytes - prefix.length) / piece.length));
}

function manyParts(count: number): { contentType: string; body: Buffer } {
  const boundary = 'runcellboundary';
  const part = `--${boundary}\r\nContent-Disposition: form-data; name="a[]"\r\n\r\nx\r\n`;
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.from(`${part.repeat(count)}--${boundary}--\r\n`),
  };
}

interface TimedAnswer {
  status: number;
  body: string;
  ms: number;
}

describe('request bodies are not parsed before authentication, and every parser is bounded', () => {
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  const network = `runcell-test-parse-${randomBytes(4).toString('hex')}`;
  let child: ChildProcess;
  let baseUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    child = spawnRuncell({
      URT_HOST: '127.0.0.1',
      URT_PORT: String(port),
      URT_SECRET: SECRET,
      URT_NETWORK: network,
      URT_HOSTNAME: `parse-${randomBytes(4).toString('hex')}`,
      APP_ROLE: 'api',
      JWT_SECRET: TEST_JWT_SECRET,
      QUEUE_PREFIX: `test-parse-${randomBytes(4).toString('hex')}`,
    });
    await waitForHttp(`${baseUrl}/health`, child);
  });

  afterAll(async () => {
    await stopProcess(child);
    await docker
      .getNetwork(network)
      .remove()
      .catch(() => undefined);
  });

  async function timed(path: string, init: RequestInit): Promise<TimedAnswer> {
    const started = performance.now();
    const response = await fetch(`${baseUrl}${path}`, { method: 'POST', ...init });
    const body = await response.text();
    return { status: response.status, body, ms: performance.now() - started };
  }

  /** Runs `work` while `/health` is polled; gives the slowest `/health` answer seen. */
  async function whileProbingHealth<T>(work: () => Promise<T>): Promise<[T, number]> {
    let finished = false;
    const latencies: number[] = [];
    const statuses: number[] = [];
    const probe = (async () => {
      while (!finished) {
        const started = performance.now();
        const response = await fetch(`${baseUrl}/health`);
        await response.arrayBuffer();
        statuses.push(response.status);
        latencies.push(performance.now() - started);
        await new Promise((done) => setTimeout(done, 5));
      }
    })();
    try {
      return [await work(), Math.max(...latencies)];
    } finally {
      finished = true;
      await probe;
      expect(statuses.length).toBeGreaterThan(0);
      expect(statuses.every((status) => status === 200)).toBe(true);
    }
  }

  const urlencoded = { 'content-type': 'application/x-www-form-urlencoded' };
  const bracketArrays = repeated('a[x]=1&', 'a[]=&');

  it('answers a hostile bracket-array form without the secret with 401 at once', async () => {
    const [answer, worstHealth] = await whileProbingHealth(() =>
      timed('/v1/runtimes', { headers: urlencoded, body: bracketArrays }),
    );
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({
      type: 'general_unauthorized',
      message: 'Missing executor key',
      code: 401,
    });
    expect(answer.ms).toBeLessThan(ANSWER_WITHIN_MS);
    expect(worstHealth).toBeLessThan(ANSWER_WITHIN_MS);
  });

  it('parses the same form with the secret in linear time: too many fields is a 400', async () => {
    const [answer, worstHealth] = await whileProbingHealth(() =>
      timed('/v1/runtimes', {
        headers: { ...urlencoded, authorization: `Bearer ${SECRET}` },
        body: bracketArrays,
      }),
    );
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({
      type: 'general_unknown',
      message: expect.stringContaining('Too many form fields'),
      code: 400,
    });
    expect(answer.ms).toBeLessThan(ANSWER_WITHIN_MS);
    expect(worstHealth).toBeLessThan(ANSWER_WITHIN_MS);
  });

  it('parses a form just under the field limit quickly and goes on to validate it', async () => {
    const [answer, worstHealth] = await whileProbingHealth(() =>
      timed('/v1/runtimes', {
        headers: { ...urlencoded, authorization: `Bearer ${SECRET}` },
        body: `a[x]=1&${'a[]=&'.repeat(9_000)}`,
      }),
    );
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({
      message: 'Param "runtimeId" is not optional.',
    });
    expect(answer.ms).toBeLessThan(ANSWER_WITHIN_MS);
    expect(worstHealth).toBeLessThan(ANSWER_WITHIN_MS);
  });

  it('answers a multipart body of many tiny parts with 401 without the secret, 4xx with it', async () => {
    const { contentType, body } = manyParts(Math.ceil(HOSTILE_BYTES / 60));
    const [[anonymous, authenticated], worstHealth] = await whileProbingHealth(async () => [
      await timed('/v1/runtimes', { headers: { 'content-type': contentType }, body }),
      await timed('/v1/runtimes', {
        headers: { 'content-type': contentType, authorization: `Bearer ${SECRET}` },
        body,
      }),
    ]);
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.body)).toMatchObject({ type: 'general_unauthorized' });
    expect(authenticated.status).toBeGreaterThanOrEqual(400);
    expect(authenticated.status).toBeLessThan(500);
    expect(JSON.parse(authenticated.body)).toMatchObject({ code: authenticated.status });
    expect(anonymous.ms).toBeLessThan(ANSWER_WITHIN_MS);
    // Authenticated, the parts are read (through busboy) up to the part cap: bounded, but not
    // as cheap as a refusal before the body; on a loaded 2-core machine this took ~550 ms.
    expect(authenticated.ms).toBeLessThan(MULTIPART_ANSWER_WITHIN_MS);
    expect(worstHealth).toBeLessThan(ANSWER_WITHIN_MS);
  });

  it('answers a repeated-key form to /api/v1 with 415 in the normal envelope', async () => {
    const [answer, worstHealth] = await whileProbingHealth(() =>
      timed('/api/v1/auth/login', { headers: urlencoded, body: repeated('', 'a=&') }),
    );
    expect(answer.status).toBe(415);
    expect(JSON.parse(answer.body)).toEqual({
      error: {
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: expect.any(String),
        request_id: expect.any(String),
      },
    });
    expect(answer.ms).toBeLessThan(ANSWER_WITHIN_MS);
    expect(worstHealth).toBeLessThan(ANSWER_WITHIN_MS);
  });

  it('takes JSON only under /api/v1: multipart and text are 415 too', async () => {
    const { contentType, body } = manyParts(3);
    const multipart = await timed('/api/v1/auth/login', {
      headers: { 'content-type': contentType },
      body,
    });
    expect(multipart.status).toBe(415);
    const text = await timed('/api/v1/auth/login', {
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(text.status).toBe(415);
    expect(JSON.parse(text.body)).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
  });

  it('limits /api/v1 bodies to 1 MiB by default; /v1 keeps its own larger limit', async () => {
    const large = JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(1024 * 1024) });
    const api = await timed('/api/v1/auth/login', {
      headers: { 'content-type': 'application/json' },
      body: large,
    });
    expect(api.status).toBe(413);
    expect(JSON.parse(api.body)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    const executor = await timed('/v1/runtimes', {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
      body: large,
    });
    expect(executor.status).toBe(400);
    expect(JSON.parse(executor.body)).toMatchObject({
      message: 'Param "runtimeId" is not optional.',
    });
  });

  it('still answers a sane JSON login and an unknown /v1 route as before', async () => {
    const login = await timed('/api/v1/auth/login', {
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ email: 'nobody@example.com', password: 'not the password' }),
    });
    expect(login.status).toBe(401);
    const unknown = await timed('/v1/nothing-here', { headers: urlencoded, body: bracketArrays });
    expect(unknown.status).toBe(404);
    const unknownApi = await timed('/api/v1/nothing-here', { headers: urlencoded, body: 'a=1' });
    expect(unknownApi.status).toBe(404);
  });
});
