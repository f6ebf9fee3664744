import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  executorCall,
  ExecutorHarness,
  functionArchive,
  removeArchive,
  startExecutorHarness,
} from '../support/executor-harness';

const IMAGE = 'runcell/node:v5';
/** Replaces both build log files with FIFOs (again if the first try lost a race with a writer). */
const PLANT_LOG_FIFOS =
  'for try in 1 2 3 4 5; do rm -f /tmp/logging/logs.txt /tmp/logging/timings.txt; ' +
  'mkfifo /tmp/logging/logs.txt /tmp/logging/timings.txt 2>/dev/null && break; sleep 0.2; done; ' +
  'test -p /tmp/logging/logs.txt && test -p /tmp/logging/timings.txt';
const HOST_SECRET = 'host-only secret bytes';

/**
 * Function and build code is hostile: every file it can write in the folders Runcell shares
 * with it is planted as a symlink to a host file or as a FIFO, and Runcell must neither follow,
 * nor block on, nor write through any of them.
 */
describe('OpenRuntimes /v1 host files are out of reach of runtimes and builds (e2e)', () => {
  let sut: ExecutorHarness;
  let archive: string;
  let hostDir: string;
  let hostFile: string;

  beforeAll(async () => {
    sut = await startExecutorHarness();
    hostDir = mkdtempSync('/tmp/runcell-host-');
    hostFile = join(hostDir, 'secret.txt');
    writeFileSync(hostFile, HOST_SECRET);
    archive = functionArchive({
      'index.js': 'module.exports = async (c) => c.res.send("ok");',
      'hostile-logs.js': HOSTILE_LOG_SERVER,
    });
  });

  afterAll(async () => {
    await sut.close();
    removeArchive(archive);
    rmSync(hostDir, { recursive: true, force: true });
    expect(await sut.containers()).toEqual([]);
  });

  const build = (runtimeId: string, command: string, extra: Record<string, unknown> = {}) =>
    executorCall(sut.baseUrl, 'POST', '/v1/runtimes', {
      json: {
        runtimeId,
        image: IMAGE,
        source: archive,
        entrypoint: 'index.js',
        command,
        remove: true,
        timeout: 60,
        ...extra,
      },
    });

  async function expectReady() {
    const started = Date.now();
    const ready = await executorCall(sut.baseUrl, 'GET', '/ready');
    expect(ready.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);
  }

  it('fails builds that leave FIFOs as their log files, and stays ready', async () => {
    const plantFifos = PLANT_LOG_FIFOS;
    // More builds than libuv has threads: a blocking open of each FIFO would freeze the service.
    const answers = await Promise.all(
      [1, 2, 3, 4, 5].map((index) => build(`fifo-${index}`, plantFifos)),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.json()).toMatchObject({
        type: 'build_failed',
        message: expect.stringMatching(/is not a regular file/),
      });
    }
    await expectReady();
  });

  it('ends a build-log stream at once when the build turns its log files into FIFOs', async () => {
    const stream = executorCall(sut.baseUrl, 'GET', '/v1/runtimes/fifo-stream/logs?timeout=30');
    const started = Date.now();
    const answer = await build(
      'fifo-stream',
      `echo first line && sleep 1 && ${PLANT_LOG_FIFOS} && sleep 1`,
    );
    expect(answer.status).toBe(400);
    const streamed = await stream;
    expect(streamed.status).toBe(200);
    expect(streamed.body.toString()).toContain('first line');
    expect(Date.now() - started).toBeLessThan(15_000);
    await expectReady();
  });

  it('fails a build whose log is a symlink to a host file, without reading it', async () => {
    const answer = await build(
      'log-link',
      `rm -f /tmp/logging/logs.txt && ln -s ${hostFile} /tmp/logging/logs.txt`,
    );
    expect(answer.status).toBe(400);
    expect(answer.json().type).toBe('build_failed');
    expect(answer.body.toString()).not.toContain(HOST_SECRET);
  });

  it('refuses to upload an artifact that is a symlink to a host file', async () => {
    const destination = join(hostDir, 'artifacts');
    const answer = await build('artifact-link', `ln -sf ${hostFile} /mnt/code/code.tar.gz`, {
      destination,
    });
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({
      type: 'build_failed',
      message: 'Build failed: code.tar.gz is not a regular file.',
    });
    expect(existsSync(destination) ? readdirSync(destination) : []).toEqual([]);
  });

  it('fails an artifact that is a FIFO at once', async () => {
    const started = Date.now();
    const answer = await build('artifact-fifo', 'mkfifo /mnt/code/code.tar.gz', {
      destination: join(hostDir, 'artifacts'),
    });
    expect(answer.status).toBe(400);
    expect(answer.json().type).toBe('build_failed');
    expect(Date.now() - started).toBeLessThan(30_000);
    await expectReady();
  });

  it.each([
    ['a symlink to a host file', 'link'],
    ['a FIFO', 'fifo'],
  ])('fails an execution whose log file is %s', async (_label, kind) => {
    const runtimeId = `exec-log-${kind}`;
    const created = await executorCall(sut.baseUrl, 'POST', '/v1/runtimes', {
      json: {
        runtimeId,
        image: IMAGE,
        source: archive,
        entrypoint: 'index.js',
        variables: { PLANT: kind, TARGET: hostFile },
        runtimeEntrypoint:
          'mkdir -p /opt/fn && tar -xzf /tmp/code.tar.gz -C /opt/fn && node /opt/fn/hostile-logs.js',
      },
    });
    expect(created.status).toBe(201);
    const answer = await executorCall(sut.baseUrl, 'POST', `/v1/runtimes/${runtimeId}/executions`, {
      json: { timeout: 20 },
    });
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({ type: 'runtime_failed' });
    expect(answer.body.toString()).not.toContain(HOST_SECRET);
    expect(readFileSync(hostFile, 'utf8')).toBe(HOST_SECRET);
    await expectReady();
    expect((await executorCall(sut.baseUrl, 'DELETE', `/v1/runtimes/${runtimeId}`)).status).toBe(
      200,
    );
  });

  it('never writes the source of a new runtime through a symlink an old one left', async () => {
    const hijack = join(hostDir, 'overwrite-me.txt');
    writeFileSync(hijack, 'untouched');
    const create = (runtimeEntrypoint: string) =>
      executorCall(sut.baseUrl, 'POST', '/v1/runtimes', {
        json: {
          runtimeId: 'reused-id',
          image: IMAGE,
          source: archive,
          entrypoint: 'index.js',
          runtimeEntrypoint,
        },
      });
    expect(
      (await create(`rm -f /tmp/code.tar.gz && ln -s ${hijack} /tmp/code.tar.gz && sleep 600`))
        .status,
    ).toBe(201);
    // Wait until the symlink is in place before the runtime goes away.
    const folder = join(sut.tmpDir, `${sut.hostname}-reused-id`, 'src');
    for (let tries = 0; tries < 100; tries++) {
      try {
        if (readdirSync(folder).includes('code.tar.gz') && isLink(join(folder, 'code.tar.gz')))
          break;
      } catch {
        // not there yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(isLink(join(folder, 'code.tar.gz'))).toBe(true);
    expect((await executorCall(sut.baseUrl, 'DELETE', '/v1/runtimes/reused-id')).status).toBe(200);

    expect((await create('sleep 600')).status).toBe(201);
    expect(readFileSync(hijack, 'utf8')).toBe('untouched');
    expect((await executorCall(sut.baseUrl, 'DELETE', '/v1/runtimes/reused-id')).status).toBe(200);
  });
});

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * A runtime server that, on every request, plants its execution log as a symlink to `TARGET`
 * or as a FIFO, then names it in `x-open-runtimes-log-id`.
 */
const HOSTILE_LOG_SERVER = `
const http = require('node:http');
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const file = '/mnt/logs/planted_logs.log';
    fs.rmSync(file, { force: true });
    if (process.env.PLANT === 'fifo') execFileSync('mkfifo', [file]);
    else fs.symlinkSync(process.env.TARGET, file);
    res.writeHead(200, { 'x-open-runtimes-log-id': 'planted', 'content-type': 'text/plain' });
    res.end('done');
  });
}).listen(3000);
`;
