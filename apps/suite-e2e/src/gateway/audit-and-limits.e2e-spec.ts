import { Agent, request, type ClientRequest, type IncomingMessage } from 'node:http';
import { Client } from 'pg';
import { waitFor } from '@crm/messaging';
import { newPerson } from '../support/contacts';
import { FakeUpstream } from './fake-upstream';
import { bearer, call, expectProblem, startGatewaySuite, type GatewaySuite } from './gateway-suite';

interface AuditItem {
  requestId: string;
  status: number | null;
  outcome: string;
  path: string;
}

interface RawAnswer {
  status: number;
  body: string;
  contentType?: string;
  /**
   * The client end's port: the same number on two answers means the same TCP connection. (Node's
   * `req.reusedSocket` is false for a request that waited in the agent's queue for a socket still
   * busy writing the refused body, although it then gets that very socket.)
   */
  connection: number;
}

/**
 * One request on a given agent, with a body of `size` bytes written whole (as a Node client does):
 * with its Content-Length, or chunked (no length, as a client streaming a body it has not measured).
 */
function send(
  base: string,
  agent: Agent,
  method: string,
  path: string,
  headers: Record<string, string>,
  size = 0,
  framing: 'length' | 'chunked' = 'length',
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(base);
    const req: ClientRequest = request(
      {
        hostname,
        port,
        path,
        method,
        agent,
        headers: {
          ...headers,
          ...(size ? { 'content-type': 'application/json' } : {}),
          ...(size && framing === 'length' ? { 'content-length': String(size) } : {}),
        },
      },
      (res: IncomingMessage) => {
        const connection = res.socket.localPort ?? 0;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body,
            contentType: res.headers['content-type'],
            connection,
          }),
        );
      },
    );
    req.once('error', reject);
    if (size && framing === 'chunked') void writeChunks(req, size);
    else if (size) req.end(Buffer.alloc(size, 0x20));
    else req.end();
  });
}

/** Writes `size` bytes in 64 KiB chunks, waiting when the socket is full, as a streaming client does. */
async function writeChunks(req: ClientRequest, size: number): Promise<void> {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  for (let sent = 0; sent < size && !req.destroyed; sent += chunk.length) {
    if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
  }
  req.end();
}

