import { IMAGES, Scratch, docker, dockerOk, requireImages } from './support/images-harness';

type Language = keyof typeof IMAGES.sandbox;

/** The hardened flags the task runner uses, minus seccomp (owned elsewhere). */
const HARDENED = [
  '--network',
  'none',
  '--read-only',
  '--tmpfs',
  '/sandbox',
  '--cap-drop',
  'ALL',
  '--security-opt',
  'no-new-privileges',
  '--pids-limit',
  '64',
  '--memory',
  '256m',
];

/** The framed stdin of run-task: "<byte length>\n", the program, then the program's stdin. */
function framed(program: string, stdin = ''): Buffer {
  const bytes = Buffer.from(program, 'utf8');
  return Buffer.concat([Buffer.from(`${bytes.length}\n`), bytes, Buffer.from(stdin, 'utf8')]);
}

const HELLO: Record<Language, string> = {
  python: [
    'import os, sys',
    'name = sys.stdin.read().strip()',
    'print(f"hello {name} uid={os.getuid()} gid={os.getgid()} cwd={os.getcwd()}")',
  ].join('\n'),
  javascript: [
    "const name = require('fs').readFileSync(0, 'utf8').trim();",
    'console.log(`hello ${name} uid=${process.getuid()} gid=${process.getgid()} cwd=${process.cwd()}`);',
  ].join('\n'),
  typescript: [
    "import { readFileSync } from 'fs';",
    "const name: string = readFileSync(0, 'utf8').trim();",
    'const uid: number = process.getuid!();',
    'console.log(`hello ${name} uid=${uid} gid=${process.getgid!()} cwd=${process.cwd()}`);',
  ].join('\n'),
  bash: ['read -r name', 'echo "hello $name uid=$(id -u) gid=$(id -g) cwd=$PWD"'].join('\n'),
};

const EXIT_3: Record<Language, string> = {
  python: 'import sys\nprint("oops", file=sys.stderr)\nsys.exit(3)',
  javascript: 'console.error("oops");\nprocess.exit(3);',
  typescript: 'const code: number = 3;\nconsole.error("oops");\nprocess.exit(code);',
  bash: 'echo oops >&2\nexit 3',
};

describe('sandbox images', () => {
  const scratch = new Scratch();
  const languages = Object.keys(IMAGES.sandbox) as Language[];

  beforeAll(() => requireImages(...Object.values(IMAGES.sandbox)));
  afterAll(() => scratch.cleanup());

  describe.each(languages)('%s', (language) => {
    const image = IMAGES.sandbox[language];

    it('runs a hello-world from framed stdin as uid 10001 with no network and a read-only root', async () => {
      const result = await scratch.run([...HARDENED, image], framed(HELLO[language], 'world\n'));
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe('hello world uid=10001 gid=10001 cwd=/sandbox\n');
      expect(result.code).toBe(0);
    });

    it("reports the program's exit code and stderr", async () => {
      const result = await scratch.run([...HARDENED, image], framed(EXIT_3[language]));
      expect(result.code).toBe(3);
      expect(result.stderr).toContain('oops');
    });

    it('is configured as the contract says: user, home, workdir, command, no setuid files', async () => {
      const config = JSON.parse(
        await dockerOk(['image', 'inspect', '--format', '{{json .Config}}', image]),
      );
      expect(config).toMatchObject({
        User: '10001:10001',
        WorkingDir: '/sandbox',
        Cmd: ['run-task'],
        Labels: { 'runcell.managed': 'true' },
      });
      expect(config.Env).toContain('HOME=/home/sandbox');

      const check = await scratch.run(
        ['--user', '0', '--network', 'none', '--entrypoint', 'bash', image],
        [
          'getent passwd sandbox',
          'find / -xdev -perm /6000 -type f | wc -l',
          'test -x /usr/local/bin/run-task && echo run-task',
        ].join('; '),
      );
      expect(check.stdout.split('\n')).toEqual([
        'sandbox:x:10001:10001::/home/sandbox:/bin/bash',
        '0',
        'run-task',
        '',
      ]);
    });
  });

  it('runs a program file given as $1, and /sandbox/main.<ext> when there is no argument', async () => {
    // An anonymous volume accepts archive uploads (docker cp) even with a read-only root.
    const name = `${scratch.prefix}-files`;
    const create = ['create', '--name', name, '--label', 'runcell.test=images', '-i'];
    const volume = ['--network', 'none', '--read-only', '-v', '/sandbox'];
    await dockerOk([...create, ...volume, IMAGES.sandbox.python]);
    try {
      const upload = await docker(
        ['cp', '-', `${name}:/sandbox`],
        tarOf('main.py', 'print("from main.py")\n'),
      );
      expect(upload.code).toBe(0);
      const started = await docker(['start', '-a', '-i', name], '');
      expect(started.stdout).toBe('from main.py\n');
      expect(started.code).toBe(0);
    } finally {
      await docker(['rm', '-f', '-v', name]);
    }

    const withArg = await scratch.run([
      ...HARDENED,
      IMAGES.sandbox.bash,
      'bash',
      '-c',
      'printf "echo from arg \\$1" > /sandbox/x.sh && run-task /sandbox/x.sh A1',
    ]);
    expect(withArg.stdout).toBe('from arg A1\n');
  });

  it('strips TypeScript types and falls back to an ES module for top-level await', async () => {
    const result = await scratch.run(
      [...HARDENED, IMAGES.sandbox.typescript],
      framed('const n: number = await Promise.resolve(42);\nconsole.log(`answer ${n}`);'),
    );
    expect(result.stdout).toBe('answer 42\n');
    expect(result.code).toBe(0);

    const broken = await scratch.run(
      [...HARDENED, IMAGES.sandbox.typescript],
      framed('const x: = ;'),
    );
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toContain('ERROR');
  });

  it('refuses a malformed frame with a clear message', async () => {
    const result = await scratch.run([...HARDENED, IMAGES.sandbox.python], 'print("no header")\n');
    expect(result.code).toBe(127);
    expect(result.stderr).toContain('run-task: bad program header');
  });
});

/** A one-file tar archive (ustar), as the Docker archive API takes it. */
function tarOf(name: string, content: string): Buffer {
  const data = Buffer.from(content, 'utf8');
  const header = Buffer.alloc(512, 0);
  header.write(name, 0, 'utf8');
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write(
    `${Math.floor(Date.now() / 1000)
      .toString(8)
      .padStart(11, '0')}\0`,
    136,
  );
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512, 0);
  return Buffer.concat([header, data, padding, Buffer.alloc(1024, 0)]);
}
