import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Runs `body` in a fresh Node process (Jest keeps a module registry of its own). */
function inNode(body: string[]): Record<string, unknown> {
  const script = [
    `require(${JSON.stringify(join(__dirname, 'lazy-docker-extras'))});`,
    `const loaded = (name) => Object.keys(require.cache).some((file) => file.includes('/node_modules/' + name + '/'));`,
    ...body,
  ].join('\n');
  const output = execFileSync(process.execPath, ['-r', 'ts-node/register', '-e', script], {
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
    encoding: 'utf8',
  });
  return JSON.parse(output) as Record<string, unknown>;
}

describe('lazy dockerode extras', () => {
  it('keeps gRPC and ssh2 out of a process that loads dockerode', () => {
    const result = inNode([
      `const Docker = require('dockerode');`,
      `new Docker({ socketPath: '/var/run/docker.sock' });`,
      `console.log(JSON.stringify({ dockerode: loaded('dockerode'), grpc: loaded('@grpc/grpc-js'), ssh2: loaded('ssh2') }));`,
    ]);
    expect(result).toEqual({ dockerode: true, grpc: false, ssh2: false });
  });

  it('loads the real module on first use, so an SSH Docker host still gets its agent', () => {
    const result = inNode([
      `require('dockerode');`,
      `const sshAgent = require('docker-modem/lib/ssh');`,
      `const agent = sshAgent({ host: '127.0.0.1', port: 1, username: 'nobody' });`,
      `console.log(JSON.stringify({ agent: agent instanceof require('node:http').Agent, connects: typeof agent.createConnection, ssh2: loaded('ssh2') }));`,
    ]);
    expect(result).toEqual({ agent: true, connects: 'function', ssh2: true });
  });

  it('gives BuildKit sessions the real implementation when first called', () => {
    const result = inNode([
      `require('dockerode');`,
      `const withSession = require('dockerode/lib/session');`,
      `const before = loaded('@grpc/grpc-js');`,
      `try { withSession(null, undefined, () => undefined); } catch {}`,
      `console.log(JSON.stringify({ before, after: loaded('@grpc/grpc-js') }));`,
    ]);
    expect(result).toEqual({ before: false, after: true });
  });
});