describe('the audit log cannot be dodged, over-limit bodies get a 413, shutdown drains', () => {
  let s: GatewaySuite;
  let admin: Record<string, string>;
  const echo = new FakeUpstream();

  beforeAll(async () => {
    await echo.start();
    s = await startGatewaySuite(['contacts'], {
      SERVICE_URLS: `echo=${echo.url},nowhere=http://127.0.0.1:9`,
      SHUTDOWN_DRAIN_MS: '4000',
    });
    admin = bearer(await s.userToken('ada', ['admin'], 'Ada'));
  });

  afterAll(async () => {
    await s?.teardown();
    await echo.stop();
  });

  const gw = () => s.gateway.baseUrl;
  const audited = (requestId: string, done: (i: AuditItem) => boolean) =>
    waitFor(
      () => call<{ items: AuditItem[] }>(gw(), 'GET', '/api/v1/admin/audit?limit=200', admin),
      (a) => a.body.items?.some((i) => i.requestId === requestId && done(i)),
      10_000,
    ).then((a) => a.body.items.find((i) => i.requestId === requestId));

  it('keeps on record a write whose client hung up before the answer, marked aborted', async () => {
    const before = echo.slowWrites;
    await expect(
      fetch(`${gw()}/api/v1/echo/slow-write`, {
        method: 'POST',
        headers: { ...admin, 'x-request-id': 'hung-up-1' },
        body: '{}',
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow();
    const entry = await audited('hung-up-1', (i) => i.outcome !== 'pending');
    expect(entry).toMatchObject({ path: '/api/v1/echo/slow-write', outcome: 'aborted', status: null });
    // The write itself may well have happened: that is why it has to be on record.
    await waitFor(
      async () => echo.slowWrites,
      (n) => n > before,
      5_000,
    );
  });

  it("answers a body over a service's own limit with 413 problem+json and keeps the keep-alive connection usable", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // 2 MiB: within the gateway's 10 MiB, over contacts' 1 MiB.
      const big = await send(gw(), agent, 'POST', '/api/v1/contacts', admin, 2 * 1024 * 1024);
      expect(big.status).toBe(413);
      expect(big.contentType).toContain('application/problem+json');
      const next = await send(gw(), agent, 'GET', '/api/v1/contacts?limit=1', admin);
      expect(next).toMatchObject({ status: 200, connection: big.connection });
    } finally {
      agent.destroy();
    }
  });

  it("answers a body over the gateway's limit with 413 to a Node client writing all of it (no EPIPE), on its own routes too", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const proxied = await send(gw(), agent, 'POST', '/api/v1/contacts', admin, 12 * 1024 * 1024);
      expect(proxied.status).toBe(413);
      expect(JSON.parse(proxied.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
      const own = await send(gw(), agent, 'POST', '/api/v1/admin/api-keys', admin, 3 * 1024 * 1024);
      expect(own.status).toBe(413);
      expect(own.contentType).toContain('application/problem+json');
      expect(own.connection).toBe(proxied.connection);
      const next = await send(
        gw(),
        agent,
        'POST',
        '/api/v1/contacts',
        { ...admin, 'content-type': 'application/json' },
        0,
      );
      expect(next.connection).toBe(own.connection);
      const created = await call(gw(), 'POST', '/api/v1/contacts', admin, newPerson(1, s.namespace));
      expect(created.status).toBe(201);
    } finally {
      agent.destroy();
    }
  });

  it("answers a chunked body (no Content-Length) over the limit of the gateway's own routes with 413 problem+json, the connection still usable", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // The gateway's own routes take 1 MiB, as every service's.
      const own = await send(gw(), agent, 'POST', '/api/v1/admin/api-keys', admin, 3 * 1024 * 1024, 'chunked');
      expect(own.status).toBe(413);
      expect(own.contentType).toContain('application/problem+json');
      expect(JSON.parse(own.body)).toMatchObject({
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        instance: '/api/v1/admin/api-keys',
      });
      const next = await send(gw(), agent, 'GET', '/api/v1/admin/api-keys?limit=1', admin);
      expect(next).toMatchObject({ status: 200, connection: own.connection });
      // A forwarded route's chunked body over the gateway's 10 MiB is refused the same way.
      const proxied = await send(gw(), agent, 'POST', '/api/v1/contacts', admin, 12 * 1024 * 1024, 'chunked');
      expect(proxied.status).toBe(413);
      expect(JSON.parse(proxied.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    } finally {
      agent.destroy();
    }
  });

  it('logs a failed forward with its path only: nothing of the query string (a search q, an email)', async () => {
    const path = '/api/v1/nowhere/people?q=Ada+Lovelace&email=ada%40lovelace.example';
    expectProblem(await call(gw(), 'GET', path, admin), 503, 'SERVICE_UNAVAILABLE');
    const logs = await waitFor(
      async () => s.gateway.logs,
      (l) => l.includes('/nowhere/people'),
      5_000,
    );
    const lines = logs.split('\n').filter((l) => l.includes('/nowhere/people'));
    expect(lines.join('\n')).toContain('failed (503)');
    expect(lines.join('\n')).not.toMatch(/lovelace|%40|\[email\]|q=/i);
  });

  it('on SIGTERM lets the write in flight finish and records it, then stops promptly despite idle keep-alive connections', async () => {
    const idle = new Agent({ keepAlive: true });
    try {
      expect((await send(gw(), idle, 'GET', '/api/v1/contacts?limit=1', admin)).status).toBe(200);
      const write = fetch(`${gw()}/api/v1/echo/slow-write`, {
        method: 'POST',
        headers: { ...admin, 'x-request-id': 'during-shutdown-1' },
        body: '{}',
      });
      await new Promise((r) => setTimeout(r, 200));
      const stopping = Date.now();
      const stopped = s.gateway.stop();
      const answer = await write;
      expect(answer.status).toBe(201);
      await stopped;
      expect(Date.now() - stopping).toBeLessThan(6_000);
    } finally {
      idle.destroy();
    }
    const db = new Client({ connectionString: s.databases['gateway'].url });
    await db.connect();
    try {
      const { rows } = await db.query<{ status: number; outcome: string }>(
        'SELECT status, outcome FROM audit_log WHERE request_id = $1',
        ['during-shutdown-1'],
      );
      expect(rows).toEqual([{ status: 201, outcome: 'completed' }]);
    } finally {
      await db.end();
    }
  });
});
