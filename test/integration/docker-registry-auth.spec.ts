import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DockerContainerEngine } from '../../src/container-engine/docker/docker-container-engine';

const LOGIN = { username: 'hub-user', password: 'hub-password-not-for-others' };

/**
 * A registry of our own on loopback (Docker trusts 127.0.0.0/8 over plain HTTP) that asks for a
 * login and records what the real Docker daemon sends it.
 */
async function startRegistry(): Promise<{ server: Server; port: number; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    seen.push(request.headers.authorization ?? '');
    response.writeHead(401, {
      'www-authenticate': 'Basic realm="test"',
      'docker-distribution-api-version': 'registry/2.0',
      'content-type': 'application/json',
    });
    response.end('{"errors":[{"code":"UNAUTHORIZED","message":"login"}]}');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

describe('registry credentials (real Docker daemon)', () => {
  it('never sends the Docker Hub login to another registry', async () => {
    const registry = await startRegistry();
    try {
      const sut = new DockerContainerEngine({
        host: 'unix:///var/run/docker.sock',
        registryAuth: LOGIN,
      });
      const image = `127.0.0.1:${registry.port}/runcell-test/absent:1`;
      await expect(sut.ensureImage(image, { pull: true })).rejects.toThrow(/failed to pull/);

      expect(registry.seen.length).toBeGreaterThan(0);
      const sent = registry.seen
        .filter(Boolean)
        .map((header) => Buffer.from(header.replace(/^Basic /, ''), 'base64').toString());
      expect(sent.join('\n')).not.toContain(LOGIN.username);
      expect(sent.join('\n')).not.toContain(LOGIN.password);
    } finally {
      registry.server.close();
    }
  });
});
