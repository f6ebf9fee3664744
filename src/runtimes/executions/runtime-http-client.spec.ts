import { once } from 'node:events';
import { Agent, createServer, Server } from 'node:http';
import type { Socket } from 'node:net';
import { RuntimeHttpRequest, sendRuntimeRequest } from './runtime-http-client';

describe('sendRuntimeRequest on a keep-alive connection', () => {
  let server: Server;
  let port: number;
  const serverSockets = new Set<Socket>();

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.end('ok'));
    });
    server.on('connection', (socket) => serverSockets.add(socket));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  function call(agent: Agent): RuntimeHttpRequest {
    return {
      address: '127.0.0.1',
      port,
      agent,
      maxResponseBytes: 1024,
      method: 'POST',
      path: '/',
      headers: { host: 'runtime:3000' },
      body: Buffer.from('{}'),
      timeoutMs: 5_000,
      connectTimeoutMs: 5_000,
    };
  }

  it('reuses one socket without piling a listener onto it per request', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const clientSockets = new Set<Socket>();
      agent.on('free', (socket: Socket) => clientSockets.add(socket));
      for (let index = 0; index < 25; index++) {
        const response = await sendRuntimeRequest(call(agent));
        expect(response.statusCode).toBe(200);
        expect(response.body.toString()).toBe('ok');
      }
      expect(clientSockets.size).toBe(1);
      const [socket] = [...clientSockets];
      expect(socket.listenerCount('connect')).toBeLessThanOrEqual(1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual(
        [],
      );
    } finally {
      process.off('warning', onWarning);
      agent.destroy();
    }
  });
});
