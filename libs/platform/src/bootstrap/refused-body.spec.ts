import { request as httpRequest, Agent, type IncomingMessage } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { configureRefusedBodies, keepConnectionAfterRefusedBody } from './refused-body';

/** POSTs a chunked body in two writes; the server refuses it after the first. */
function postChunked(port: number, agent: Agent): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { port, method: 'POST', path: '/things', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res));
      },
    );
    req.on('error', reject);
    req.write(`{"name":"${'x'.repeat(200)}`);
    setTimeout(() => req.end(`${'y'.repeat(200)}"}`), 50);
  });
}

describe('keepConnectionAfterRefusedBody', () => {
  let app: FastifyInstance;
  let port: number;
  let draining = false;
  let refused = 0;

  beforeAll(async () => {
    app = Fastify({ bodyLimit: 64 });
    keepConnectionAfterRefusedBody(app);
    configureRefusedBodies(app, { draining: () => draining, onRefused: () => (refused += 1) });
    app.post('/things', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  });

  afterAll(() => app.close());

  it('answers 413 to a chunked body over the limit and keeps the connection open', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const res = await postChunked(port, agent);
      expect(res.statusCode).toBe(413);
      expect(res.headers.connection).not.toBe('close');
      expect(refused).toBe(1);
      const again = await postChunked(port, agent);
      expect(again.statusCode).toBe(413);
      expect(refused).toBe(2);
    } finally {
      agent.destroy();
    }
  });

  it('keeps `connection: close` while the app drains for shutdown', async () => {
    draining = true;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const res = await postChunked(port, agent);
      expect(res.statusCode).toBe(413);
      expect(res.headers.connection).toBe('close');
    } finally {
      draining = false;
      agent.destroy();
    }
  });
});
