import { AddressInfo, createServer, Server } from 'node:net';
import { SANDBOX_PATHS } from './sandbox-harness';
import { hostileSandboxSuite } from './sandbox-hostile-suite';

/**
 * Hostile programs against the real runner, images and Docker Engine, escape side: files outside
 * the sandbox, the kernel's dangerous calls, privileges, the network. Each must fail inside the
 * sandbox and leave no container behind. Resource exhaustion is in sandbox-hostile.spec.ts.
 */
describe.each(SANDBOX_PATHS)(
  'Sandbox runner against hostile code (real Docker, %s)',
  (_path, poolEnv) => {
    const harness = hostileSandboxSuite(poolEnv);
    const { run } = harness;

    it('cannot write outside /tmp and /sandbox, nor execute what it writes', async () => {
      const result = await run({
        language: 'bash',
        script: [
          'for target in /x /etc/passwd /etc/hosts /etc/resolv.conf /usr/local/bin/x /home/sandbox/x /var/tmp/x /proc/sys/kernel/hostname /proc/sysrq-trigger; do',
          '  if (echo pwned > "$target") 2>/dev/null; then echo "WROTE $target"; else echo "denied $target"; fi',
          'done',
          'echo ok > /tmp/t && echo ok > /sandbox/s && echo "tmp and sandbox writable"',
          'cp /bin/true /tmp/true && chmod +x /tmp/true',
          '/tmp/true 2>/dev/null && echo "EXECUTED /tmp" || echo "noexec /tmp"',
          'cp /bin/true /sandbox/true && chmod +x /sandbox/true',
          '/sandbox/true 2>/dev/null && echo "EXECUTED /sandbox" || echo "noexec /sandbox"',
        ].join('\n'),
      });
      expect(result.status).toBe('completed');
      expect(result.stdout).not.toMatch(/WROTE|EXECUTED/);
      expect(result.stdout.match(/^denied /gm)).toHaveLength(9);
      expect(result.stdout).toContain('tmp and sandbox writable');
      expect(result.stdout).toContain('noexec /tmp\nnoexec /sandbox\n');
    });

    it('cannot read /etc/shadow or /proc/kcore nor reach Docker, and /proc/1/environ is its own, without host variables', async () => {
      const result = await run({
        language: 'bash',
        env: { VISIBLE: 'yes' },
        script: [
          'cat /etc/shadow >/dev/null 2>&1 && echo "READ shadow" || echo "shadow denied"',
          'head -c 1 /proc/kcore >/dev/null 2>&1 && echo "READ kcore" || echo "kcore denied"',
          'test -e /var/run/docker.sock && echo "DOCKER SOCKET" || echo "no docker socket"',
          'tr "\\0" "\\n" < /proc/1/environ',
        ].join('\n'),
      });
      expect(result.status).toBe('completed');
      expect(result.stdout).toContain('shadow denied');
      expect(result.stdout).toContain('kcore denied');
      expect(result.stdout).toContain('no docker socket');
      expect(result.stdout).toContain('VISIBLE=yes');
      expect(result.stdout).toContain('HOSTNAME=sandbox');
      for (const hostVariable of [
        'DATABASE_URL',
        'REDIS_URL',
        'RUNCELL_INSTANCE_ID',
        'JEST_WORKER_ID',
      ]) {
        expect(result.stdout).not.toContain(hostVariable);
      }
    });

    describe('network', () => {
      let listener: Server;
      let gateway: string;
      let connections = 0;

      beforeAll(async () => {
        const bridge = await harness.docker.inspectNetwork('bridge');
        if (!bridge?.gateway) throw new Error('The Docker bridge network has no gateway address');
        gateway = bridge.gateway;
        listener = createServer((socket) => {
          connections += 1;
          socket.destroy();
        });
        await new Promise<void>((resolve, reject) => {
          listener.once('error', reject);
          listener.listen(0, gateway, resolve);
        });
      });

      afterAll(() => new Promise<void>((resolve) => listener.close(() => resolve())));

      it('has only loopback, no DNS, and reaches neither the host nor its services', async () => {
        const port = (listener.address() as AddressInfo).port;
        const result = await run({
          language: 'python',
          script: [
            'import os, socket',
            'print("interfaces", sorted(os.listdir("/sys/class/net")))',
            'try:',
            '    socket.getaddrinfo("example.com", 80)',
            '    print("DNS resolved")',
            'except OSError as error:',
            '    print("DNS failed", type(error).__name__)',
            `for host, port in [("${gateway}", ${port}), ("${gateway}", 6379), ("${gateway}", 5432), ("127.0.0.1", 6379), ("127.0.0.1", 5432)]:`,
            '    try:',
            '        socket.create_connection((host, port), timeout=2).close()',
            '        print("CONNECTED", host, port)',
            '    except OSError as error:',
            '        print("refused", host, port, type(error).__name__)',
          ].join('\n'),
        });
        expect(result.status).toBe('completed');
        expect(result.stdout).toContain("interfaces ['lo']");
        expect(result.stdout).toContain('DNS failed');
        expect(result.stdout).not.toContain('CONNECTED');
        expect(result.stdout.match(/^refused /gm)).toHaveLength(5);
        expect(connections).toBe(0);
      });
    });

    it('is denied mount, ptrace, unshare, keyctl, bpf, io_uring, new namespaces and raw sockets', async () => {
      const result = await run({
        language: 'python',
        script: [
          'import ctypes, errno, platform, socket',
          'libc = ctypes.CDLL(None, use_errno=True)',
          '# Syscall numbers: x86_64 first, aarch64 second (io_uring_setup is 425 on both).',
          'arm = platform.machine() == "aarch64"',
          'number = lambda x86, arm64: arm64 if arm else x86',
          'def report(name, value):',
          '    print(name, "ALLOWED" if value >= 0 else errno.errorcode[ctypes.get_errno()])',
          'report("mount", libc.mount(b"none", b"/tmp", b"tmpfs", 0, None))',
          'report("umount2", libc.umount2(b"/tmp", 0))',
          'report("ptrace", libc.ptrace(16, 1, 0, 0))',
          'report("unshare", libc.unshare(0x10000000))',
          'report("setns", libc.setns(0, 0))',
          'report("chroot", libc.chroot(b"/tmp"))',
          'report("keyctl", libc.syscall(number(250, 219), 0, 0, 0, 0))',
          'report("add_key", libc.syscall(number(248, 217), b"user", b"k", b"v", 1, 0))',
          'report("bpf", libc.syscall(number(321, 280), 0, 0, 0))',
          'report("perf_event_open", libc.syscall(number(298, 241), 0, 0, -1, -1, 0))',
          'report("userfaultfd", libc.syscall(number(323, 282), 0))',
          'report("io_uring_setup", libc.syscall(425, 1, 0))',
          'report("clone_newuser", libc.syscall(number(56, 220), 0x10000000 | 17, 0, 0, 0, 0))',
          'for name, family, kind, protocol in [("raw", socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP), ("packet", 17, socket.SOCK_RAW, 0), ("netlink", 16, socket.SOCK_RAW, 0)]:',
          '    try:',
          '        socket.socket(family, kind, protocol).close()',
          '        print(name, "ALLOWED")',
          '    except OSError as error:',
          '        print(name, errno.errorcode[error.errno])',
          'socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()',
          'socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).close()',
          'print("tcp and unix sockets can be created")',
        ].join('\n'),
      });
      expect(result).toMatchObject({ status: 'completed', stderr: '' });
      expect(result.stdout).not.toContain('ALLOWED');
      expect(result.stdout.match(/ EPERM$/gm)).toHaveLength(16);
      expect(result.stdout).toContain('tcp and unix sockets can be created');
    });

    it('is denied the new mount API, io_uring, pidfd_getfd and kcmp', async () => {
      const result = await run({
        language: 'python',
        script: [
          'import ctypes, errno, platform',
          'libc = ctypes.CDLL(None, use_errno=True)',
          '# Numbers from 424 up are shared by x86_64 and aarch64; kcmp differs.',
          'arm = platform.machine() == "aarch64"',
          'def report(name, value):',
          '    print(name, "ALLOWED" if value >= 0 else errno.errorcode[ctypes.get_errno()])',
          'report("open_tree", libc.syscall(428, -100, b"/", 1))',
          'report("move_mount", libc.syscall(429, -1, b"", -100, b"/tmp", 4))',
          'report("fsopen", libc.syscall(430, b"tmpfs", 0))',
          'report("fsconfig", libc.syscall(431, 3, 6, 0, 0, 0))',
          'report("fsmount", libc.syscall(432, 3, 0, 0))',
          'report("fspick", libc.syscall(433, -100, b"/", 0))',
          'report("mount_setattr", libc.syscall(442, -100, b"/", 0, 0, 0))',
          'report("io_uring_setup", libc.syscall(425, 1, 0))',
          'report("io_uring_enter", libc.syscall(426, 3, 1, 0, 0, 0, 0))',
          'report("io_uring_register", libc.syscall(427, 3, 0, 0, 0))',
          'report("pidfd_getfd", libc.syscall(438, 3, 0, 0))',
          'report("kcmp", libc.syscall(272 if arm else 312, 1, 1, 0, 0, 0))',
        ].join('\n'),
      });
      expect(result).toMatchObject({ status: 'completed', stderr: '' });
      expect(result.stdout).not.toContain('ALLOWED');
      expect(result.stdout.match(/ EPERM$/gm)).toHaveLength(12);
    });

    it('cannot run a program from memory around the noexec mounts (memfd_create, execveat)', async () => {
      const result = await run({
        language: 'python',
        script: [
          'import ctypes, errno, os, platform',
          'libc = ctypes.CDLL(None, use_errno=True)',
          'arm = platform.machine() == "aarch64"',
          'def report(name, value):',
          '    print(name, "ALLOWED" if value >= 0 else errno.errorcode[ctypes.get_errno()])',
          'report("memfd_create", libc.syscall(279 if arm else 319, b"x", 0))',
          'fd = os.open("/bin/true", os.O_RDONLY)',
          '# execveat of an executable the image holds: refused whatever the file descriptor.',
          'report("execveat", libc.syscall(281 if arm else 322, fd, b"", None, None, 0x1000))',
          'try:',
          '    os.memfd_create("payload")',
          '    print("memfd ALLOWED")',
          'except OSError as error:',
          '    print("memfd", errno.errorcode[error.errno])',
          'with open("/tmp/payload", "wb") as out, open("/bin/true", "rb") as src:',
          '    out.write(src.read())',
          'os.chmod("/tmp/payload", 0o755)',
          'try:',
          '    os.execv("/tmp/payload", ["payload"])',
          'except OSError as error:',
          '    print("tmp exec", errno.errorcode[error.errno])',
        ].join('\n'),
      });
      expect(result).toMatchObject({ status: 'completed', stderr: '' });
      expect(result.stdout).not.toContain('ALLOWED');
      expect(result.stdout).toContain('memfd_create EPERM');
      expect(result.stdout).toContain('execveat EPERM');
      expect(result.stdout).toContain('memfd EPERM');
      expect(result.stdout).toContain('tmp exec EACCES');
    });

    it('has no setuid binaries, no capabilities, and cannot become root', async () => {
      const result = await run({
        language: 'python',
        script: [
          'import os, subprocess',
          'found = subprocess.run("find / -xdev -perm /6000 -type f 2>/dev/null", shell=True, capture_output=True, text=True).stdout',
          'print("setuid files:", found.split())',
          'print([line.strip() for line in open("/proc/self/status") if line.startswith(("CapEff", "CapPrm", "CapBnd", "NoNewPrivs", "Seccomp:"))])',
          'for attempt in (lambda: os.setuid(0), lambda: os.setgid(0), lambda: os.seteuid(0)):',
          '    try:',
          '        attempt()',
          '        print("ELEVATED")',
          '    except PermissionError:',
          '        print("denied")',
          'print("uid", os.getuid(), os.geteuid(), os.getgid())',
        ].join('\n'),
      });
      expect(result.status).toBe('completed');
      expect(result.stdout).toContain('setuid files: []');
      expect(result.stdout).toContain("'CapEff:\\t0000000000000000'");
      expect(result.stdout).toContain("'CapBnd:\\t0000000000000000'");
      expect(result.stdout).toContain("'NoNewPrivs:\\t1'");
      expect(result.stdout).toContain("'Seccomp:\\t2'");
      expect(result.stdout.match(/^denied$/gm)).toHaveLength(3);
      expect(result.stdout).toContain('uid 10001 10001 10001');
    });

    it('plants symlinks to host files, and the runner never follows them', async () => {
      const result = await run({
        language: 'bash',
        script: [
          'ln -s /etc/passwd /sandbox/out',
          'ln -s /etc/shadow /sandbox/stdout',
          'ln -s /etc/passwd /tmp/result',
          'echo planted',
        ].join('\n'),
      });
      expect(result).toMatchObject({ status: 'completed', stdout: 'planted\n', stderr: '' });
      expect(result.stdout).not.toContain('root:');
    });
  },
);
