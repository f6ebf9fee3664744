import Fastify from 'fastify';

/** The ceiling for the API: the same HTTP server Runcell uses, answering a constant JSON. */
async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  app.get('/', () => ({ hello: 'world' }));
  await app.listen({ host: '127.0.0.1', port: Number(process.env.BARE_PORT) });
}

void main();
