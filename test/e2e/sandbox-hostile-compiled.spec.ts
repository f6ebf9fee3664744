import { AddressInfo, createServer, Server } from 'node:net';
import { sandboxHarness } from './sandbox-harness';

/**
 * Hostile programs in compiled languages (C and Go): native code with raw syscalls, run from the
 * one exec-able mount (/build) that only compiled languages get. The hardening must hold exactly
 * as for interpreted languages (sandbox-hostile.spec.ts).
 */
const C_PROBES = (gateway: string, port: number) => `
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static void report(const char *what, int ok) { printf("%s %s (%s)\\n", what, ok ? "ALLOWED" : "denied", ok ? "-" : strerror(errno)); }

static int try_connect(const char *host, int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port) };
  inet_pton(AF_INET, host, &addr.sin_addr);
  int ok = connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0;
  close(fd);
  return ok;
}

static int write_file(const char *path, const char *content, mode_t mode) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (fd < 0) return 0;
  int ok = write(fd, content, strlen(content)) == (ssize_t)strlen(content);
  close(fd);
  return ok;
}

static int run(const char *path) {
  char command[256];
  snprintf(command, sizeof command, "%s 2>/dev/null", path);
  return system(command) == 0;
}

int main(void) {
  DIR *net = opendir("/sys/class/net");
  struct dirent *entry;
  printf("interfaces");
  while (net && (entry = readdir(net))) if (entry->d_name[0] != '.') printf(" %s", entry->d_name);
  printf("\\n");
  report("connect gateway listener", try_connect("${gateway}", ${port}));
  report("connect gateway redis", try_connect("${gateway}", 6379));
  report("connect loopback postgres", try_connect("127.0.0.1", 5432));
  report("raw socket", socket(AF_INET, SOCK_RAW, 1) >= 0);

  report("write /etc", write_file("/etc/planted", "x", 0644));
  report("write /usr/local/bin", write_file("/usr/local/bin/planted", "x", 0755));
  report("read /etc/shadow", open("/etc/shadow", O_RDONLY) >= 0);
  report("exec from /tmp", write_file("/tmp/t.sh", "#!/bin/sh\\nexit 0\\n", 0755) && run("/tmp/t.sh"));
  report("exec from /sandbox", write_file("/sandbox/t.sh", "#!/bin/sh\\nexit 0\\n", 0755) && run("/sandbox/t.sh"));
  report("mknod in /build", mknod("/build/null", S_IFCHR | 0666, makedev(1, 3)) == 0);

  report("setuid 0", setuid(0) == 0);
  report("setgid 0", setgid(0) == 0);
  report("mount tmpfs", mount("none", "/sandbox", "tmpfs", 0, "") == 0);
  report("unshare user namespace", unshare(CLONE_NEWUSER) == 0);
  report("chroot", chroot("/tmp") == 0);
  printf("uid %d euid %d\\n", getuid(), geteuid());
  FILE *status = fopen("/proc/self/status", "r");
  char line[256];
  while (status && fgets(line, sizeof line, status))
    if (!strncmp(line, "CapEff:", 7) || !strncmp(line, "CapPrm:", 7) || !strncmp(line, "NoNewPrivs:", 11)) fputs(line, stdout);
  return 0;
}
`;

