import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  IMAGES,
  Scratch,
  containerIp,
  docker,
  request,
  requireImages,
  tarGz,
  waitForPort,
} from './support/images-harness';
import { START } from './support/node-v5';

const SECRET = 'v5-test-secret';

const FUNCTION = `
module.exports = async (context) => {
  const { req, res, log, error } = context;
  switch (req.path) {
    case '/echo':
      return res.json({
        method: req.method, url: req.url, scheme: req.scheme, host: req.host, port: req.port,
        path: req.path, query: req.query, queryString: req.queryString, headers: req.headers,
        body: Buffer.isBuffer(req.body) ? 'buffer' : req.body, bodyText: req.bodyText,
      });
    case '/binary':
      return res.binary(req.bodyBinary, 200, { 'Content-Type': 'application/octet-stream' });
    case '/headers':
      return res.send('h', 201, {
        'X-Custom-Header': 'Value', 'x-open-runtimes-private': 'dropped',
        'content-type': 'multipart/form-data; boundary=b',
      });
    case '/logs':
      log('log line', { a: 1 });
      error('error line');
      console.log('native log');
      console.error('native error');
      log('x'.repeat(9000));
      return res.text('logged');
    case '/concurrent':
      await new Promise((r) => setTimeout(r, 300));
      console.log('native ' + req.query.id);
      log('context ' + req.query.id);
      return res.text(req.query.id);
    case '/sleep':
      await new Promise((r) => setTimeout(r, 4000));
      return res.text('slept');
    case '/throw':
      throw new Error('user boom');
    case '/no-return':
      return;
    case '/redirect':
      return res.redirect('https://example.com/next');
    case '/empty':
      return res.empty();
    default:
      return res.send('hello ' + req.bodyText);
  }
};
`;

