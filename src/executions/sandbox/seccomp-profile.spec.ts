import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defaultSeccompProfilePath,
  loadSeccompProfile,
  SeccompProfileError,
  SECCOMP_PROFILE_RELATIVE_PATH,
} from './seccomp-profile';

describe('seccomp profile loading', () => {
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'runcell-seccomp-'));
  });

  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  function writeProfile(profile: unknown): string {
    const path = join(folder, 'profile.json');
    writeFileSync(path, typeof profile === 'string' ? profile : JSON.stringify(profile));
    return path;
  }

  it('loads the project profile as compact JSON with a deny-by-default allowlist', () => {
    const sut = loadSeccompProfile();
    const profile = JSON.parse(sut.content);
    expect(sut.content).not.toContain('\n');
    expect(profile.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(profile.defaultErrnoRet).toBe(1);
    const allowed = profile.syscalls
      .filter((rule: { action: string; args?: unknown[] }) => rule.action === 'SCMP_ACT_ALLOW')
      .filter((rule: { args?: unknown[] }) => !rule.args?.length)
      .flatMap((rule: { names: string[] }) => rule.names);
    expect(allowed).toEqual(expect.arrayContaining(['read', 'write', 'execve', 'exit_group']));
    for (const name of [
      'mount',
      'ptrace',
      'unshare',
      'setns',
      'keyctl',
      'bpf',
      'clone',
      'socket',
    ]) {
      expect(allowed).not.toContain(name);
    }
    const archs = profile.archMap.flatMap(
      (entry: { architecture: string; subArchitectures: string[] }) => [
        entry.architecture,
        ...entry.subArchitectures,
      ],
    );
    expect(archs).toEqual(
      expect.arrayContaining([
        'SCMP_ARCH_X86_64',
        'SCMP_ARCH_X86',
        'SCMP_ARCH_X32',
        'SCMP_ARCH_AARCH64',
      ]),
    );
  });

  it('finds the profile from a folder deep below the project root, as from dist/', () => {
    mkdirSync(join(folder, 'docker', 'seccomp'), { recursive: true });
    writeFileSync(join(folder, 'package.json'), '{}');
    writeFileSync(join(folder, SECCOMP_PROFILE_RELATIVE_PATH), '{}');
    const deep = join(folder, 'dist', 'src', 'executions', 'sandbox');
    mkdirSync(deep, { recursive: true });
    expect(defaultSeccompProfilePath(deep)).toBe(join(folder, SECCOMP_PROFILE_RELATIVE_PATH));
  });

  it('fails when no project root holds the profile', () => {
    expect(() => defaultSeccompProfilePath(folder)).toThrow(SeccompProfileError);
  });

  it('refuses a missing file and invalid JSON', () => {
    expect(() => loadSeccompProfile(join(folder, 'absent.json'))).toThrow(SeccompProfileError);
    expect(() => loadSeccompProfile(writeProfile('{"defaultAction":'))).toThrow(
      SeccompProfileError,
    );
  });

  it.each([
    ['allows by default', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [] }],
    [
      'allows ptrace',
      {
        defaultAction: 'SCMP_ACT_ERRNO',
        syscalls: [{ names: ['ptrace'], action: 'SCMP_ACT_ALLOW' }],
      },
    ],
    [
      'allows clone without an argument filter',
      {
        defaultAction: 'SCMP_ACT_ERRNO',
        syscalls: [{ names: ['clone'], action: 'SCMP_ACT_ALLOW' }],
      },
    ],
    ['has no syscall list', { defaultAction: 'SCMP_ACT_ERRNO' }],
    [
      'allows ptrace through the legacy "name" key',
      { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ name: 'ptrace', action: 'SCMP_ACT_ALLOW' }] },
    ],
    [
      'allows clone with a filter that lets namespace flags through',
      {
        defaultAction: 'SCMP_ACT_ERRNO',
        syscalls: [
          {
            names: ['clone'],
            action: 'SCMP_ACT_ALLOW',
            args: [{ index: 0, value: 0x10000000, op: 'SCMP_CMP_NE' }],
          },
        ],
      },
    ],
    [
      'allows clone with a mask missing CLONE_NEWUSER',
      {
        defaultAction: 'SCMP_ACT_ERRNO',
        syscalls: [
          {
            names: ['clone'],
            action: 'SCMP_ACT_ALLOW',
            args: [{ index: 0, value: 0x6e020000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }],
          },
        ],
      },
    ],
    ...[
      'fsopen',
      'fsconfig',
      'fsmount',
      'move_mount',
      'open_tree',
      'fspick',
      'mount_setattr',
      'io_uring_setup',
      'io_uring_enter',
      'io_uring_register',
      'pidfd_getfd',
      'kcmp',
      'memfd_create',
      'execveat',
      'clone3',
    ].map((name): [string, unknown] => [
      `allows ${name}`,
      { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: [name], action: 'SCMP_ACT_ALLOW' }] },
    ]),
  ])('refuses a profile that %s', (_name, profile) => {
    expect(() => loadSeccompProfile(writeProfile(profile))).toThrow(SeccompProfileError);
  });
});
