import { readFileSync } from 'node:fs';
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

const KEY = 'v2-test-key';

const FUNCTION = `
module.exports = async (req, res) => {
  console.log('payload is', req.payload);
  console.error('to stderr');
  if (req.payload === 'text') return res.send('plain text', 201);
  if (req.payload === 'throw') throw new Error('v2 boom');
  res.json({ payload: req.payload, variables: req.variables, headers: req.headers, fromEnv: process.env.FROM_ENV });
};
`;

describe('runcell/node:v2 runtime image', () => {
  const scratch = new Scratch();
  let url: string;

  beforeAll(async () => {
    await requireImages(IMAGES.nodeV2);

    // Build the way v2 callers do: source in /usr/code, workdir /usr/code, then ./build.sh.
    const src = scratch.dir({ 'code.tar.gz': await tarGz(scratch, { 'index.js': FUNCTION }) });
    const builds = scratch.dir();
    const build = await scratch.run([
      '-e',
      'INTERNAL_RUNTIME_ENTRYPOINT=index.js',
      '-v',
      `${src}:/tmp`,
      '-v',
      `${builds}:/usr/code`,
      '-w',
      '/usr/code',
      IMAGES.nodeV2,
      'sh',
      '-c',
      'tar -zxf /tmp/code.tar.gz -C /usr/code && cd /usr/local/src/ && ./build.sh',
    ]);
    if (build.code !== 0) throw new Error(`v2 build failed: ${build.stdout}${build.stderr}`);

    // Start with the image's default CMD, the artifact at /tmp/code.tar.gz.
    const artifact = scratch.dir({ 'code.tar.gz': readFileSync(join(builds, 'code.tar.gz')) });
    const id = await scratch.start([
      '-e',
      `INTERNAL_RUNTIME_KEY=${KEY}`,
      '-e',
      'INTERNAL_RUNTIME_ENTRYPOINT=index.js',
      '-e',
      'FROM_ENV=env-value',
      '-v',
      `${artifact}:/tmp`,
      '-v',
      `${scratch.dir()}:/usr/code`,
      '-w',
      '/usr/code',
      IMAGES.nodeV2,
    ]);
    const ip = await containerIp(id);
    await waitForPort(ip, 3000);
    url = `http://${ip}:3000/`;
    const logs = await docker(['logs', id]);
    expect(logs.stdout).toContain('HTTP server successfully started!');
  });

  afterAll(() => scratch.cleanup());

  function execute(payload: string, key = KEY) {
    return request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-internal-challenge': key, host: 'null' },
      body: JSON.stringify({ variables: { A: '1' }, payload, headers: { 'x-test': 'y' } }),
    });
  }

  it('answers {response, stdout, stderr} with the JSON the function sent', async () => {
    const res = await execute('hello');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({
      response: {
        payload: 'hello',
        variables: { A: '1' },
        headers: { 'x-test': 'y' },
        fromEnv: 'env-value',
      },
      stdout: 'payload is hello\n',
      stderr: 'to stderr\n',
    });
  });

  it("answers with res.send's text and status", async () => {
    const res = await execute('text');
    expect(res.status).toBe(201);
    expect(JSON.parse(res.text)).toMatchObject({ response: 'plain text' });
  });

  it('answers 500 with the stack in stderr when the function throws', async () => {
    const res = await execute('throw');
    expect(res.status).toBe(500);
    expect(JSON.parse(res.text).stderr).toContain('Error: v2 boom');
  });

  it('rejects a wrong x-internal-challenge with 500 {"stderr":"Unauthorized"}', async () => {
    const res = await execute('hello', 'wrong');
    expect(res.status).toBe(500);
    expect(res.text).toBe('{"stderr":"Unauthorized"}');
  });
});
