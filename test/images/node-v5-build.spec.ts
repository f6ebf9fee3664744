import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  IMAGES,
  Scratch,
  containerIp,
  execScript,
  request,
  requireImages,
  tarGz,
  waitForPort,
} from './support/images-harness';
import { START } from './support/node-v5';

describe('runcell/node:v5 build helper', () => {
  const scratch = new Scratch();
  const BUILD = 'tar -zxf /tmp/code.tar.gz -C /mnt/code && bash helpers/build.sh';

  async function buildContainer(
    files: Record<string, string | Buffer>,
    options: { cache?: string; env?: string[] } = {},
  ): Promise<{ id: string; builds: string }> {
    const src = scratch.dir({ 'code.tar.gz': await tarGz(scratch, files) });
    const builds = scratch.dir();
    const id = await scratch.start([
      '-e',
      'OPEN_RUNTIMES_ENTRYPOINT=index.js',
      ...(options.env ?? []).flatMap((e) => ['-e', e]),
      '-v',
      `${src}:/tmp`,
      '-v',
      `${builds}:/mnt/code`,
      ...(options.cache ? ['-v', `${options.cache}:/cache`] : []),
      IMAGES.nodeV5,
      'tail',
      '-f',
      '/dev/null',
    ]);
    return { id, builds };
  }

  beforeAll(() => requireImages(IMAGES.nodeV5));
  afterAll(() => scratch.cleanup());

  it('builds with "npm install" into a gzip code.tar.gz that a runtime then serves', async () => {
    const files = {
      'index.js': "module.exports = async ({ res }) => res.text('built ' + require('./lib'));",
      'lib.js': "module.exports = 'ok';",
      'package.json': JSON.stringify({ name: 'fn', version: '1.0.0', main: 'index.js' }),
    };
    const { id, builds } = await buildContainer(files);
    const result = await execScript(id, `${BUILD} "npm install"`);
    expect(result.stdout).toContain('Build finished.');
    expect(result.code).toBe(0);

    const artifact = readFileSync(join(builds, 'code.tar.gz'));
    expect(artifact.subarray(0, 2).toString('hex')).toBe('1f8b');
    const listing = execFileSync('tar', ['-tzf', join(builds, 'code.tar.gz')], {
      encoding: 'utf8',
    });
    expect(listing).toContain('./.open-runtimes');
    expect(listing).toContain('./index.js');
    expect(listing).toContain('./package-lock.json');

    const src = scratch.dir({ 'code.tar.gz': artifact });
    const runtime = await scratch.start([
      '-e',
      'OPEN_RUNTIMES_ENTRYPOINT=index.js',
      '-e',
      'OPEN_RUNTIMES_SECRET=',
      '-v',
      `${src}:/tmp`,
      IMAGES.nodeV5,
      'bash',
      '-c',
      START,
    ]);
    const ip = await containerIp(runtime);
    await waitForPort(ip, 3000);
    const res = await request(`http://${ip}:3000/`);
    expect(res.text).toBe('built ok');
  });

  it.each([
    ['none', 'plain tar', (a: Buffer) => a.subarray(257, 262).toString('latin1') === 'ustar'],
    ['zstd', 'zstd', (a: Buffer) => a.subarray(0, 4).toString('hex') === '28b52ffd'],
  ])(
    'honours OPEN_RUNTIMES_BUILD_COMPRESSION=%s (%s named code.tar.gz) and starts from it',
    async (compression, _kind, isFormat) => {
      const { id, builds } = await buildContainer(
        { 'index.js': `module.exports = async ({ res }) => res.text('${compression}');` },
        { env: [`OPEN_RUNTIMES_BUILD_COMPRESSION=${compression}`] },
      );
      const result = await execScript(id, `${BUILD} "echo ok"`);
      expect(result.code).toBe(0);
      const artifact = readFileSync(join(builds, 'code.tar.gz'));
      expect(isFormat(artifact)).toBe(true);

      const src = scratch.dir({ 'code.tar.gz': artifact });
      const runtime = await scratch.start([
        '-e',
        'OPEN_RUNTIMES_ENTRYPOINT=index.js',
        '-e',
        'OPEN_RUNTIMES_SECRET=',
        '-v',
        `${src}:/tmp`,
        IMAGES.nodeV5,
        'bash',
        '-c',
        START,
      ]);
      const ip = await containerIp(runtime);
      await waitForPort(ip, 3000);
      expect((await request(`http://${ip}:3000/`)).text).toBe(compression);
    },
  );

  it('fails with "No source code found" when /mnt/code is empty', async () => {
    const { id } = await buildContainer({ 'index.js': '' });
    const result = await execScript(id, 'bash helpers/build.sh "true"');
    expect(result.code).not.toBe(0);
    expect(result.stdout).toContain('No source code found');
  });

  it('fails when OPEN_RUNTIMES_OUTPUT_DIRECTORY is empty after the build', async () => {
    const { id } = await buildContainer(
      { 'index.js': '' },
      { env: ['OPEN_RUNTIMES_OUTPUT_DIRECTORY=dist'] },
    );
    const failed = await execScript(id, `${BUILD} "mkdir -p dist"`);
    expect(failed.code).not.toBe(0);
    expect(failed.stdout).toContain('No build output found');
  });

  it('restores and saves the build cache through /cache/stores.sqfs', async () => {
    const cache = scratch.dir();
    const first = await buildContainer({ 'index.js': '' }, { cache });
    const miss = await execScript(
      first.id,
      `${BUILD} 'mkdir -p \\$npm_config_cache && echo cached > \\$npm_config_cache/marker'`,
    );
    expect(miss.code).toBe(0);
    expect(miss.stdout).toContain('Build cache miss.');
    expect(miss.stdout).toContain('Build cache saved.');
    const artifact = readFileSync(join(cache, 'stores.sqfs'));
    expect(artifact.subarray(0, 4).toString('latin1')).toBe('hsqs');

    const second = await buildContainer({ 'index.js': '' }, { cache });
    const hit = await execScript(second.id, `${BUILD} 'cat \\$npm_config_cache/marker'`);
    expect(hit.code).toBe(0);
    expect(hit.stdout).toContain('Build cache hit.');
    expect(hit.stdout).toContain('cached');
  });

  it('reports a cache miss and a save when no /cache is mounted, as the published images do', async () => {
    const { id } = await buildContainer({ 'index.js': '' });
    const result = await execScript(id, `${BUILD} "echo ok"`);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Build cache miss.');
    expect(result.stdout).toContain('Build cache saved.');
  });

  it('exits non-zero with the command status when the build command fails', async () => {
    const { id } = await buildContainer({ 'index.js': '' });
    const result = await execScript(id, `${BUILD} "exit 7"`);
    expect(result.code).toBe(7);
  });
});