const GO_PROBES = (gateway: string, port: number) => `package main

import (
\t"fmt"
\t"net"
\t"os"
\t"os/exec"
\t"strings"
\t"syscall"
\t"time"
)

func report(what string, err error) {
\tif err == nil {
\t\tfmt.Println(what, "ALLOWED")
\t} else {
\t\tfmt.Println(what, "denied", err)
\t}
}

func dial(address string) error {
\tconn, err := net.DialTimeout("tcp", address, 2*time.Second)
\tif err == nil {
\t\tconn.Close()
\t}
\treturn err
}

func runScript(path string) error {
\tif err := os.WriteFile(path, []byte("#!/bin/sh\\nexit 0\\n"), 0o755); err != nil {
\t\treturn err
\t}
\treturn exec.Command(path).Run()
}

func main() {
\t_, err := net.LookupHost("example.com")
\treport("dns", err)
\treport("connect gateway listener", dial("${gateway}:${port}"))
\treport("connect gateway postgres", dial("${gateway}:5432"))
\treport("connect loopback redis", dial("127.0.0.1:6379"))

\treport("write /etc", os.WriteFile("/etc/planted", []byte("x"), 0o644))
\t_, err = os.ReadFile("/etc/shadow")
\treport("read /etc/shadow", err)
\treport("exec from /tmp", runScript("/tmp/t.sh"))
\treport("exec from /sandbox", runScript("/sandbox/t.sh"))

\treport("setuid 0", syscall.Setuid(0))
\treport("mount tmpfs", syscall.Mount("none", "/sandbox", "tmpfs", 0, ""))
\treport("unshare user namespace", syscall.Unshare(syscall.CLONE_NEWUSER))
\t_, _, errno := syscall.Syscall(syscall.SYS_PTRACE, 16 /* PTRACE_ATTACH */, 1, 0)
\tif errno == 0 {
\t\treport("ptrace pid 1", nil)
\t} else {
\t\treport("ptrace pid 1", errno)
\t}
\tfmt.Println("uid", os.Getuid(), "euid", os.Geteuid())
\tstatus, _ := os.ReadFile("/proc/self/status")
\tfor _, line := range strings.Split(string(status), "\\n") {
\t\tif strings.HasPrefix(line, "CapEff:") || strings.HasPrefix(line, "CapPrm:") || strings.HasPrefix(line, "NoNewPrivs:") {
\t\t\tfmt.Println(line)
\t\t}
\t}
}
`;