describe('runcell/node:v5 runtime image', () => {
  const scratch = new Scratch();
  let base: string;
  let logsDir: string;
  let runtimeId: string;

  async function startRuntime(
    files: Record<string, string | Buffer>,
    env: Record<string, string>,
  ): Promise<{ id: string; url: string; logsDir: string }> {
    const src = scratch.dir({ 'code.tar.gz': await tarGz(scratch, files) });
    const logs = scratch.dir();
    const id = await scratch.start([
      ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
      '-v',
      `${src}:/tmp`,
      '-v',
      `${logs}:/mnt/logs`,
      IMAGES.nodeV5,
      'bash',
      '-c',
      START,
    ]);
    const ip = await containerIp(id);
    await waitForPort(ip, 3000);
    return { id, url: `http://${ip}:3000`, logsDir: logs };
  }

  const auth = { 'x-open-runtimes-secret': SECRET };

  beforeAll(async () => {
    await requireImages(IMAGES.nodeV5);
    const runtime = await startRuntime(
      { 'index.js': FUNCTION },
      { OPEN_RUNTIMES_SECRET: SECRET, OPEN_RUNTIMES_ENTRYPOINT: 'index.js' },
    );
    base = runtime.url;
    logsDir = runtime.logsDir;
    runtimeId = runtime.id;
  });

  afterAll(() => scratch.cleanup());

  it('starts from code.tar.gz the way callers start it and says so in its log', async () => {
    const logs = await docker(['logs', runtimeId]);
    expect(logs.stdout).toContain('HTTP server successfully started!');
  });

  it('rejects a wrong or missing secret with 500 and the upstream message', async () => {
    const attempts: Record<string, string>[] = [{}, { 'x-open-runtimes-secret': 'wrong' }];
    for (const headers of attempts) {
      const res = await request(`${base}/`, { headers });
      expect(res.status).toBe(500);
      expect(res.text).toBe('Unauthorized. Provide correct "x-open-runtimes-secret" header.');
    }
  });

  it('round-trips text and JSON with the request fields of context.req', async () => {
    const text = await request(`${base}/`, { method: 'POST', headers: auth, body: 'world' });
    expect(text.status).toBe(200);
    expect(text.text).toBe('hello world');
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');

    const json = await request(`${base}/echo?a=1&b=x=y`, {
      method: 'POST',
      headers: {
        ...auth,
        'content-type': 'application/json',
        host: 'functions.example.com',
        'x-forwarded-proto': 'https',
        'x-open-runtimes-timeout': '10',
      },
      body: JSON.stringify({ hello: 'wörld' }),
    });
    expect(json.status).toBe(200);
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    const echoed = JSON.parse(json.text);
    expect(echoed).toMatchObject({
      method: 'POST',
      url: 'https://functions.example.com/echo?a=1&b=x=y',
      scheme: 'https',
      host: 'functions.example.com',
      port: 443,
      path: '/echo',
      query: { a: '1', b: 'x=y' },
      queryString: 'a=1&b=x=y',
      body: { hello: 'wörld' },
      bodyText: '{"hello":"wörld"}',
    });
    expect(echoed.headers['content-type']).toBe('application/json');
    expect(Object.keys(echoed.headers).some((h) => h.startsWith('x-open-runtimes-'))).toBe(false);
  });

  it('passes binary request and response bodies byte-exact', async () => {
    const bytes = Buffer.concat([
      Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
      Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 256)),
    ]);
    const res = await request(`${base}/binary`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    expect(res.status).toBe(200);
    expect(res.body.equals(bytes)).toBe(true);
  });

  it('lower-cases response headers, drops x-open-runtimes-* and leaves multipart without charset', async () => {
    const res = await request(`${base}/headers`, { headers: auth });
    expect(res.status).toBe(201);
    expect(res.headers['x-custom-header']).toBe('Value');
    expect(res.headers['x-open-runtimes-private']).toBeUndefined();
    expect(res.headers['content-type']).toBe('multipart/form-data; boundary=b');
    expect(res.headers['x-open-runtimes-log-id']).toMatch(/^[0-9a-f]{20}$/);
  });

  it('writes context and console logs to /mnt/logs/<id>_*.log, each write cut at 8000 characters', async () => {
    const res = await request(`${base}/logs`, {
      headers: { ...auth, 'x-open-runtimes-log-id': 'logs-test-1' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['x-open-runtimes-log-id']).toBe('logs-test-1');
    const logs = readFileSync(join(logsDir, 'logs-test-1_logs.log'), 'utf8').split('\n');
    const errors = readFileSync(join(logsDir, 'logs-test-1_errors.log'), 'utf8');
    expect(logs[0]).toBe('log line {"a":1}');
    expect(logs).toContain('native log');
    expect(logs).toContain('native error');
    expect(logs).toContainEqual('x'.repeat(8000));
    expect(logs[logs.length - 1]).toBe('');
    expect(errors).toBe('error line\n');
  });

  it('keeps the logs of concurrent executions apart', async () => {
    const ids = ['conc-a', 'conc-b', 'conc-c'];
    const answers = await Promise.all(
      ids.map((id) =>
        request(`${base}/concurrent?id=${id}`, {
          headers: { ...auth, 'x-open-runtimes-log-id': id },
        }),
      ),
    );
    expect(answers.map((a) => a.text)).toEqual(ids);
    for (const id of ids) {
      const lines = readFileSync(join(logsDir, `${id}_logs.log`), 'utf8')
        .trim()
        .split('\n');
      expect(lines.filter((l) => !l.startsWith('Native logs detected'))).toEqual([
        `native ${id}`,
        `context ${id}`,
      ]);
    }
  });

  it('generates a log id when none is sent and writes nothing when logging is disabled', async () => {
    const generated = await request(`${base}/logs`, { headers: auth });
    const id = decodeURIComponent(String(generated.headers['x-open-runtimes-log-id']));
    expect(id).toMatch(/^[0-9a-f]{20}$/);
    expect(existsSync(join(logsDir, `${id}_logs.log`))).toBe(true);

    const before = readdirSync(logsDir).length;
    const disabled = await request(`${base}/logs`, {
      headers: { ...auth, 'x-open-runtimes-logging': 'disabled' },
    });
    expect(disabled.status).toBe(200);
    expect(disabled.headers['x-open-runtimes-log-id']).toBe('');
    expect(readdirSync(logsDir).length).toBe(before);
  });

  it('enforces x-open-runtimes-timeout: 500 with an empty body and "Execution timed out."', async () => {
    const started = Date.now();
    const res = await request(`${base}/sleep`, {
      headers: { ...auth, 'x-open-runtimes-timeout': '1', 'x-open-runtimes-log-id': 'timeout-1' },
    });
    expect(Date.now() - started).toBeLessThan(3500);
    expect(res.status).toBe(500);
    expect(res.body.length).toBe(0);
    expect(readFileSync(join(logsDir, 'timeout-1_errors.log'), 'utf8')).toContain(
      'Execution timed out.',
    );

    const bad = await request(`${base}/`, {
      headers: { ...auth, 'x-open-runtimes-timeout': 'abc' },
    });
    expect(bad.status).toBe(500);
  });

  it('answers 500 for a thrown error (stack in the error log) and for a missing return', async () => {
    const thrown = await request(`${base}/throw`, {
      headers: { ...auth, 'x-open-runtimes-log-id': 'throw-1' },
    });
    expect(thrown.status).toBe(500);
    expect(thrown.body.length).toBe(0);
    const stack = readFileSync(join(logsDir, 'throw-1_errors.log'), 'utf8');
    expect(stack).toContain('Error: user boom');
    expect(stack).toContain('/usr/local/server/src/function/index.js');

    const missing = await request(`${base}/no-return`, {
      headers: { ...auth, 'x-open-runtimes-log-id': 'noreturn-1' },
    });
    expect(missing.status).toBe(500);
    expect(readFileSync(join(logsDir, 'noreturn-1_errors.log'), 'utf8')).toContain(
      'Return statement missing',
    );
  });

  it('supports redirect, empty and HEAD', async () => {
    const redirect = await request(`${base}/redirect`, { headers: auth });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('https://example.com/next');

    const empty = await request(`${base}/empty`, { headers: auth });
    expect(empty.status).toBe(204);
    expect(empty.body.length).toBe(0);

    const head = await request(`${base}/`, { method: 'HEAD', headers: auth });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  it('loads an ES module default export and answers 503 when the entrypoint file is missing', async () => {
    const esm = await startRuntime(
      { 'main.mjs': 'export default async ({ res }) => res.json({ esm: true });' },
      { OPEN_RUNTIMES_ENTRYPOINT: 'main.mjs', OPEN_RUNTIMES_SECRET: '' },
    );
    const ok = await request(`${esm.url}/`);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toEqual({ esm: true });

    const missing = await startRuntime(
      { 'index.js': FUNCTION },
      { OPEN_RUNTIMES_ENTRYPOINT: 'nope.js', OPEN_RUNTIMES_SECRET: '' },
    );
    const res = await request(`${missing.url}/`);
    expect(res.status).toBe(503);
  });

  it("has the published images' environment: a default secret, production, no headers", async () => {
    const env = await docker(['run', '--rm', IMAGES.nodeV5, 'env']);
    expect(env.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        'OPEN_RUNTIMES_SECRET=open_runtime_secret',
        'OPEN_RUNTIMES_ENV=production',
        'OPEN_RUNTIMES_HEADERS={}',
      ]),
    );
    const unset = await startRuntime({ 'index.js': FUNCTION }, {});
    expect((await request(`${unset.url}/`)).status).toBe(500);
    const answer = await request(`${unset.url}/`, {
      headers: { 'x-open-runtimes-secret': 'open_runtime_secret' },
    });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('hello ');
  });

  it('answers /__opr/health and /__opr/timings without the secret', async () => {
    const health = await request(`${base}/__opr/health`);
    expect(health.status).toBe(200);
    expect(health.text).toBe('OK');

    const timings = await request(`${base}/__opr/timings`);
    expect(timings.status).toBe(200);
    expect(timings.headers['content-type']).toMatch(/^text\/plain/);
    const names = timings.text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        expect(line).toMatch(/^[a-z]+=\d+\.\d{3}$/);
        return line.split('=')[0];
      });
    expect(names).toEqual(['extract', 'prepare', 'startup']);

    const guarded = await request(`${base}/__opr/healthz`);
    expect(guarded.status).toBe(500);
  });

  it('logs the environment preparation at start, as the published images do', async () => {
    const logs = (await docker(['logs', runtimeId])).stdout;
    const order = [
      'Code extraction finished.',
      'Environment preparation started.',
      'Environment preparation finished.',
      'Runtime started.',
      'HTTP server successfully started!',
    ].map((line) => logs.indexOf(line));
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});
