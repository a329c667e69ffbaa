import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { deleteNamespaceStreams, EventNaming, readStream, waitFor } from '@crm/messaging';
import { api, prepareSuite, type Suite } from './support/suite';
import { newPerson } from './support/contacts';
import type { ServiceProcess } from './support/processes';

jest.setTimeout(480_000);

/**
 * One service at a time, waited for past start()'s 30 s when the machine is busy (sales alone boots in ~20 s on a
 * loaded 2-core box): a process still booting is waited for; one that exited fails waitReady with its reason.
 */
async function startPatiently(service: ServiceProcess, env: Record<string, string>): Promise<void> {
  await service.start(env).catch((e: Error) => {
    if (!/did not come up/.test(e.message)) throw e;
  });
  await service.waitReady(120_000);
}

interface Stage {
  id: string;
  name: string;
  kind: string;
}
interface SalesEvent {
  type: string;
  subject: string;
  version: number;
  data: Record<string, unknown>;
}

describe('sales end to end through the gateway: a lead becomes a won deal, its quote an order, the order an event', () => {
  let suite: Suite;
  let nc: NatsConnection;
  let naming: EventNaming;
  let seller: string;
  let admin: string;
  let gw: string;

  beforeAll(async () => {
    suite = await prepareSuite(['contacts', 'sales', 'gateway']);
    naming = new EventNaming(suite.namespace);
    nc = await connect({ servers: suite.natsUrl });
    const internal = { INTERNAL_TOKEN_SECRET: randomBytes(32).toString('hex') };
    for (const app of ['contacts', 'sales']) await startPatiently(suite.services[app], internal);
    await startPatiently(suite.services['gateway'], {
      ...internal,
      CONTACTS_URL: suite.services['contacts'].baseUrl,
      SALES_URL: suite.services['sales'].baseUrl,
      ANALYTICS_URL: 'http://127.0.0.1:9',
    });
    gw = `${suite.services['gateway'].baseUrl}/api/v1`;
    admin = await suite.token(['admin']);
    seller = await suite.token(['sales']);
  });

  afterAll(async () => {
    await deleteNamespaceStreams(await nc.jetstreamManager(), suite.namespace);
    await nc.close();
    await suite.teardown();
  });

  const salesEvents = async () =>
    (await readStream(await nc.jetstreamManager(), naming.streamFor('sales')).catch(() => [])).map(
      (m) => m.json() as SalesEvent,
    );

  it('moves a deal for a lead to won with a quote accepted into an order, and the order placed event reaches CRM_SALES once', async () => {
    const person = await api<{ id: string; lifecycleStage: string }>(gw, 'POST', '/contacts', seller, {
      ...newPerson(0, suite.namespace),
      lifecycleStage: 'lead',
    });
    expect([person.status, person.body.lifecycleStage]).toEqual([201, 'lead']);
    const contactId = person.body.id;

    // The catalogue (an admin's work): a product and its price in the default EUR book.
    const product = await api<{ id: string }>(gw, 'POST', '/products', admin, {
      sku: `TV-${suite.namespace}`,
      name: 'OLED TV 55"',
      model: 'OLED55C4',
    });
    const book = await api<{ id: string; isDefault: boolean }>(gw, 'POST', '/price-books', admin, {
      name: 'Retail EUR',
      currency: 'EUR',
    });
    expect([product.status, book.status, book.body.isDefault]).toEqual([201, 201, true]);
    const price = await api(gw, 'PUT', `/price-books/${book.body.id}/prices/${product.body.id}`, admin, {
      unitPriceMinor: 129_900,
    });
    expect(price.status).toBe(200);

    const pipeline = await api<{ id: string; stages: Stage[] }>(gw, 'POST', '/pipelines', admin, {
      name: `New business ${suite.namespace}`,
    });
    expect(pipeline.status).toBe(201);
    const won = pipeline.body.stages.find((s) => s.kind === 'won');
    const proposal = pipeline.body.stages.find((s) => s.name === 'Proposal');
    const deal = await api<{ id: string; status: string }>(gw, 'POST', '/deals', seller, {
      name: 'Two TVs for the lobby',
      pipelineId: pipeline.body.id,
      contactId,
      amountMinor: 259_800,
      currency: 'EUR',
    });
    expect([deal.status, deal.body.status]).toEqual([201, 'open']);
    expect((await api(gw, 'POST', `/deals/${deal.body.id}/stage`, seller, { stageId: proposal?.id })).status).toBe(200);

    // 2 x 129900 = 259800, 10 % off = 25980 -> 233820, 20 % tax = 46764 -> 280584.
    const quote = await api<{ id: string; totalMinor: number; contactId: string; status: string }>(
      gw,
      'POST',
      '/quotes',
      seller,
      {
        dealId: deal.body.id,
        lines: [{ productId: product.body.id, quantity: 2, discountPercent: 10, taxRatePercent: 20 }],
        billing: { name: 'Ada Lovelace', email: `ada.${suite.namespace}@example.com` },
      },
    );
    expect(quote.status).toBe(201);
    expect(quote.body).toMatchObject({ status: 'draft', totalMinor: 280_584, contactId });
    expect((await api(gw, 'POST', `/quotes/${quote.body.id}/send`, seller)).status).toBe(200);
    const accepted = await api<{ status: string; orderId: string }>(
      gw,
      'POST',
      `/quotes/${quote.body.id}/accept`,
      seller,
      {
        channel: 'phone',
      },
    );
    expect([accepted.status, accepted.body.status]).toEqual([200, 'accepted']);
    const orderId = accepted.body.orderId;

    const closed = await api<{ status: string }>(gw, 'POST', `/deals/${deal.body.id}/stage`, seller, {
      stageId: won?.id,
    });
    expect([closed.status, closed.body.status]).toEqual([200, 'won']);

    const order = await api<{ id: string; status: string; totalMinor: number; contactId: string; dealId: string }>(
      gw,
      'GET',
      `/orders/${orderId}`,
      seller,
    );
    expect(order.body).toMatchObject({ status: 'placed', totalMinor: 280_584, contactId, dealId: deal.body.id });
    const listed = await api<{ items: { id: string }[] }>(gw, 'GET', `/orders?contactId=${contactId}`, seller);
    expect(listed.body.items.map((o) => o.id)).toEqual([orderId]);

    const onStream = await waitFor(salesEvents, (events) =>
      events.some((e) => e.type === 'crm.sales.order.placed' && e.subject === orderId),
    );
    const placed = onStream.filter((e) => e.type === 'crm.sales.order.placed' && e.subject === orderId);
    expect(placed).toHaveLength(1);
    expect(placed[0].data).toMatchObject({
      id: orderId,
      status: 'placed',
      channel: 'phone',
      currency: 'EUR',
      totalMinor: 280_584,
      contactId,
      dealId: deal.body.id,
      quoteId: quote.body.id,
      lines: [expect.objectContaining({ productId: product.body.id, quantity: 2, totalMinor: 280_584 })],
    });
    expect(placed[0].data).not.toHaveProperty('billing');
    const types = onStream.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['crm.sales.quote.sent', 'crm.sales.quote.accepted', 'crm.sales.deal.won']),
    );
  });

  it('re-sending a web shop order through the gateway gives the same order and no second event', async () => {
    const body = {
      channel: 'web',
      externalOrderId: `SHOP-${suite.namespace}`,
      currency: 'EUR',
      lines: [{ sku: 'GIFT', name: 'Gift card', quantity: 1, unitPriceMinor: 5_000 }],
    };
    const first = await api<{ id: string }>(gw, 'POST', '/orders', seller, body);
    const again = await api<{ id: string }>(gw, 'POST', '/orders', seller, body);
    expect([first.status, again.status, again.body.id]).toEqual([201, 200, first.body.id]);
    await waitFor(salesEvents, (events) => events.some((e) => e.subject === first.body.id));
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await salesEvents()).filter((e) => e.subject === first.body.id)).toHaveLength(1);
  });
});
