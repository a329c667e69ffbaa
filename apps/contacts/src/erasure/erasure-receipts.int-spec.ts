import { connect, type NatsConnection } from 'nats';
import {
  ANALYTICS_EVENTS,
  type CustomerGetReply,
  type CustomerMergedReply,
  type ErasureCompletedPayload,
} from '@crm/contracts';
import { buildCloudEvent, EventNaming, waitFor, type CloudEvent } from '@crm/messaging';
import { CustomersRpc } from '../customers/customers.rpc';
import { startContactsApp, type ContactsTestApp } from '../testing/contacts-test-app';
import type { ErasureStatus } from './erasure-receipts.service';
import { loadErasureSettings } from './erasure-settings';

const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const PERSONAL = /Hopper|Grace|Murray|1906-12-09|Arlington|admiral|navy\.example|ghopper|cobol/i;

jest.setTimeout(30_000);

describe('erasing merged contacts and collecting erasure receipts (real Postgres and NATS)', () => {
  let t: ContactsTestApp;
  let nc: NatsConnection;
  let naming: EventNaming;

  beforeAll(async () => {
    t = await startContactsApp('erasure_receipts');
    naming = t.app.get(EventNaming);
    nc = await connect({ servers: NATS_URL });
  });
  afterAll(async () => {
    await nc.close();
    await t.close();
  });

  const person = (firstName: string, lastName: string, n: number) => ({
    firstName,
    lastName,
    emails: [{ address: `${lastName.toLowerCase()}.${n}@navy.example` }],
    birthDate: '1906-12-09',
    city: 'Arlington',
    occupation: 'rear admiral',
    address: { line1: '1 Murray Street', city: 'Arlington' },
    socialProfiles: [{ network: 'x', handle: `ghopper${n}` }],
    customFields: {},
    country: 'US',
    lifecycleStage: 'customer',
  });
  const create = async (body: Record<string, unknown>) => {
    const res = await t.call<{ id: string }>('POST', '/contacts', { body });
    expect(res.status).toBe(201);
    return res.body.id;
  };
  const merge = async (target: string, source: string) =>
    expect((await t.call('POST', `/contacts/${target}/merge`, { body: { sourceId: source } })).status).toBe(200);
  const status = (id: string) => t.call<ErasureStatus & { code?: string }>('GET', `/contacts/${id}/erasure`);

  async function confirm(
    contactId: string,
    requestId: string,
    records = 1,
  ): Promise<CloudEvent<ErasureCompletedPayload>> {
    const data: ErasureCompletedPayload = { contactId, requestId, records, completedAt: new Date().toISOString() };
    const event = buildCloudEvent('analytics', {
      type: ANALYTICS_EVENTS.erasureCompleted,
      subject: contactId,
      version: 1,
      data,
    });
    await nc.jetstream().publish(naming.subjectFor(event.type), JSON.stringify(event), { msgID: event.id });
    return event;
  }

  it('erases every contact merged into the erased one, directly or through a chain: their rows lose name, birth date, address', async () => {
    const a = await create(person('Grace', 'Hopper', 1));
    const b = await create({ ...person('Grace', 'Murray', 2), birthDate: '1906-12-09' });
    const c = await create({ ...person('Amazing', 'Grace', 3), occupation: 'cobol' });
    await merge(b, c);
    await merge(a, b);

    expect((await t.call('POST', `/contacts/${a}/erasure`, { body: {} })).status).toBe(200);

    const { rows } = await t.db.query(
      `SELECT id, status, merged_into, first_name, last_name, display_name, birth_date, city, occupation, address, social_profiles, custom_fields, search_text
         FROM people WHERE id = ANY($1::uuid[]) ORDER BY id`,
      [[a, b, c]],
    );
    expect(rows).toHaveLength(3);
    expect(JSON.stringify(rows)).not.toMatch(PERSONAL);
    expect(
      rows.map((r: { id: string; status: string; merged_into: string | null }) => [r.id, r.status, r.merged_into]),
    ).toEqual(
      [
        [a, 'erased', null],
        [b, 'merged', a],
        [c, 'merged', b],
      ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    );
    for (const r of rows as Record<string, unknown>[]) {
      expect(r).toMatchObject({
        first_name: 'Erased',
        last_name: 'Erased',
        birth_date: null,
        city: null,
        occupation: null,
        address: null,
        search_text: '',
      });
    }
    expect(await t.count(`person_emails WHERE person_id = ANY(ARRAY['${a}','${b}','${c}']::uuid[])`)).toBe(0);

    // A merged contact still answers 410 naming its target, and nothing about the person.
    const gone = await t.call<Record<string, unknown>>('GET', `/contacts/${b}`);
    expect(gone.status).toBe(410);
    expect(gone.body).toMatchObject({ code: 'CONTACT_MERGED', mergedInto: a });
    expect(JSON.stringify(gone.body)).not.toMatch(PERSONAL);

    const erased = await t.outbox({ type: 'crm.contacts.contact.erased' });
    const mine = erased.filter((e) => [a, b, c].includes(e.subject));
    expect(mine.map((e) => e.subject).sort()).toEqual([a, b, c].sort());
    const requestIds = new Set(mine.map((e) => e.payload.data['erasureRequestId']));
    expect(requestIds.size).toBe(1);
    expect(JSON.stringify(mine)).not.toMatch(PERSONAL);
    const receipts = await t.outbox({ type: 'crm.contacts.erasure.completed' });
    expect(receipts.filter((e) => [a, b, c].includes(e.subject)).map((e) => e.payload.data)).toEqual(
      expect.arrayContaining(
        [a, b, c].map((id) =>
          expect.objectContaining({ contactId: id, requestId: [...requestIds][0], records: expect.any(Number) }),
        ),
      ),
    );
  });

  it('contacts.customer.get refuses a merged contact as REST does: only where it went, none of the person', async () => {
    const a = await create(person('Grace', 'Hopper', 11));
    const b = await create(person('Grace', 'Murray', 12));
    await merge(a, b);
    const reply = (await t.app.get(CustomersRpc).customer({ id: b })) as CustomerGetReply | CustomerMergedReply;
    expect(reply).toEqual({ id: b, status: 'merged', mergedInto: a });
    expect(JSON.stringify(reply)).not.toMatch(PERSONAL);
  });

  it('answers where an erasure stands: contacts completed, analytics pending, then complete once analytics confirms over NATS', async () => {
    const a = await create(person('Grace', 'Hopper', 21));
    const b = await create(person('Grace', 'Murray', 22));
    await merge(a, b);
    expect((await t.call('POST', `/contacts/${a}/erasure`, { body: { reason: 'art. 17' } })).status).toBe(200);

    const pending = await status(a);
    expect(pending.status).toBe(200);
    expect(pending.body).toMatchObject({
      contactId: a,
      contactIds: [a, b],
      requestedAt: expect.any(String),
      complete: false,
      completedAt: null,
      participants: [
        {
          service: 'contacts',
          status: 'completed',
          completedAt: expect.any(String),
          confirmed: 2,
          records: expect.any(Number),
        },
        { service: 'analytics', status: 'pending', completedAt: null, confirmed: 0, records: 0 },
      ],
    });
    expect(pending.body.participants[0].records).toBeGreaterThanOrEqual(3);
    // The merged contact is covered by the same request.
    expect((await status(b)).body.requestId).toBe(pending.body.requestId);

    const first = await confirm(a, pending.body.requestId, 1);
    const half = await waitFor(
      () => status(a),
      (s) => s.body.participants[1].confirmed === 1,
    );
    expect(half.body).toMatchObject({
      complete: false,
      participants: [{ status: 'completed' }, { status: 'pending' }],
    });

    // A redelivered receipt (same event id) and a receipt for a request nobody made change nothing.
    await nc.jetstream().publish(naming.subjectFor(first.type), JSON.stringify(first), { msgID: `${first.id}-again` });
    await confirm(a, '0190f0f0-0000-7000-8000-0000000000aa');
    await confirm(b, pending.body.requestId, 0);

    const done = await waitFor(
      () => status(a),
      (s) => s.body.complete,
    );
    expect(done.body).toMatchObject({
      complete: true,
      completedAt: expect.any(String),
      participants: [
        { service: 'contacts', status: 'completed' },
        { service: 'analytics', status: 'completed', completedAt: expect.any(String), confirmed: 2, records: 1 },
      ],
    });
    expect(
      await t.count(
        `erasure_confirmations WHERE participant = 'analytics' AND request_id = '${pending.body.requestId}'`,
      ),
    ).toBe(2);
    expect(await t.count(`erasure_requests WHERE id = '${pending.body.requestId}' AND completed_at IS NOT NULL`)).toBe(
      1,
    );
  });

  it('answers 404 for a contact never erased, naming why, and for an unknown contact', async () => {
    const a = await create(person('Grace', 'Hopper', 31));
    const never = await status(a);
    expect(never.status).toBe(404);
    expect(never.body.code).toBe('ERASURE_NOT_FOUND');
    const unknown = await status('0190f0f0-0000-7000-8000-000000000009');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('CONTACT_NOT_FOUND');
  });
});

describe('ERASURE_PARTICIPANTS', () => {
  it('lists contacts first, then each configured service once', () => {
    expect(loadErasureSettings({}).participants).toEqual(['contacts', 'analytics']);
    expect(loadErasureSettings({ ERASURE_PARTICIPANTS: 'analytics,sales,contacts,sales' })).toEqual({
      participants: ['contacts', 'analytics', 'sales'],
      others: ['analytics', 'sales'],
    });
    expect(loadErasureSettings({ ERASURE_PARTICIPANTS: 'none' })).toEqual({ participants: ['contacts'], others: [] });
  });

  it('stops the service with a message naming the variable for a bad list', () => {
    for (const bad of ['Analytics', 'analytics;sales', 'analytics,', 'crm.sales', '*']) {
      expect(() => loadErasureSettings({ ERASURE_PARTICIPANTS: bad })).toThrow(/ERASURE_PARTICIPANTS/);
    }
  });
});

describe('erasure receipt consumers use the service settings (real NATS)', () => {
  const settings = { ERASURE_PARTICIPANTS: 'sales', EVENT_STREAM_MAX_AGE_DAYS: '3', EVENT_DLQ_MAX_AGE_DAYS: '4' };
  let t: ContactsTestApp;
  let nc: NatsConnection;

  beforeAll(async () => {
    Object.assign(process.env, settings);
    t = await startContactsApp('erasure_receipt_settings');
    nc = await connect({ servers: NATS_URL });
  });
  afterAll(async () => {
    for (const name of Object.keys(settings)) delete process.env[name];
    await nc.close();
    await t.close();
  });

  it('creates a participant stream nobody provisioned yet with EVENT_STREAM_MAX_AGE_DAYS, and the DLQ with EVENT_DLQ_MAX_AGE_DAYS', async () => {
    const naming = t.app.get(EventNaming);
    const jsm = await nc.jetstreamManager();
    const day = 24 * 3600 * 1e9;
    const info = await waitFor(
      () => jsm.streams.info(naming.streamFor('sales')).catch(() => undefined),
      (i) => i !== undefined,
    );
    expect(info?.config.max_age).toBe(3 * day);
    expect((await jsm.streams.info(naming.dlqStream)).config.max_age).toBe(4 * day);
    const consumer = await jsm.consumers.info(naming.streamFor('sales'), 'contacts');
    expect(consumer.config.max_deliver).toBe(-1);
  });
});
