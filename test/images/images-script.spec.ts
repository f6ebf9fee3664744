import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { IMAGES, dockerOk, requireImages } from './support/images-harness';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'images.sh');
const ALL = [IMAGES.base, ...Object.values(IMAGES.sandbox), IMAGES.nodeV5, IMAGES.nodeV2];

function images(...args: string[]) {
  const r = spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8', timeout: 20 * 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('scripts/images.sh', () => {
  beforeAll(() => requireImages(IMAGES.base));

  it(
    'is idempotent: a second run finds every image up to date by its inputs hash',
    () => {
      const first = images();
      expect(first.code).toBe(0);

      const second = images();
      expect(second.code).toBe(0);
      for (const ref of ALL) {
        expect(second.stdout).toMatch(new RegExp(`${ref.replace(/[/.:]/g, '\\$&')}\\s+up to date`));
      }
      expect(second.stdout).toContain('images: 0 built');
    },
    25 * 60_000,
  );

  it('labels every image as managed, with the hash of its inputs', async () => {
    for (const ref of ALL) {
      const labels = JSON.parse(
        await dockerOk(['image', 'inspect', '--format', '{{json .Config.Labels}}', ref]),
      );
      expect(labels['runcell.managed']).toBe('true');
      expect(labels['runcell.inputs-hash']).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('builds only the images it is given (and their base)', () => {
    const r = images('sandbox-bash');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^base\s+runcell\/base:bookworm\s+up to date$/),
      expect.stringMatching(/^sandbox-bash\s+runcell\/sandbox-bash:1\s+up to date$/),
      expect.stringMatching(/^images: 0 built, total /),
    ]);
  });

  it('refuses an unknown image name', () => {
    const r = images('no-such-image');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown image 'no-such-image'");
  });

  it('says clearly when Docker is not reachable', () => {
    const r = spawnSync('bash', [SCRIPT], {
      encoding: 'utf8',
      env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Docker is not reachable');
  });
});
