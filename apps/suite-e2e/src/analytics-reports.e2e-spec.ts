import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import {
  buildCloudEvent,
  deleteNamespaceStreams,
  ensureStream,
  EventNaming,
  readStream,
  waitFor,
} from '@crm/messaging';
import { api, prepareSuite, type Suite } from './support/suite';
import { newPerson } from './support/contacts';

jest.setTimeout(480_000);

/**
 * A contact made through the gateway, orders, a campaign touch and a ticket
 * published on the sales, marketing and support streams as those services
 * publish them: analytics' reports answer through the gateway, and the
 * customer's scores reach CRM_ANALYTICS, where marketing reads them.
 */
describe('analytics end to end through the gateway: events from every stream become reports and scores', () => {
  let suite: Suite;
  let nc: NatsConnection;
  let naming: EventNaming;
  let gw: string;
  let admin: string;
  let analyst: string;

  beforeAll(async () => {
    suite = await prepareSuite(['contacts', 'analytics', 'gateway']);
    naming = new EventNaming(suite.namespace);
    nc = await connect({ servers: suite.natsUrl });
    const jsm = await nc.jetstreamManager();
    for (const s of ['sales', 'support', 'marketing'])
      await ensureStream(jsm, naming.streamFor(s), [naming.streamSubjects(s)]);
    const internal = { INTERNAL_TOKEN_SECRET: randomBytes(32).toString('hex') };
    for (const app of ['contacts', 'analytics']) {
      await suite.services[app].start(internal).catch((e: Error) => {
        if (!/did not come up/.test(e.message)) throw e;
      });
      await suite.services[app].waitReady(120_000);
    }
    await suite.services['gateway']
      .start({
        ...internal,
        CONTACTS_URL: suite.services['contacts'].baseUrl,
        ANALYTICS_URL: suite.services['analytics'].baseUrl,
      })
      .catch((e: Error) => {
        if (!/did not come up/.test(e.message)) throw e;
      });
    await suite.services['gateway'].waitReady(120_000);
    gw = `${suite.services['gateway'].baseUrl}/api/v1`;
    admin = await suite.token(['admin']);
    analyst = await suite.token(['analyst']);
  });

  afterAll(async () => {
    await deleteNamespaceStreams(await nc.jetstreamManager(), suite.namespace);
    await nc.close();
    await suite.teardown();
  });

  const publish = async (service: string, type: string, subject: string, version: number, data: unknown) => {
    const e = buildCloudEvent(service, { type, subject, version, data });
    await nc.jetstream().publish(naming.subjectFor(type), JSON.stringify(e), { msgID: e.id });
  };

  const order = (contactId: string, placedAt: string, totalMinor: number) => {
    const id = randomUUID();
    return {
      id,
      version: 1,
      number: `SO-${id.slice(0, 6)}`,
      status: 'placed',
      channel: 'web',
      location: null,
      externalOrderId: null,
      contactId,
      accountId: null,
      dealId: null,
      quoteId: null,
      currency: 'EUR',
      currencyDigits: 2,
      grossMinor: totalMinor,
      discountMinor: 0,
      netMinor: totalMinor,
      taxMinor: 0,
      totalMinor,
      refundedMinor: 0,
      lines: [],
      placedAt,
      paidAt: null,
      fulfilledAt: null,
      cancelledAt: null,
      refundedAt: null,
      createdAt: placedAt,
      updatedAt: placedAt,
    };
  };

  it('answers RFM, CLV, attribution and support KPIs through the gateway and publishes the scores', async () => {
    const person = await api<{ id: string }>(gw, 'POST', '/contacts', admin, {
      ...newPerson(0, suite.namespace),
      lifecycleStage: 'customer',
      country: 'FR',
    });
    expect(person.status).toBe(201);
    const id = person.body.id;
    const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

    const campaign = randomUUID();
    await publish('marketing', 'crm.marketing.campaign.started', campaign, 1, {
      id: campaign,
      version: 1,
      name: 'Spring',
      channel: 'email',
      status: 'sending',
      sendAt: null,
      costMinor: 1000,
      currency: 'EUR',
      utmCampaign: 'spring',
    });
    const touch = randomUUID();
    await publish('marketing', 'crm.marketing.touchpoint.recorded', touch, 1, {
      id: touch,
      contactId: id,
      campaignId: campaign,
      messageId: null,
      kind: 'clicked',
      channel: 'email',
      utmSource: null,
      utmMedium: null,
      utmCampaign: 'spring',
      url: null,
      orderId: null,
      occurredAt: day(31),
    });
    for (const [n, total] of [
      [30, 4000],
      [10, 6000],
    ] as const) {
      const o = order(id, day(n), total);
      await publish('sales', 'crm.sales.order.placed', o.id, 1, o);
    }
    const ticket = randomUUID();
    await publish('support', 'crm.support.ticket.solved', ticket, 2, {
      id: ticket,
      number: 7,
      version: 2,
      status: 'solved',
      priority: 'normal',
      channel: 'email',
      type: null,
      tags: [],
      requesterId: id,
      accountId: null,
      assetId: null,
      teamId: null,
      assigneeId: null,
      slaPolicyId: null,
      mergedInto: null,
      createdAt: day(5),
      updatedAt: day(4),
      firstRespondedAt: day(5),
      solvedAt: day(4),
      closedAt: null,
    });

    const facts = await waitFor(
      () => api<{ country?: string }>(gw, 'GET', `/analytics/customers/${id}/facts`, analyst),
      (r) => r.status === 200,
      120_000,
      500,
    );
    expect(facts.body.country).toBe('FR');
    await waitFor(
      () => api<{ frequency?: number }>(gw, 'GET', `/analytics/customers/${id}/clv?horizon=39`, analyst),
      (r) => r.status === 200 && r.body.frequency === 1,
      120_000,
      500,
    );

    // An analyst may read but not recompute; an admin may.
    expect((await api(gw, 'POST', '/analytics/scores/recompute', analyst, {})).status).toBe(403);
    const run = await api<{ customers: number }>(gw, 'POST', '/analytics/scores/recompute', admin, {});
    expect([run.status, run.body.customers]).toEqual([200, 1]);

    const scores = await api<{ segment: string; frequency: number; monetaryMinor: number }>(
      gw,
      'GET',
      `/analytics/customers/${id}/scores`,
      analyst,
    );
    expect(scores.body).toMatchObject({ frequency: 2, monetaryMinor: 10000 });
    const rfm = await api<{ customers: number }>(gw, 'GET', '/analytics/rfm?country=FR', analyst);
    expect(rfm.body.customers).toBe(1);

    const from = day(60).slice(0, 10);
    const to = day(0).slice(0, 10);
    const attribution = await api<{ conversions: number; byCampaign: { campaign: string; linear: number }[] }>(
      gw,
      'GET',
      `/analytics/attribution?from=${from}&to=${to}&lookbackDays=30&touches=clicked`,
      analyst,
    );
    expect(attribution.status).toBe(200);
    // The click came 1 day before the first order and 21 days before the second: within both windows.
    expect(attribution.body.conversions).toBe(2);
    expect(attribution.body.byCampaign.find((c) => c.campaign === campaign)).toBeDefined();

    const kpis = await waitFor(
      () =>
        api<{ groups: { tickets: number }[] }>(
          gw,
          'GET',
          `/analytics/support/kpis?by=channel&from=${from}&to=${to}`,
          analyst,
        ),
      (r) => r.status === 200 && r.body.groups.length === 1,
      60_000,
      500,
    );
    expect(kpis.body.groups[0].tickets).toBe(1);

    // What marketing's segments read: the customer's scores on CRM_ANALYTICS.
    const scored = await waitFor(
      async () =>
        (await readStream(await nc.jetstreamManager(), naming.streamFor('analytics')).catch(() => []))
          .map((m) => m.json() as { type: string; subject: string; data: Record<string, unknown> })
          .filter((e) => e.type === 'crm.analytics.customer.scored' && e.subject === id),
      (e) => e.length >= 1,
      60_000,
      500,
    );
    expect(scored[0].data).toMatchObject({ customerId: id, frequency: 2, monetaryMinor: 10000 });
  });
});
