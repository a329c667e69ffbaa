import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connect, type NatsConnection } from 'nats';
import { Client } from 'pg';
import {
  buildCloudEvent,
  deleteNamespaceStreams,
  ensureStream,
  EventNaming,
  randomNamespace,
  readStream,
  waitFor,
  type CloudEvent,
} from '@crm/messaging';
import { createTestDatabase, postgresOptions, runMigrations, uuidv7, type TestDatabase } from '@crm/persistence';
import { createServiceApp, signDevToken } from '@crm/platform';
import { AppModule, entities, migrations } from '../app.module';

const SECRET = 'analytics-spec-secret-0123456789abcdef';
const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

jest.setTimeout(30_000);

describe('analytics customer summary (real Postgres and NATS)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let nc: NatsConnection;
  let naming: EventNaming;
  let base: string;
  let token: string;

  beforeAll(async () => {
    db = await createTestDatabase('analytics');
    await runMigrations(postgresOptions({ url: db.url, entities, migrations }));
    naming = new EventNaming(randomNamespace());
    Object.assign(process.env, {
      DATABASE_URL: db.url,
      NATS_URL,
      CRM_EVENT_NAMESPACE: naming.namespace,
      AUTH_JWT_SECRET: SECRET,
      PORT: '0',
    });
    nc = await connect({ servers: NATS_URL });
    await ensureStream(await nc.jetstreamManager(), naming.streamFor('contacts'), [naming.streamSubjects('contacts')]);
    app = await createServiceApp({ name: 'analytics', appModule: AppModule });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    token = await signDevToken({ secret: SECRET, subject: 'analyst', roles: ['analyst'] });
  });

  afterAll(async () => {
    await app.close();
    await deleteNamespaceStreams(await nc.jetstreamManager(), naming.namespace);
    await nc.close();
    await db.drop();
  });

  async function outboxCount(subject: string): Promise<number> {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query(`SELECT count(*)::int AS n FROM outbox WHERE subject = $1`, [subject])).rows[0]
        .n as number;
    } finally {
      await client.end();
    }
  }

  async function publish(e: CloudEvent): Promise<void> {
    await nc.jetstream().publish(naming.subjectFor(e.type), JSON.stringify(e), { msgID: e.id });
  }

  const contactEvent = (type: string, id: string, version: number, data: Record<string, unknown>) =>
    buildCloudEvent('contacts', { type: `crm.contacts.contact.${type}`, subject: id, version, data: { id, ...data } });

  async function summary(): Promise<{
    total: number;
    byLifecycleStage: Record<string, number>;
    byCountry: Record<string, number>;
    byAcquisitionChannel: Record<string, number>;
  }> {
    const res = await fetch(`${base}/analytics/customers/summary`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as Awaited<ReturnType<typeof summary>>;
  }

  it('counts contacts by stage, country and channel, ignores stale updates and stops counting merged-away contacts', async () => {
    const [a, b, c] = [uuidv7(), uuidv7(), uuidv7()];
    await publish(contactEvent('created', a, 1, { lifecycleStage: 'lead', country: 'FR', source: { channel: 'web' } }));
    await publish(
      contactEvent('created', b, 1, { lifecycleStage: 'customer', country: 'DE', source: { channel: 'referral' } }),
    );
    await publish(contactEvent('created', c, 1, { lifecycleStage: 'lead', country: 'FR', source: { channel: 'web' } }));
    await publish(
      contactEvent('updated', a, 3, { lifecycleStage: 'customer', country: 'FR', source: { channel: 'web' } }),
    );
    // Arrives late: version 2 is older than the version 3 already applied.
    await publish(
      contactEvent('updated', a, 2, { lifecycleStage: 'churned', country: 'FR', source: { channel: 'web' } }),
    );
    await publish(
      buildCloudEvent('contacts', {
        type: 'crm.contacts.contact.merged',
        subject: b,
        version: 2,
        data: { targetId: a, sourceId: c },
      }),
    );
    const s = await waitFor(summary, (x) => x.total === 2 && x.byLifecycleStage['customer'] === 2);
    expect(s.byLifecycleStage).toEqual({ customer: 2 });
    expect(s.byCountry).toEqual({ FR: 1, DE: 1 });
    expect(s.byAcquisitionChannel).toEqual({ web: 1, referral: 1 });

    const byCountry = await fetch(`${base}/analytics/customers/by/country`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await byCountry.json()).toEqual({ dimension: 'country', total: 2, counts: { FR: 1, DE: 1 } });

    const facts = await fetch(`${base}/analytics/customers/${a}/facts`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await facts.json()).toMatchObject({ contactId: a, version: 3, lifecycleStage: 'customer' });
  });

  it('keeps the non-personal facts of an erased contact', async () => {
    const id = uuidv7();
    await publish(
      contactEvent('created', id, 1, { lifecycleStage: 'prospect', country: 'ES', source: { channel: 'event' } }),
    );
    await publish(contactEvent('erased', id, 2, { lifecycleStage: 'prospect', country: 'ES' }));
    const facts = await waitFor(
      async () =>
        (await (
          await fetch(`${base}/analytics/customers/${id}/facts`, { headers: { authorization: `Bearer ${token}` } })
        ).json()) as { status?: string },
      (f: { status?: string }) => f.status === 'erased',
    );
    expect(facts).toMatchObject({ country: 'ES', lifecycleStage: 'prospect', acquisitionChannel: 'event' });
  });

  it('confirms an erasure with crm.analytics.erasure.completed on its own stream, once, even when the erased event comes twice', async () => {
    const id = uuidv7();
    const requestId = uuidv7();
    await publish(contactEvent('created', id, 1, { lifecycleStage: 'lead', country: 'IE' }));
    const erased = contactEvent('erased', id, 2, {
      lifecycleStage: 'lead',
      country: 'IE',
      erasureRequestId: requestId,
    });
    await publish(erased);
    // Redelivered under another message id: the inbox keeps it from confirming twice.
    await nc
      .jetstream()
      .publish(naming.subjectFor(erased.type), JSON.stringify(erased), { msgID: `${erased.id}-again` });
    const receipts = async () =>
      (await readStream(await nc.jetstreamManager(), naming.streamFor('analytics')).catch(() => []))
        .map((m) => m.json() as CloudEvent<Record<string, unknown>>)
        .filter((e) => e.subject === id);
    const [receipt] = await waitFor(receipts, (r) => r.length >= 1);
    expect(receipt).toMatchObject({
      type: 'crm.analytics.erasure.completed',
      source: expect.stringContaining('analytics'),
      subject: id,
      data: { contactId: id, requestId, records: 1, completedAt: expect.any(String) },
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await receipts()).toHaveLength(1);
    expect(await outboxCount(id)).toBe(1);
  });

  it('forgets a country and a channel that an update cleared, and counts the contact as unknown', async () => {
    const id = uuidv7();
    await publish(
      contactEvent('created', id, 1, { lifecycleStage: 'lead', country: 'SE', source: { channel: 'social' } }),
    );
    await publish(contactEvent('updated', id, 2, { lifecycleStage: 'lead', country: null, source: { channel: null } }));
    const facts = await waitFor(
      async () =>
        (await (
          await fetch(`${base}/analytics/customers/${id}/facts`, { headers: { authorization: `Bearer ${token}` } })
        ).json()) as { version?: number },
      (f: { version?: number }) => f.version === 2,
    );
    expect(facts).toMatchObject({ country: null, acquisitionChannel: null, lifecycleStage: 'lead' });
    expect((await summary()).byCountry['SE']).toBeUndefined();
  });

  it('answers 400 naming the dimension for an unknown one, 404 for an unknown customer, 401 without a token', async () => {
    const bad = await fetch(`${base}/analytics/customers/by/shoeSize`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(await bad.json())).toContain('dimension');
    const missing = await fetch(`${base}/analytics/customers/${uuidv7()}/facts`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(missing.status).toBe(404);
    expect((await fetch(`${base}/analytics/customers/summary`)).status).toBe(401);
  });

  it('refuses a caller without analytics:read', async () => {
    const support = await signDevToken({ secret: SECRET, subject: 'agent', roles: ['support'] });
    const res = await fetch(`${base}/analytics/customers/summary`, { headers: { authorization: `Bearer ${support}` } });
    expect(res.status).toBe(403);
  });
});
