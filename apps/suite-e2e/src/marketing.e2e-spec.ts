import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { SMTPServer } from 'smtp-server';
import { buildCloudEvent, deleteNamespaceStreams, EventNaming, waitFor } from '@crm/messaging';
import { api, prepareSuite, type Suite } from './support/suite';

jest.setTimeout(480_000);

describe('marketing end to end through the gateway: French customers who bought lately get a campaign, click, buy with the coupon', () => {
  let suite: Suite;
  let nc: NatsConnection;
  let naming: EventNaming;
  let gw: string;
  let admin: string;
  const mails: { to: string; raw: string }[] = [];
  let smtp: SMTPServer;
  const run = randomBytes(3).toString('hex');
  let buyerId = '';

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, cb) {
        let raw = '';
        stream.on('data', (c: Buffer) => (raw += c.toString()));
        stream.on('end', () => {
          for (const r of session.envelope.rcptTo) mails.push({ to: r.address, raw });
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    const smtpPort = (smtp as unknown as { server: { address(): { port: number } } }).server.address().port;
    suite = await prepareSuite(['contacts', 'marketing', 'gateway']);
    naming = new EventNaming(suite.namespace);
    nc = await connect({ servers: suite.natsUrl });
    const internal = { INTERNAL_TOKEN_SECRET: randomBytes(32).toString('hex') };
    await suite.services['contacts'].start(internal).catch((e: Error) => {
      if (!/did not come up/.test(e.message)) throw e;
    });
    await suite.services['contacts'].waitReady(120_000);
    // Tracking links point at the gateway's public origin (as in a deployment): recipients reach
    // them there without a token, the gateway forwards them as public paths.
    await suite.services['marketing']
      .start({
        ...internal,
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        TRACKING_BASE_URL: 'http://tracking.invalid/api/v1',
      })
      .catch((e: Error) => {
        if (!/did not come up/.test(e.message)) throw e;
      });
    await suite.services['marketing'].waitReady(120_000);
    await suite.services['gateway']
      .start({
        ...internal,
        CONTACTS_URL: suite.services['contacts'].baseUrl,
        MARKETING_URL: suite.services['marketing'].baseUrl,
        ANALYTICS_URL: 'http://127.0.0.1:9',
      })
      .catch((e: Error) => {
        if (!/did not come up/.test(e.message)) throw e;
      });
    await suite.services['gateway'].waitReady(120_000);
    gw = `${suite.services['gateway'].baseUrl}/api/v1`;
    admin = await suite.token(['admin']);
  });

  afterAll(async () => {
    await deleteNamespaceStreams(await nc.jetstreamManager(), suite.namespace);
    await nc.close();
    await suite.teardown();
    await new Promise<void>((r) => smtp.close(() => r()));
  });

  const order = async (
    contactId: string,
    status: string,
    couponCodes: string[] = [],
    version = 1,
    id = randomUUID(),
  ) => {
    const total = 20_000;
    const e = buildCloudEvent('sales', {
      type: `crm.sales.order.${status}`,
      subject: id,
      version,
      data: {
        id,
        version,
        number: 'SO-1',
        status,
        channel: 'web',
        contactId,
        currency: 'EUR',
        currencyDigits: 2,
        totalMinor: total,
        netMinor: total,
        refundedMinor: 0,
        lines: [
          {
            id: randomUUID(),
            lineNo: 1,
            productId: randomUUID(),
            sku: 'SKU',
            quantity: 1,
            netMinor: total,
            totalMinor: total,
          },
        ],
        couponCodes,
        placedAt: new Date(
          Date.now() - (status === 'placed' && !couponCodes.length ? 10 * 86_400_000 : 0),
        ).toISOString(),
      },
    });
    await nc.jetstream().publish(naming.subjectFor(e.type), JSON.stringify(e), { msgID: e.id });
    return id;
  };

  it('builds the segment, sends the campaign, records the click, redeems the coupon, credits the points', async () => {
    const people: { id: string; email: string; country: string; buys: boolean }[] = [];
    for (const [i, country, buys] of [
      [0, 'FR', true],
      [1, 'FR', true],
      [2, 'FR', false],
      [3, 'DE', true],
    ] as const) {
      const email = `m${run}${i}@example.com`;
      const res = await api<{ id: string }>(gw, 'POST', '/contacts', admin, {
        firstName: `Marie${i}`,
        lastName: `Curie${run}`,
        emails: [{ address: email, primary: true }],
        country,
      });
      expect(res.status).toBe(201);
      const c = await api(gw, 'POST', `/contacts/${res.body.id}/consents`, admin, {
        channel: 'email',
        purpose: 'marketing',
        granted: true,
        source: 'web form',
      });
      expect(c.status).toBeLessThan(300);
      people.push({ id: res.body.id, email, country, buys });
    }
    for (const p of people) if (p.buys) await order(p.id, 'placed');

    const program = await api<{ id: string }>(gw, 'POST', '/loyalty/programs', admin, {
      name: 'Club',
      currency: 'EUR',
      pointsPerUnit: 1,
    });
    expect(program.status).toBe(201);
    const promo = await api<{ id: string }>(gw, 'POST', '/promotions', admin, {
      name: 'Printemps -10%',
      discountKind: 'percent',
      percent: 10,
      codeKind: 'unique',
    });
    expect(promo.status).toBe(201);

    const definition = {
      and: [
        { field: 'country', op: 'eq', value: 'FR' },
        { field: 'lastOrderAt', op: 'withinLastDays', value: 90 },
        { field: 'consent', op: 'consentedTo', value: { channel: 'email', purpose: 'marketing' } },
      ],
    };
    // The mirror catches up with contacts' and sales' events; the preview shows it while the filter is edited.
    await waitFor(
      async () => (await api<{ count: number }>(gw, 'POST', '/segments/preview', admin, { definition })).body.count,
      (n) => n === 2,
      60_000,
      500,
    );
    const segment = await api<{ id: string }>(gw, 'POST', '/segments', admin, {
      name: 'French buyers, last 90 days',
      kind: 'dynamic',
      definition,
    });
    expect(segment.status).toBe(201);
    expect(segment.headers.get('location')).toBe(`/api/v1/segments/${segment.body.id}`);
    await waitFor(
      async () =>
        (await api<{ members: number; build: { status: string } }>(gw, 'GET', `/segments/${segment.body.id}`, admin))
          .body,
      (s) => s.build.status === 'ready' && s.members === 2,
      60_000,
      500,
    );

    const template = await api<{ id: string }>(gw, 'POST', '/templates', admin, {
      name: 'Printemps',
      channel: 'email',
      subject: 'Bonjour {{ contact.firstName }}',
      body: '<p>Votre code : {{ coupon.code }}</p><a href="https://shop.example/printemps">Boutique</a>',
    });
    expect(template.status).toBe(201);
    const campaign = await api<{ id: string }>(gw, 'POST', '/campaigns', admin, {
      name: 'Printemps',
      channel: 'email',
      templateId: template.body.id,
      segmentIds: [segment.body.id],
      promotionId: promo.body.id,
      utmCampaign: 'printemps',
      costMinor: 5000,
      currency: 'EUR',
    });
    expect(campaign.status).toBe(201);
    expect((await api(gw, 'POST', `/campaigns/${campaign.body.id}/schedule`, admin, {})).status).toBe(200);
    await waitFor(
      async () => (await api<{ status: string }>(gw, 'GET', `/campaigns/${campaign.body.id}`, admin)).body.status,
      (s) => s === 'done',
      60_000,
      500,
    );
    const french = people.filter((p) => p.country === 'FR' && p.buys);
    expect(mails.map((m) => m.to).sort()).toEqual(french.map((p) => p.email).sort());

    // The buyer clicks the (signed) link in the mail, then orders with the coupon.
    const buyer = french[0];
    const mail =
      mails
        .find((m) => m.to === buyer.email)
        ?.raw.replace(/=\r?\n/g, '')
        .replace(/=3D/g, '=') ?? '';
    const code = /Votre code : ([0-9A-F]{12})/.exec(mail)?.[1] as string;
    const click = /href="http:\/\/tracking\.invalid\/api\/v1(\/t\/c\/[^"]+)"/
      .exec(mail)?.[1]
      .replace(/&amp;/g, '&') as string;
    // Through the gateway, with no token: a public path; a tampered link is refused by marketing.
    const redirect = await fetch(`${gw}${click}`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const tampered = await fetch(`${gw}${click.replace(/s=[^&]+/, 's=forged')}`, { redirect: 'manual' });
    expect(tampered.status).toBe(403);
    expect((await fetch(`${gw}/segments`)).status).toBe(401);
    expect(redirect.headers.get('location')).toBe('https://shop.example/printemps');
    const orderId = await order(buyer.id, 'placed', [code]);
    await order(buyer.id, 'paid', [code], 2, orderId);

    const touchpoints = await waitFor(
      async () =>
        (
          await api<{ items: { kind: string; utmCampaign: string }[] }>(
            gw,
            'GET',
            `/touchpoints?contactId=${buyer.id}`,
            admin,
          )
        ).body.items,
      (items) => items.some((t) => t.kind === 'converted'),
      60_000,
      500,
    );
    expect(touchpoints.map((t) => t.kind).sort()).toEqual(['clicked', 'converted', 'sent']);
    const account = await waitFor(
      async () =>
        (await api<{ balance: number }>(gw, 'GET', `/loyalty/programs/${program.body.id}/accounts/${buyer.id}`, admin))
          .body,
      (a) => a.balance === 200,
      60_000,
      500,
    );
    expect(account.balance).toBe(200);
    const redemptions = await api<{ items: { outcome: string; orderId: string }[] }>(
      gw,
      'GET',
      `/promotions/${promo.body.id}/redemptions`,
      admin,
    );
    expect(redemptions.body.items).toEqual([expect.objectContaining({ outcome: 'redeemed', orderId })]);
    const report = await api<{ touchpoints: Record<string, number>; revenueMinor: number }>(
      gw,
      'GET',
      `/campaigns/${campaign.body.id}/report`,
      admin,
    );
    expect(report.body.touchpoints).toMatchObject({ sent: 2, clicked: 1, converted: 1 });
    buyerId = buyer.id;
  });

  it("shows the buyer's segments in the customer 360's marketing part", async () => {
    const customer = await api<{ parts: Record<string, unknown> }>(gw, 'GET', `/customers/${buyerId}`, admin);
    expect(customer.status).toBe(200);
    expect(JSON.stringify(customer.body)).toContain('French buyers, last 90 days');
  });
});
