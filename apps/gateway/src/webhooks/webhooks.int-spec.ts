import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connect, type JetStreamClient, type NatsConnection } from 'nats';
import { Client } from 'pg';
import { deleteNamespaceStreams, EventNaming, randomNamespace, waitFor } from '@crm/messaging';
import { createTestDatabase, postgresOptions, runMigrations, uuidv7, type TestDatabase } from '@crm/persistence';
import { createServiceApp, signDevToken } from '@crm/platform';
import { AppModule, entities, migrations } from '../app.module';

jest.setTimeout(60_000);

const SECRET = 'gateway-webhooks-spec-secret-0123456789';
const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  event: { id: string; type: string; subject: string; version: number; data: Record<string, unknown> };
}

/** A real HTTP receiver: records what arrives, answers 200 or, while `failing`, 503. */
class Receiver {
  readonly received: Received[] = [];
  failing = false;
  private server?: Server;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (this.failing) {
          res.writeHead(503).end('down for maintenance');
          return;
        }
        this.received.push({ headers: req.headers, body, event: JSON.parse(body) });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server!.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  of(type: string): Received[] {
    return this.received.filter((r) => r.event.type === type);
  }

  stop(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** The receiver's check from the gateway README: any v1 signature over `t.body` made with the secret. */
function verifies(headers: IncomingHttpHeaders, body: string, secret: string): boolean {
  const parts = String(headers['crm-signature'] ?? '').split(',');
  const t = parts.find((p) => p.startsWith('t='))?.slice(2);
  if (!t || Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return parts
    .filter((p) => p.startsWith('v1='))
    .some((p) => {
      const got = Buffer.from(p.slice(3), 'hex');
      return got.length === expected.length && timingSafeEqual(got, expected);
    });
}

describe('webhooks: events from the streams to a real receiver', () => {
  let database: TestDatabase;
  let app: NestFastifyApplication;
  let base: string;
  let db: Client;
  let nc: NatsConnection;
  let js: JetStreamClient;
  const namespace = randomNamespace();
  const naming = new EventNaming(namespace);
  const receiver = new Receiver();
  const broken = new Receiver();
  const tokens: Record<string, string> = {};

  const call = async <T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    as: string | null = 'admin',
  ): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(as ? { authorization: `Bearer ${tokens[as]}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };

  const publish = async (type: string, subject: string, version: number, data: Record<string, unknown> = {}) => {
    const event = {
      specversion: '1.0',
      id: uuidv7(),
      source: `crm/${type.split('.')[1]}`,
      type,
      subject,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      version,
      data,
    };
    await js.publish(naming.subjectFor(type), JSON.stringify(event), { msgID: event.id });
    return event;
  };

  const subscribe = async (body: Record<string, unknown>, as = 'admin') => {
    const res = await call<{ id: string; secret: string; status: string }>('POST', '/api/v1/webhooks', body, as);
    expect(res.status).toBe(201);
    return res.body;
  };

  beforeAll(async () => {
    await receiver.start();
    await broken.start();
    broken.failing = true;
    database = await createTestDatabase('gw_webhooks');
    await runMigrations(postgresOptions({ url: database.url, entities, migrations }));
    Object.assign(process.env, {
      DATABASE_URL: database.url,
      AUTH_JWT_SECRET: SECRET,
      NATS_URL,
      CRM_EVENT_NAMESPACE: namespace,
      AUTH_ROLE_PERMISSIONS: JSON.stringify({ integrator: ['webhooks:admin', 'sales:read'] }),
      WEBHOOK_STREAMS: 'sales,contacts',
      WEBHOOK_ALLOWED_TARGETS: `127.0.0.1:${receiver.port},127.0.0.1:${broken.port}`,
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_BACKOFF_BASE_MS: '100',
      WEBHOOK_BACKOFF_MAX_MS: '300',
      WEBHOOK_RETRY_SECONDS: '6',
      WEBHOOK_POLL_MS: '200',
      WEBHOOK_SECRET_GRACE_HOURS: '1',
    });
    app = await createServiceApp({ name: 'gateway', appModule: AppModule, rpc: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    db = new Client({ connectionString: database.url });
    await db.connect();
    nc = await connect({ servers: NATS_URL });
    js = nc.jetstream();
    const jsm = await nc.jetstreamManager();
    // The gateway's consumers create the streams they read.
    await waitFor(
      async () => {
        const names: string[] = [];
        for await (const s of jsm.streams.list()) names.push(s.config.name);
        return names;
      },
      (names) => names.includes(naming.streamFor('sales')) && names.includes(naming.streamFor('contacts')),
    );
    for (const role of ['admin', 'integrator', 'sales'])
      tokens[role] = await signDevToken({ secret: SECRET, subject: `spec-${role}`, roles: [role] });
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    if (nc) {
      await deleteNamespaceStreams(await nc.jetstreamManager(), namespace);
      await nc.close();
    }
    await database?.drop();
    await receiver.stop();
    await broken.stop();
    delete process.env['AUTH_ROLE_PERMISSIONS'];
  });

  it('refuses unsafe targets and bad patterns with 400 naming the field, and callers without webhooks:admin', async () => {
    const count = async () => (await db.query('SELECT count(*)::int AS n FROM webhook_subscriptions')).rows[0].n;
    const before = await count();
    for (const url of [
      'https://169.254.169.254/latest/meta-data',
      `http://127.0.0.1:${receiver.port + 1}/hook`,
      'https://localhost/hook',
      'https://10.0.0.7/hook',
      'https://[::1]/hook',
      'ftp://example.com/x',
    ]) {
      const res = await call<{ code: string; errors: { field: string }[] }>('POST', '/api/v1/webhooks', {
        url,
        events: ['*'],
      });
      expect([res.status, res.body.code, res.body.errors[0].field]).toEqual([400, 'WEBHOOK_TARGET_REFUSED', 'url']);
    }
    const pattern = await call<{ errors: { field: string }[] }>('POST', '/api/v1/webhooks', {
      url: receiver.url,
      events: ['crm.sales.*', 'crm..bad'],
    });
    expect([pattern.status, pattern.body.errors[0].field]).toEqual([400, 'events[1]']);
    const extra = await call('POST', '/api/v1/webhooks', { url: receiver.url, events: ['*'], admin: true });
    expect(extra.status).toBe(400);
    expect((await call('POST', '/api/v1/webhooks', { url: receiver.url, events: ['*'] }, null)).status).toBe(401);
    expect((await call('POST', '/api/v1/webhooks', { url: receiver.url, events: ['*'] }, 'sales')).status).toBe(403);
    expect((await call('GET', '/api/v1/webhooks', undefined, 'sales')).status).toBe(403);
    expect((await call('GET', '/api/v1/webhooks/not-a-uuid')).status).toBe(400);
    expect((await call('GET', `/api/v1/webhooks/${uuidv7()}`)).status).toBe(404);
    expect(await count()).toBe(before);
  });

  it('delivers matching events signed over timestamp.body, and nothing the pattern or filter excludes', async () => {
    const sub = await subscribe({
      url: receiver.url,
      events: ['crm.sales.order.*'],
      filter: { 'data.channel': 'web' },
    });
    expect(sub.secret).toMatch(/^whsec_/);
    const order = uuidv7();
    const web = await publish('crm.sales.order.placed', order, 1, { channel: 'web', total: 1999 });
    await publish('crm.sales.order.placed', uuidv7(), 1, { channel: 'store' });
    await publish('crm.sales.deal.created', uuidv7(), 1, { channel: 'web' });
    await waitFor(
      async () => receiver.received.filter((r) => r.event.id === web.id).length,
      (n) => n === 1,
    );
    await new Promise((r) => setTimeout(r, 800));
    const got = receiver.received.filter((r) => r.headers['crm-delivery-id'] && r.event.type.startsWith('crm.sales'));
    expect(got.map((r) => r.event.id)).toEqual([web.id]);
    const [delivery] = got;
    expect(delivery.headers['crm-event-id']).toBe(web.id);
    expect(delivery.headers['crm-event-type']).toBe('crm.sales.order.placed');
    expect(delivery.headers['content-type']).toMatch(/^application\/cloudevents\+json/);
    expect(verifies(delivery.headers, delivery.body, sub.secret)).toBe(true);
    expect(verifies(delivery.headers, delivery.body, 'whsec_wrong')).toBe(false);
    const log = await call<{
      items: { status: string; attempts: number; lastStatus: number; responseExcerpt: string }[];
    }>('GET', `/api/v1/webhooks/${sub.id}/deliveries`);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/crm_webhook_attempts_total\{outcome="delivered"\} [1-9]/);
    expect(metrics).toMatch(/crm_webhook_pending_deliveries \d+/);
    expect(log.body.items[0]).toMatchObject({
      status: 'delivered',
      attempts: 1,
      lastStatus: 200,
      responseExcerpt: 'thanks',
    });
    await call('DELETE', `/api/v1/webhooks/${sub.id}`);
  });

