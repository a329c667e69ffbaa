import { buildCloudEvent, ensureStream, waitFor, type CloudEvent } from '@crm/messaging';
import { uuidv7 } from '@crm/persistence';
import { startSupportApp, type Json, type SupportTestApp } from '../testing/support-test-app';

jest.setTimeout(60_000);

describe('assets from sales orders, contact merge and erasure (real Postgres and NATS)', () => {
  let s: SupportTestApp;

  beforeAll(async () => {
    s = await startSupportApp('assets');
    const jsm = await s.nc.jetstreamManager();
    await ensureStream(jsm, s.naming.streamFor('sales'), [s.naming.streamSubjects('sales')]);
    await ensureStream(jsm, s.naming.streamFor('contacts'), [s.naming.streamSubjects('contacts')]);
  });

  afterAll(() => s.close());

  /** The answer is what the service's OpenAPI document declares for the route: no field missing, none undeclared. */
  const conforms = async (method: string, route: string, answer: { body: unknown }) =>
    expect(await s.answerViolations(method, route, answer.body)).toEqual([]);

  async function publish(e: CloudEvent, msgID = e.id): Promise<void> {
    await s.nc.jetstream().publish(s.naming.subjectFor(e.type), JSON.stringify(e), { msgID });
  }

  function order(contactId: string, lines: Json[]) {
    const id = uuidv7();
    return {
      id,
      version: 1,
      number: 'SO-000001',
      status: 'placed',
      channel: 'store',
      location: 'PAR-01',
      externalOrderId: null,
      contactId,
      accountId: null,
      dealId: null,
      quoteId: null,
      currency: 'EUR',
      currencyDigits: 2,
      lines,
      refundedMinor: 0,
      placedAt: '2026-11-20T10:00:00.000Z',
    };
  }

  const line = (quantity: number, serialNumbers: string[], model = 'Phone X') => ({
    id: uuidv7(),
    lineNo: 1,
    productId: uuidv7(),
    sku: 'PX-128',
    name: 'Phone X 128 GB',
    model,
    serialNumbers,
    quantity,
    unitPriceMinor: 79900,
    refundedQuantity: 0,
    refundedMinor: 0,
  });

  const assetsOf = async (contactId: string) =>
    (await s.call('GET', `/assets?contactId=${contactId}`)).body.items as Json[];

  it('creates one asset per unit from order placed (serial, model, bought at, warranty) and retires refunded units', async () => {
    const contactId = uuidv7();
    const phones = line(2, ['SN-1', 'SN-2']);
    const laptop = line(1, [], 'Book Pro 14');
    const warranty = await s.call('PUT', `/warranties/${laptop.productId}`, { body: { months: 36 } });
    expect(warranty.body).toEqual({ productId: laptop.productId, months: 36 });
    await conforms('PUT', '/warranties/{productId}', warranty);
    const placed = order(contactId, [phones, laptop]);
    const event = buildCloudEvent('sales', {
      type: 'crm.sales.order.placed',
      subject: placed.id,
      version: 1,
      data: placed,
    });
    await publish(event);
    // Redelivered under another message id: nothing twice.
    await publish(event, `${event.id}-again`);
    const assets = await waitFor(
      () => assetsOf(contactId),
      (a) => a.length === 3,
    );
    expect(assets.map((a) => [a.model, a.serialNumber, a.channel]).sort()).toEqual([
      ['Book Pro 14', null, 'store'],
      ['Phone X', 'SN-1', 'store'],
      ['Phone X', 'SN-2', 'store'],
    ]);
    const book = assets.find((a) => a.model === 'Book Pro 14');
    expect(book).toMatchObject({
      boughtAt: '2026-11-20T10:00:00.000Z',
      warrantyEndsAt: '2029-11-20T10:00:00.000Z',
      status: 'active',
    });
    expect(assets.find((a) => a.serialNumber === 'SN-1').warrantyEndsAt).toBe('2028-11-20T10:00:00.000Z');
    await conforms('GET', '/assets', await s.call('GET', `/assets?contactId=${contactId}&limit=2`));

    // A ticket about the laptop shows up in the asset's history; another customer's asset is refused.
    const ticket = await s.call('POST', '/tickets', {
      body: { subject: 'Fan noise', requesterId: contactId, assetId: book.id },
    });
    expect(ticket.status).toBe(201);
    const history = await s.call('GET', `/assets/${book.id}`);
    expect(history.body.tickets.map((t: Json) => t.id)).toEqual([ticket.body.id]);
    await conforms('GET', '/assets/{id}', history);
    const before = await s.count('tickets');
    const wrong = await s.call('POST', '/tickets', {
      body: { subject: 'Not mine', requesterId: uuidv7(), assetId: book.id },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.code).toBe('ASSET_OF_ANOTHER_CUSTOMER');
    expect(await s.count('tickets')).toBe(before);

    const refund = {
      ...placed,
      version: 2,
      refund: {
        id: uuidv7(),
        lines: [{ lineId: phones.id, serialNumbers: ['SN-2'], quantity: 1, amountMinor: 79900 }],
      },
      fullyRefunded: false,
    };
    await publish(
      buildCloudEvent('sales', { type: 'crm.sales.order.refunded', subject: placed.id, version: 2, data: refund }),
    );
    const after = await waitFor(
      () => assetsOf(contactId),
      (a) => a.some((x) => x.status === 'retired'),
    );
    expect(after.filter((a) => a.status === 'retired').map((a) => [a.serialNumber, a.retiredReason])).toEqual([
      ['SN-2', 'refunded'],
    ]);
    // A retired asset (reason, retired at, no warranty any more) answers as declared.
    await conforms('GET', '/assets', await s.call('GET', `/assets?contactId=${contactId}`));
    const created = (await s.streamEvents('crm.support.asset.created')).filter((e) => e.data.contactId === contactId);
    expect(created).toHaveLength(3);
    await waitFor(
      async () => (await s.streamEvents('crm.support.asset.retired')).filter((e) => e.data.contactId === contactId),
      (r) => r.length === 1,
    );
  });

  it('retires every asset of a cancelled order', async () => {
    const contactId = uuidv7();
    const placed = order(contactId, [line(2, [])]);
    await publish(
      buildCloudEvent('sales', { type: 'crm.sales.order.placed', subject: placed.id, version: 1, data: placed }),
    );
    await waitFor(
      () => assetsOf(contactId),
      (a) => a.length === 2,
    );
    await publish(
      buildCloudEvent('sales', {
        type: 'crm.sales.order.cancelled',
        subject: placed.id,
        version: 2,
        data: { ...placed, status: 'cancelled' },
      }),
    );
    const assets = await waitFor(
      () => assetsOf(contactId),
      (a) => a.every((x) => x.status === 'retired'),
    );
    expect(assets.map((a) => a.retiredReason)).toEqual(['cancelled', 'cancelled']);
  });

  it('re-points tickets and assets of a merged contact to the target', async () => {
    const [source, target] = [uuidv7(), uuidv7()];
    const placed = order(source, [line(1, ['M-1'])]);
    await publish(
      buildCloudEvent('sales', { type: 'crm.sales.order.placed', subject: placed.id, version: 1, data: placed }),
    );
    await waitFor(
      () => assetsOf(source),
      (a) => a.length === 1,
    );
    const t = await s.call('POST', '/tickets', { body: { subject: 'Merged person', requesterId: source } });
    await publish(
      buildCloudEvent('contacts', {
        type: 'crm.contacts.contact.merged',
        subject: source,
        version: 3,
        data: { sourceId: source, targetId: target },
      }),
    );
    await waitFor(
      () => assetsOf(target),
      (a) => a.length === 1,
    );
    expect((await s.call('GET', `/tickets/${t.body.id}`)).body.requester.id).toBe(target);
  });

  it('erases a contact: requester details and their message text go, ticket facts stay, crm.support.erasure.completed once', async () => {
    const id = uuidv7();
    await publish(
      buildCloudEvent('contacts', {
        type: 'crm.contacts.contact.created',
        subject: id,
        version: 1,
        data: { id, displayName: 'Grace Hopper', primaryEmail: 'grace@example.com', status: 'active' },
      }),
    );
    await waitFor(
      async () => (await s.db.query(`SELECT 1 FROM contacts WHERE id = $1`, [id])).rowCount,
      (n) => n === 1,
    );
    const t = await s.call('POST', '/tickets', {
      body: { subject: 'Battery', requesterId: id, priority: 'high', description: 'My address is 1 Main St' },
    });
    expect(t.body.requester).toEqual({ id, name: 'Grace Hopper', email: 'grace@example.com' });
    await s.call('POST', `/tickets/${t.body.id}/messages`, {
      body: { body: 'Call me on +33 6 12 34 56 78', authorType: 'customer' },
    });
    await s.call('POST', `/tickets/${t.body.id}/messages`, { body: { body: 'Replacing the battery' } });
    const requestId = uuidv7();
    const erased = buildCloudEvent('contacts', {
      type: 'crm.contacts.contact.erased',
      subject: id,
      version: 2,
      data: { id, erasureRequestId: requestId, displayName: '', primaryEmail: null, status: 'erased' },
    });
    await publish(erased);
    await publish(erased, `${erased.id}-again`);
    const [receipt] = await waitFor(
      async () => (await s.streamEvents('crm.support.erasure.completed')).filter((e) => e.subject === id),
      (r) => r.length === 1,
    );
    expect(receipt.data).toMatchObject({ contactId: id, requestId, records: 2 });
    const after = await s.call('GET', `/tickets/${t.body.id}`);
    expect(after.body).toMatchObject({
      requester: { id, name: null, email: null },
      priority: 'high',
      subject: 'Battery',
      description: '[erased]',
    });
    await conforms('GET', '/tickets/{id}', after);
    const msgs = await s.call('GET', `/tickets/${t.body.id}/messages`);
    expect(msgs.body.items.map((m: Json) => m.body)).toEqual(['[erased]', 'Replacing the battery']);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await s.streamEvents('crm.support.erasure.completed')).filter((e) => e.subject === id)).toHaveLength(1);
  });
});
