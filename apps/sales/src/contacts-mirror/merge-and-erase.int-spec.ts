import { CONTACTS_EVENTS, SALES_EVENTS } from '@crm/contracts';
import { waitFor } from '@crm/messaging';
import { uuidv7 } from '@crm/persistence';
import { startSalesApp, type SalesTestApp } from '../testing/sales-test-app';

jest.setTimeout(90_000);

interface Deal {
  id: string;
  version: number;
  contactId: string | null;
  contact: { displayName: string | null; primaryEmail: string | null } | null;
}

describe('contacts events: the mirror, merge and erasure with its receipt (real Postgres and NATS)', () => {
  let t: SalesTestApp;
  let pipelineId: string;

  beforeAll(async () => {
    t = await startSalesApp('contact_events');
    pipelineId = (await t.call<{ id: string }>('POST', '/pipelines', { body: { name: 'New business' } })).body.id;
  });
  afterAll(() => t.close());

  const deal = async (contactId: string) =>
    (
      await t.call<Deal>('POST', '/deals', {
        body: { name: 'Deal', pipelineId, contactId, amountMinor: 1_000, currency: 'EUR' },
      })
    ).body;
  const mirror = async (contactId: string) =>
    (await t.db.query(`SELECT * FROM contact_mirror WHERE contact_id = $1`, [contactId])).rows[0] as
      | {
          version: number;
          status: string;
          display_name: string | null;
          primary_email: string | null;
          merged_into: string | null;
        }
      | undefined;
  const order = async (contactId: string) => {
    const res = await t.call<{ id: string; totalMinor: number }>('POST', '/orders', {
      body: {
        channel: 'store',
        currency: 'EUR',
        contactId,
        billing: { name: 'Billing Name', email: 'billing@example.com', address: { line1: '1 Main St', city: 'Lyon' } },
        lines: [{ sku: 'X', name: 'Gift', quantity: 2, unitPriceMinor: 1_250 }],
      },
    });
    expect(res.status).toBe(201);
    return res.body;
  };
  const orderRow = async (id: string) =>
    (
      await t.db.query(
        `SELECT contact_id, billing_name, billing_email, billing_address, total_minor::int AS total FROM orders WHERE id = $1`,
        [id],
      )
    ).rows[0] as {
      contact_id: string;
      billing_name: string | null;
      billing_email: string | null;
      billing_address: unknown;
      total: number;
    };
  const person = (id: string, version: number, displayName: string, primaryEmail: string) => ({
    id,
    version,
    status: 'active',
    displayName,
    primaryEmail,
    accountId: null,
  });

  it('keeps a local copy of the contact fields it shows, ignoring stale and redelivered events', async () => {
    const id = uuidv7();
    const d = await deal(id);
    await t.publishContactEvent(
      CONTACTS_EVENTS.contactCreated,
      id,
      1,
      person(id, 1, 'Ada Lovelace', 'ada@example.com'),
    );
    await waitFor(
      () => mirror(id),
      (m) => m?.version === 1,
    );
    const updated = await t.publishContactEvent(
      CONTACTS_EVENTS.contactUpdated,
      id,
      3,
      person(id, 3, 'Ada King', 'ada.king@example.com'),
    );
    await waitFor(
      () => mirror(id),
      (m) => m?.version === 3,
    );
    // Version 2 arrives late: stale, changes nothing. The same event again: the inbox drops it.
    await t.publishContactEvent(CONTACTS_EVENTS.contactUpdated, id, 2, person(id, 2, 'Old Name', 'old@example.com'));
    await t.publishContactEvent(
      CONTACTS_EVENTS.contactUpdated,
      id,
      3,
      person(id, 3, 'Ada King', 'ada.king@example.com'),
      updated.id,
    );
    await waitFor(
      async () => (await t.db.query(`SELECT count(*)::int AS n FROM inbox`)).rows[0].n as number,
      (n) => n >= 3,
    );
    expect(await mirror(id)).toMatchObject({
      version: 3,
      display_name: 'Ada King',
      primary_email: 'ada.king@example.com',
    });
    expect((await t.call<Deal>('GET', `/deals/${d.id}`)).body.contact).toEqual({
      displayName: 'Ada King',
      primaryEmail: 'ada.king@example.com',
    });
  });

  it('re-points deals and orders of a merged contact to the target, once, with deal.updated', async () => {
    const source = uuidv7();
    const target = uuidv7();
    const a = await deal(source);
    const b = await deal(source);
    const kept = await deal(target);
    const o = await order(source);
    const merged = await t.publishContactEvent(CONTACTS_EVENTS.contactMerged, source, 5, {
      sourceId: source,
      targetId: target,
    });
    await waitFor(
      () => t.call<{ items: Deal[] }>('GET', `/deals?contactId=${target}`),
      (r) => r.body.items.length === 3,
    );
    // Redelivered: re-points nothing twice, publishes nothing twice.
    await t.publishContactEvent(
      CONTACTS_EVENTS.contactMerged,
      source,
      5,
      { sourceId: source, targetId: target },
      merged.id,
    );
    const probe = uuidv7();
    await t.publishContactEvent(CONTACTS_EVENTS.contactCreated, probe, 1, person(probe, 1, 'Probe', 'p@example.com'));
    await waitFor(
      () => mirror(probe),
      (m) => m !== undefined,
    );
    for (const d of [a, b]) {
      const now = (await t.call<Deal>('GET', `/deals/${d.id}`)).body;
      expect(now).toMatchObject({ contactId: target, version: 2 });
      const updates = await t.outbox({ type: SALES_EVENTS.dealUpdated, subject: d.id });
      expect(updates).toHaveLength(1);
      expect(updates[0].payload.data['contactId']).toBe(target);
    }
    expect((await t.call<Deal>('GET', `/deals/${kept.id}`)).body.version).toBe(1);
    expect((await t.call<{ items: Deal[] }>('GET', `/deals?contactId=${source}`)).body.items).toEqual([]);
    expect(await mirror(source)).toMatchObject({ status: 'merged', merged_into: target });
    expect((await orderRow(o.id)).contact_id).toBe(target);
  });

  it('anonymises the person and the billing on orders on erasure, keeps deals and amounts, and confirms once on the stream', async () => {
    const id = uuidv7();
    await t.publishContactEvent(
      CONTACTS_EVENTS.contactCreated,
      id,
      1,
      person(id, 1, 'Grace Hopper', 'grace@example.com'),
    );
    await waitFor(
      () => mirror(id),
      (m) => m !== undefined,
    );
    const d = await deal(id);
    const o = await order(id);
    const requestId = uuidv7();
    const erased = await t.publishContactEvent(CONTACTS_EVENTS.contactErased, id, 2, {
      ...person(id, 2, '', ''),
      status: 'erased',
      displayName: 'Erased contact',
      primaryEmail: null,
      erasureRequestId: requestId,
    });
    const receipts = await waitFor(
      () => t.published(SALES_EVENTS.erasureCompleted),
      (e) => e.some((x) => x.subject === id),
      20_000,
    );
    expect(receipts.find((x) => x.subject === id)?.data).toMatchObject({ contactId: id, requestId, records: 2 });
    // The order keeps its amounts and the bare contact id; the billing snapshot is gone.
    expect(await orderRow(o.id)).toEqual({
      contact_id: id,
      billing_name: null,
      billing_email: null,
      billing_address: null,
      total: o.totalMinor,
    });
    expect(await mirror(id)).toMatchObject({ status: 'erased', display_name: null, primary_email: null });
    const after = (await t.call<Deal & { amountMinor: number }>('GET', `/deals/${d.id}`)).body;
    expect(after).toMatchObject({ contactId: id, amountMinor: 1_000, contact: null });
    // Redelivered: no second receipt.
    await t.publishContactEvent(
      CONTACTS_EVENTS.contactErased,
      id,
      2,
      { ...person(id, 2, '', ''), status: 'erased', erasureRequestId: requestId },
      erased.id,
    );
    const probe = uuidv7();
    await t.publishContactEvent(CONTACTS_EVENTS.contactCreated, probe, 1, person(probe, 1, 'Probe', 'q@example.com'));
    await waitFor(
      () => mirror(probe),
      (m) => m !== undefined,
    );
    expect(await t.outbox({ type: SALES_EVENTS.erasureCompleted, subject: id })).toHaveLength(1);
  });

  it('confirms an erasure of a contact it never heard of, with 0 records', async () => {
    const id = uuidv7();
    const requestId = uuidv7();
    await t.publishContactEvent(CONTACTS_EVENTS.contactErased, id, 4, {
      id,
      version: 4,
      status: 'erased',
      erasureRequestId: requestId,
    });
    const receipts = await waitFor(
      () => t.outbox({ type: SALES_EVENTS.erasureCompleted, subject: id }),
      (r) => r.length === 1,
    );
    expect(receipts[0].payload.data).toMatchObject({ requestId, records: 0 });
  });
});
