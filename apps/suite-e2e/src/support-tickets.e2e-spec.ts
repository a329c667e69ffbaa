import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { deleteNamespaceStreams, EventNaming, readStream, waitFor } from '@crm/messaging';
import { api, prepareSuite, type Suite } from './support/suite';
import { newPerson } from './support/contacts';

jest.setTimeout(180_000);

interface SupportEvent {
  type: string;
  subject: string;
  data: Record<string, unknown>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('support end to end through the gateway: an order becomes an asset, one ticket is answered in time, another breaches', () => {
  let suite: Suite;
  let nc: NatsConnection;
  let naming: EventNaming;
  let admin: string;
  let agent: string;
  let gw: string;

  beforeAll(async () => {
    suite = await prepareSuite(['contacts', 'sales', 'support', 'gateway']);
    naming = new EventNaming(suite.namespace);
    nc = await connect({ servers: suite.natsUrl });
    const internal = { INTERNAL_TOKEN_SECRET: randomBytes(32).toString('hex') };
    // One after another: on a busy machine three cold starts at once can miss the start deadline.
    for (const [app, extra] of [
      ['contacts', {}],
      ['sales', {}],
      ['support', { SLA_POLL_MS: '200' }],
    ] as const) {
      await suite.services[app].start({ ...internal, ...extra });
      await suite.services[app].waitReady();
    }
    await suite.services['gateway'].start({
      ...internal,
      CONTACTS_URL: suite.services['contacts'].baseUrl,
      SALES_URL: suite.services['sales'].baseUrl,
      SUPPORT_URL: suite.services['support'].baseUrl,
      ANALYTICS_URL: 'http://127.0.0.1:9',
      DOCUMENTS_URL: 'http://127.0.0.1:9',
    });
    await suite.services['gateway'].waitReady();
    gw = `${suite.services['gateway'].baseUrl}/api/v1`;
    admin = await suite.token(['admin']);
    agent = await suite.token(['support']);
  });

  afterAll(async () => {
    await deleteNamespaceStreams(await nc.jetstreamManager(), suite.namespace);
    await nc.close();
    await suite.teardown();
  });

  const supportEvents = async () =>
    (await readStream(await nc.jetstreamManager(), naming.streamFor('support')).catch(() => [])).map(
      (m) => m.json() as SupportEvent,
    );

  it('turns the order into an asset, meets one SLA, breaches another with the event on CRM_SUPPORT, and shows it all in the 360', async () => {
    const person = await api<{ id: string }>(gw, 'POST', '/contacts', admin, newPerson(0, suite.namespace));
    expect(person.status).toBe(201);
    const contactId = person.body.id;

    // A round-the-clock calendar and a 1-minute first-response target for urgent tickets.
    const cal = await api<{ id: string }>(gw, 'POST', '/calendars', admin, {
      name: '24/7',
      timeZone: 'Europe/Paris',
      hours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start: '00:00', end: '24:00' })),
    });
    expect(cal.status).toBe(201);
    const policy = await api(gw, 'POST', '/sla-policies', admin, {
      name: 'urgent',
      calendarId: cal.body.id,
      priority: 'urgent',
      firstResponseMinutes: 1,
      resolutionMinutes: 60,
    });
    expect(policy.status).toBe(201);

    const order = await api<{ id: string }>(gw, 'POST', '/orders', admin, {
      channel: 'store',
      contactId,
      currency: 'EUR',
      lines: [
        {
          sku: `FREE-${suite.namespace}`,
          name: 'Laptop 14',
          model: 'Book Pro 14',
          serialNumbers: ['SN-E2E-1'],
          quantity: 1,
          unitPriceMinor: 99_900,
        },
      ],
    });
    expect(order.status).toBe(201);
    const [asset] = await waitFor(
      async () => (await api<{ items: Json[] }>(gw, 'GET', `/assets?contactId=${contactId}`, agent)).body.items ?? [],
      (items) => items.length === 1,
      30_000,
      250,
    );
    expect(asset).toMatchObject({
      model: 'Book Pro 14',
      serialNumber: 'SN-E2E-1',
      orderId: order.body.id,
      status: 'active',
    });

    const answered = await api<Json>(gw, 'POST', '/tickets', agent, {
      subject: 'Laptop fan is loud',
      requesterId: contactId,
      assetId: asset.id,
      priority: 'urgent',
    });
    expect(answered.status).toBe(201);
    const reply = await api(gw, 'POST', `/tickets/${answered.body.id}/messages`, agent, {
      body: 'Please update the BIOS.',
    });
    expect(reply.status).toBe(201);
    const afterReply = await api<Json>(gw, 'GET', `/tickets/${answered.body.id}`, agent);
    expect(afterReply.body.sla.find((c: Json) => c.target === 'first_response').state).toBe('met');

    // Opened (imported) 55 s ago with a 1-minute target: due in about 5 s, and nobody answers it.
    const late = await api<Json>(gw, 'POST', '/tickets', agent, {
      subject: 'Laptop will not charge',
      requesterId: contactId,
      assetId: asset.id,
      priority: 'urgent',
      openedAt: new Date(Date.now() - 55_000).toISOString(),
    });
    expect(late.status).toBe(201);
    const due = Date.parse(late.body.sla.find((c: Json) => c.target === 'first_response').dueAt);
    const [breach] = await waitFor(
      async () =>
        (await supportEvents()).filter((e) => e.type === 'crm.support.sla.breached' && e.subject === late.body.id),
      (list) => list.length > 0,
      30_000,
      100,
    );
    expect(Date.now() - due).toBeLessThan(5000);
    expect(breach.data).toMatchObject({ ticketId: late.body.id, target: 'first_response' });
    const events = await supportEvents();
    expect(events.filter((e) => e.type === 'crm.support.sla.breached' && e.subject === answered.body.id)).toEqual([]);
    expect(events.some((e) => e.type === 'crm.support.asset.created' && e.subject === asset.id)).toBe(true);

    const history = await api<Json>(gw, 'GET', `/assets/${asset.id}`, agent);
    expect(history.body.tickets.map((t: Json) => t.id).sort()).toEqual([answered.body.id, late.body.id].sort());

    const c360 = await api<Json>(gw, 'GET', `/customers/${contactId}`, admin);
    expect(c360.status).toBe(200);
    expect(c360.body.parts.support.assets).toEqual([expect.objectContaining({ id: asset.id, tickets: 2 })]);
    expect(c360.body.parts.support.openTickets).toHaveLength(2);

    const found = await api<Json>(gw, 'GET', `/search?q=${encodeURIComponent('will not charge')}`, agent);
    expect(found.body.results.ticket.map((h: Json) => h.id)).toContain(late.body.id);
  });
});