  it('a receiver down for a while then up gets every event once, in order per subject', async () => {
    const sub = await subscribe({ url: receiver.url, events: ['crm.contacts.contact.*'] });
    receiver.failing = true;
    const a = uuidv7();
    const b = uuidv7();
    const sent = [];
    for (let v = 1; v <= 5; v++) sent.push(await publish('crm.contacts.contact.updated', a, v));
    for (let v = 1; v <= 3; v++) sent.push(await publish('crm.contacts.contact.updated', b, v));
    await new Promise((r) => setTimeout(r, 1200));
    receiver.failing = false;
    const ids = new Set(sent.map((e) => e.id));
    const mine = () => receiver.received.filter((r) => ids.has(r.event.id));
    await waitFor(
      async () => mine().length,
      (n) => n >= 8,
      20_000,
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(mine()).toHaveLength(8);
    expect(new Set(mine().map((r) => r.event.id)).size).toBe(8);
    const versions = (subject: string) =>
      mine()
        .filter((r) => r.event.subject === subject)
        .map((r) => r.event.version);
    expect(versions(a)).toEqual([1, 2, 3, 4, 5]);
    expect(versions(b)).toEqual([1, 2, 3]);
    await call('DELETE', `/api/v1/webhooks/${sub.id}`);
  });

  it('a receiver that always fails ends in the dead letter, the webhook is disabled with the reason, a replay delivers', async () => {
    const sub = await subscribe({ url: broken.url, events: ['crm.sales.quote.*'] });
    const quote = await publish('crm.sales.quote.sent', uuidv7(), 1, { total: 10 });
    const dead = await waitFor(
      async () =>
        (
          await call<{ items: { id: string; attempts: number; lastError: string }[] }>(
            'GET',
            `/api/v1/webhooks/${sub.id}/deliveries?status=dead`,
          )
        ).body.items,
      (items) => items.length === 1,
      20_000,
    );
    expect(dead[0].attempts).toBeGreaterThan(1);
    expect(dead[0].lastError).toBe('receiver answered 503');
    const disabled = await call<{ status: string; statusReason: string }>('GET', `/api/v1/webhooks/${sub.id}`);
    expect(disabled.body.status).toBe('disabled');
    expect(disabled.body.statusReason).toMatch(/failed for the whole retry period/);
    broken.failing = false;
    expect((await call('PATCH', `/api/v1/webhooks/${sub.id}`, { status: 'active' })).status).toBe(200);
    expect((await call('POST', `/api/v1/webhooks/${sub.id}/deliveries/${dead[0].id}/replay`)).status).toBe(202);
    await waitFor(
      async () => broken.of('crm.sales.quote.sent').length,
      (n) => n === 1,
    );
    expect(broken.of('crm.sales.quote.sent')[0].event.id).toBe(quote.id);
    const again = await call<{ code: string }>('POST', `/api/v1/webhooks/${sub.id}/deliveries/${dead[0].id}/replay`);
    expect([again.status, again.body.code]).toEqual([409, 'WEBHOOK_DELIVERY_NOT_DEAD']);
    await call('DELETE', `/api/v1/webhooks/${sub.id}`);
  });

  it('after a rotation both the new and, for the grace period, the old secret verify', async () => {
    const sub = await subscribe({ url: receiver.url, events: ['crm.sales.product.*'] });
    const rotated = await call<{ secret: string; previousSecretValidUntil: string }>(
      'POST',
      `/api/v1/webhooks/${sub.id}/secret`,
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(sub.secret);
    expect(Date.parse(rotated.body.previousSecretValidUntil)).toBeGreaterThan(Date.now());
    const product = await publish('crm.sales.product.created', uuidv7(), 1, { sku: 'A-1' });
    await waitFor(
      async () => receiver.received.filter((r) => r.event.id === product.id).length,
      (n) => n === 1,
    );
    const got = receiver.received.find((r) => r.event.id === product.id)!;
    expect(verifies(got.headers, got.body, rotated.body.secret)).toBe(true);
    expect(verifies(got.headers, got.body, sub.secret)).toBe(true);
    await call('DELETE', `/api/v1/webhooks/${sub.id}`);
  });

  it('across a gateway restart a healthy receiver gets every event once, in order per subject', async () => {
    const sub = await subscribe({ url: receiver.url, events: ['crm.sales.invoice.*'] });
    const subjects = Array.from({ length: 10 }, () => uuidv7());
    const sent: { id: string }[] = [];
    const burst = async (from: number, to: number) => {
      for (let v = from; v <= to; v++)
        await Promise.all(subjects.map(async (s) => sent.push(await publish('crm.sales.invoice.issued', s, v))));
    };
    await burst(1, 10);
    // A graceful stop while events are being taken and sent, then a new gateway on the same database.
    await app.close();
    await burst(11, 15);
    app = await createServiceApp({ name: 'gateway', appModule: AppModule, rpc: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    await burst(16, 20);
    const ids = new Set(sent.map((e) => e.id));
    const mine = () => receiver.received.filter((r) => ids.has(r.event.id));
    await waitFor(
      async () => mine().length,
      (n) => n >= sent.length,
      40_000,
    );
    await new Promise((r) => setTimeout(r, 800));
    expect(mine()).toHaveLength(200);
    expect(new Set(mine().map((r) => r.event.id)).size).toBe(200);
    for (const s of subjects)
      expect(
        mine()
          .filter((r) => r.event.subject === s)
          .map((r) => r.event.version),
      ).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await call('DELETE', `/api/v1/webhooks/${sub.id}`);
  });

  it('sends only events its owner may read, once even when the stream delivers one twice, and pings', async () => {
    const sub = await subscribe({ url: receiver.url, events: ['*'] }, 'integrator');
    const contact = await publish('crm.contacts.contact.created', uuidv7(), 1, { displayName: 'Ada' });
    const order = await publish('crm.sales.order.paid', uuidv7(), 2, { total: 5 });
    // The same event again without its message id: the stream keeps both copies, the inbox applies one.
    await js.publish(naming.subjectFor(order.type), JSON.stringify(order));
    const ping = await call<{ eventId: string }>('POST', `/api/v1/webhooks/${sub.id}/ping`, undefined, 'integrator');
    expect(ping.status).toBe(202);
    await waitFor(
      async () => receiver.of('crm.gateway.webhook.ping').length,
      (n) => n >= 1,
    );
    await waitFor(
      async () => receiver.received.filter((r) => r.event.id === order.id).length,
      (n) => n >= 1,
    );
    await new Promise((r) => setTimeout(r, 800));
    expect(receiver.received.filter((r) => r.event.id === order.id)).toHaveLength(1);
    expect(receiver.received.filter((r) => r.event.id === contact.id)).toHaveLength(0);
    expect(receiver.of('crm.gateway.webhook.ping').map((r) => r.event.id)).toContain(ping.body.eventId);
    await call('DELETE', `/api/v1/webhooks/${sub.id}`);
  });
});