describe('Sandbox runner against hostile compiled programs (real Docker, C and Go)', () => {
  const harness = sandboxHarness();
  const { run } = harness;
  let listener: Server;
  let gateway: string;
  let port: number;
  let connections = 0;
  jest.setTimeout(120_000);

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
    port = (listener.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => listener.close(() => resolve())));

  afterEach(async () => {
    expect(await harness.leftovers()).toEqual([]);
  });

  function expectContained(stdout: string, probes: string[]) {
    expect(stdout).not.toContain('ALLOWED');
    for (const probe of probes) expect(stdout).toMatch(new RegExp(`^${probe} denied`, 'm'));
    expect(stdout).toContain('uid 10001 euid 10001');
    expect(stdout).toMatch(/^CapPrm:\s+0+$/m);
    expect(stdout).toMatch(/^CapEff:\s+0+$/m);
    expect(stdout).toMatch(/^NoNewPrivs:\s+1$/m);
    expect(connections).toBe(0);
  }

  it('C: no network, no writes outside the tmpfs mounts, no exec from /tmp or /sandbox, no privileges', async () => {
    const result = await run({ language: 'c', script: C_PROBES(gateway, port), cpus: 1 });
    expect(result.compile?.status).toBe('completed');
    expect(result.status).toBe('completed');
    expect(result.stdout).toMatch(/^interfaces lo$/m);
    expectContained(result.stdout, [
      'connect gateway listener',
      'connect gateway redis',
      'connect loopback postgres',
      'raw socket',
      'write /etc',
      'write /usr/local/bin',
      'read /etc/shadow',
      'exec from /tmp',
      'exec from /sandbox',
      'mknod in /build',
      'setuid 0',
      'setgid 0',
      'mount tmpfs',
      'unshare user namespace',
      'chroot',
    ]);
  });

  it('Go: no network or DNS, no writes outside the tmpfs mounts, no exec from /tmp or /sandbox, no privileges', async () => {
    const result = await run({ language: 'go', script: GO_PROBES(gateway, port), cpus: 1 });
    expect(result.compile?.status).toBe('completed');
    expect(result.status).toBe('completed');
    expect(result.stdout).toMatch(/^connect gateway listener denied .*network is unreachable/m);
    expectContained(result.stdout, [
      'dns',
      'connect gateway listener',
      'connect gateway postgres',
      'connect loopback redis',
      'write /etc',
      'read /etc/shadow',
      'exec from /tmp',
      'exec from /sandbox',
      'setuid 0',
      'mount tmpfs',
      'unshare user namespace',
      'ptrace pid 1',
    ]);
  });

  it('a setuid bit set on a file in /build grants nothing (nosuid)', async () => {
    const result = await run({
      language: 'c',
      cpus: 1,
      script:
        '#include <stdio.h>\n#include <sys/stat.h>\n#include <unistd.h>\nint main(int argc, char **argv) {\n' +
        '  if (argc > 1) { printf("child euid %d\\n", geteuid()); return 0; }\n' +
        '  printf("chmod %d\\n", chmod("/build/main", 04755));\n' +
        '  execl("/build/main", "/build/main", "child", (char *)0);\n  return 1;\n}\n',
    });
    expect(result.status).toBe('completed');
    expect(result.stdout).toContain('child euid 10001');
  });

  it('cannot read host files at compile time, nor use cgo to run the C toolchain from Go', async () => {
    const include = await run({
      language: 'c',
      script: '#include "/etc/shadow"\nint main(void) { return 0; }\n',
    });
    expect(include.status).toBe('failed');
    expect(include.compile?.output).toMatch(/Permission denied/);

    const cgo = await run({
      language: 'go',
      cpus: 1,
      script:
        'package main\n\n// int f() { return 1; }\nimport "C"\n\nfunc main() { println(C.f()) }\n',
    });
    expect(cgo.status).toBe('failed');
    expect(cgo.compile?.status).toBe('failed');
  });

  it('a build output past the file-size limit fails the compile cleanly', async () => {
    const result = await run({
      language: 'c',
      cpus: 1,
      script:
        'static char big[96 << 20] = { 1 };\nint main(int argc, char **argv) { return big[argc * 4096]; }\n',
    });
    expect(result.status).toBe('failed');
    expect(result.exitCode).toBeNull();
    expect(result.compile?.status).toBe('failed');
    expect(result.compile?.output).toMatch(/File size limit exceeded|No space left/);
  });

  it('a compiler that runs past the compile timeout is killed and the program never runs', async () => {
    const slow = sandboxHarness({ COMPILE_TIMEOUT_SECONDS: '1', COMPILE_MEMORY_MB: '2048' });
    const started = Date.now();
    // gcc reads /dev/zero for ever.
    const result = await slow.run({
      language: 'c',
      script: '#include "/dev/zero"\nint main(void) { return 0; }\n',
      cpus: 0.5,
    });
    expect(result.status).toBe('failed');
    expect(result.exitCode).toBeNull();
    expect(result.compile?.status).toBe('timeout');
    expect(result.compile?.error).toMatch(/timed out after 1 s/);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await slow.leftovers()).toEqual([]);
  });

  it('a cancel during the compile stage kills the compiler at once', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const started = Date.now();
    const result = await run({
      language: 'c',
      script: '#include "/dev/zero"\nint main(void) { return 0; }\n',
      signal: controller.signal,
    });
    expect(result.status).toBe('cancelled');
    expect(result.compile?.status).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a compiler that runs out of its compile memory fails the compile, not the host', async () => {
    const small = sandboxHarness({ COMPILE_MEMORY_MB: '128' });
    const result = await small.run({
      language: 'c',
      script: '#include "/dev/zero"\nint main(void) { return 0; }\n',
      cpus: 1,
    });
    expect(result.status).toBe('failed');
    expect(result.compile?.status).toBe('failed');
    expect(result.compile?.error).toMatch(/ran out of memory \(128 MB\)/);
    expect(await small.leftovers()).toEqual([]);
  });
});
