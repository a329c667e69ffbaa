import { waitFor } from '@crm/messaging';
import { uuidv7 } from '@crm/persistence';
import { daysAgo, orderData } from '../testing/orders';
import { startMarketingApp, type MarketingTestApp } from '../testing/marketing-test-app';
import { SmtpReceiver } from '../testing/smtp-receiver';

jest.setTimeout(90_000);

describe('coupons, conversions and loyalty points from sales orders (real Postgres, NATS and SMTP)', () => {
  let t: MarketingTestApp;
  const smtp = new SmtpReceiver();
  const [buyer, other] = [uuidv7(), uuidv7()];

  const order = async (
    contactId: string,
    o: Parameters<typeof orderData>[1] & { type?: string; version?: number } = {},
  ) => {
    const id = o.id ?? uuidv7();
    await t.publish('sales', {
      type: `crm.sales.order.${o.type ?? 'placed'}`,
      subject: id,
      version: o.version ?? 1,
      data: orderData(contactId, { status: o.type ?? 'placed', ...o, id }),
    });
    return id;
  };
  const redemptions = async (orderId: string) =>
    (await t.db.query(`SELECT outcome, reason FROM coupon_redemptions WHERE order_id = $1`, [orderId])).rows;

  beforeAll(async () => {
    await smtp.start();
    t = await startMarketingApp('promotions', { SMTP_URL: smtp.url });
    for (const id of [buyer, other]) {
      await t.contact(id, 1, {}, 'created');
      await t.publish('contacts', {
        type: 'crm.contacts.consent.changed',
        subject: id,
        version: 1,
        data: {
          contactId: id,
          channel: 'email',
          purpose: 'marketing',
          granted: true,
          source: 'form',
          decidedAt: daysAgo(1),
        },
      });
    }
    await waitFor(
      async () => t.count('consent_mirror'),
      (n) => n === 2,
    );
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it("redeems a campaign's coupon once, refuses it the second time and for another customer, and records the conversion", async () => {
    const promo = await t.call<{ id: string }>('POST', '/promotions', {
      body: {
        name: '10% spring',
        discountKind: 'percent',
        percent: 10,
        codeKind: 'unique',
        validUntil: new Date(Date.now() + 86_400_000).toISOString(),
      },
    });
    expect(promo.status).toBe(201);
    const tpl = await t.call<{ id: string }>('POST', '/templates', {
      body: { name: 'Offer', channel: 'email', subject: 'Your code', body: '<p>Use {{ coupon.code }}</p>' },
    });
    const campaign = await t.call<{ id: string }>('POST', '/campaigns', {
      body: {
        name: 'Offer',
        channel: 'email',
        templateId: tpl.body.id,
        contactIds: [buyer],
        promotionId: promo.body.id,
        costMinor: 1000,
        currency: 'EUR',
      },
    });
    await t.call('POST', `/campaigns/${campaign.body.id}/schedule`, { body: {} });
    await waitFor(
      async () => (await t.call<{ status: string }>('GET', `/campaigns/${campaign.body.id}`)).body,
      (c) => c.status === 'done',
    );
    const mail = smtp.mails.find((m) => m.to.includes(`${buyer.slice(-12)}@example.com`));
    const code = /Use ([0-9A-F]{12})/.exec(mail?.raw ?? '')?.[1] as string;
    expect(code).toMatch(/^[0-9A-F]{12}$/);

    const first = await order(buyer, { couponCodes: [code.toLowerCase()], totalMinor: 5000 });
    await waitFor(
      () => redemptions(first),
      (r) => r.length === 1,
    );
    expect(await redemptions(first)).toEqual([{ outcome: 'redeemed', reason: null }]);
    const again = await order(buyer, { couponCodes: [code] });
    await waitFor(
      () => redemptions(again),
      (r) => r.length === 1,
    );
    expect(await redemptions(again)).toEqual([{ outcome: 'rejected', reason: 'already_redeemed' }]);

    const personal = await t.call<{ items: { code: string }[] }>('POST', `/promotions/${promo.body.id}/coupons`, {
      body: { contactIds: [buyer] },
    });
    const stolen = await order(other, { couponCodes: [personal.body.items[0].code] });
    await waitFor(
      () => redemptions(stolen),
      (r) => r.length === 1,
    );
    expect(await redemptions(stolen)).toEqual([{ outcome: 'rejected', reason: 'wrong_customer' }]);
    const unknown = await order(other, { couponCodes: ['NOPE-123'] });
    await waitFor(
      () => redemptions(unknown),
      (r) => r.length === 1,
    );
    expect((await redemptions(unknown))[0].reason).toBe('unknown_code');

    const events = await waitFor(
      async () => [
        ...(await t.published('crm.marketing.coupon.redeemed')),
        ...(await t.published('crm.marketing.coupon.rejected')),
      ],
      (e) => e.length === 4,
    );
    expect(events.filter((e) => e.type.endsWith('redeemed')).map((e) => e.data['orderId'])).toEqual([first]);

    const converted = await waitFor(
      async () =>
        (
          await t.db.query(`SELECT campaign_id, order_id FROM touchpoints WHERE kind = 'converted' AND order_id = $1`, [
            first,
          ])
        ).rows,
      (r) => r.length === 1,
    );
    expect(converted[0].campaign_id).toBe(campaign.body.id);
    const report = await t.call<{ revenueMinor: number; roi: number; touchpoints: Record<string, number> }>(
      'GET',
      `/campaigns/${campaign.body.id}/report`,
    );
    expect(report.body).toMatchObject({
      revenueMinor: expect.any(Number),
      touchpoints: { sent: 1, converted: expect.any(Number) },
    });
    expect(report.body.revenueMinor).toBeGreaterThanOrEqual(5000);
    expect(await t.answerViolations('GET', '/campaigns/{id}/report', report.body)).toEqual([]);
    expect(personal.status).toBe(201);
    expect(await t.answerViolations('POST', '/promotions/{id}/coupons', personal.body)).toEqual([]);
  });

  it('refuses an expired promotion and one over its budget', async () => {
    const expired = await t.call<{ id: string }>('POST', '/promotions', {
      body: {
        name: 'old',
        discountKind: 'amount',
        amountMinor: 500,
        currency: 'EUR',
        codeKind: 'shared',
        sharedCode: 'OLD5',
        validUntil: daysAgo(1),
      },
    });
    expect(expired.status).toBe(201);
    const late = await order(buyer, { couponCodes: ['OLD5'] });
    await waitFor(
      () => redemptions(late),
      (r) => r.length === 1,
    );
    expect((await redemptions(late))[0].reason).toBe('expired');
    await t.call('POST', '/promotions', {
      body: {
        name: 'one',
        discountKind: 'percent',
        percent: 5,
        codeKind: 'shared',
        sharedCode: 'ONLY1',
        maxRedemptions: 1,
        perCustomerLimit: 5,
      },
    });
    const a = await order(buyer, { couponCodes: ['ONLY1'] });
    await waitFor(
      () => redemptions(a),
      (r) => r.length === 1,
    );
    const b = await order(other, { couponCodes: ['ONLY1'] });
    await waitFor(
      () => redemptions(b),
      (r) => r.length === 1,
    );
    expect([(await redemptions(a))[0].outcome, (await redemptions(b))[0].reason]).toEqual(['redeemed', 'exhausted']);
  });

  it('earns points from a paid order once, with the tier multiplier, and never lets the balance go below zero', async () => {
    const program = await t.call<{ id: string }>('POST', '/loyalty/programs', {
      body: {
        name: 'Club',
        currency: 'USD',
        pointsPerUnit: 1,
        tiers: [{ name: 'silver', threshold: 100, multiplier: 1.5 }],
      },
    });
    expect(program.status).toBe(201);
    const account = async () =>
      (
        await t.call<{ balance: number; tier: string | null; ledger: { kind: string; points: number }[] }>(
          'GET',
          `/loyalty/programs/${program.body.id}/accounts/${buyer}`,
        )
      ).body;
    const big = uuidv7();
    await order(buyer, { id: big, type: 'paid', totalMinor: 12_000, currency: 'USD' });
    // The same order again (fulfilled later) earns nothing more.
    await order(buyer, { id: big, type: 'fulfilled', version: 2, totalMinor: 12_000, currency: 'USD' });
    await waitFor(account, (a) => a.balance === 120);
    expect((await account()).tier).toBe('silver');
    await order(buyer, { type: 'paid', totalMinor: 1_000, currency: 'USD' });
    await waitFor(account, (a) => a.balance === 135);

    const tooMuch = await t.call<{ code: string }>(
      'POST',
      `/loyalty/programs/${program.body.id}/accounts/${buyer}/redeem`,
      {
        body: { points: 200 },
      },
    );
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.code).toBe('POINTS_INSUFFICIENT');
    const redeemed = await t.call<{ balance: number }>(
      'POST',
      `/loyalty/programs/${program.body.id}/accounts/${buyer}/redeem`,
      {
        body: { points: 100 },
      },
    );
    expect(redeemed.body.balance).toBe(35);
    // Cancelling the 120-point order takes back what is left, not more.
    await order(buyer, {
      id: big,
      type: 'cancelled',
      version: 3,
      status: 'cancelled',
      totalMinor: 12_000,
      currency: 'USD',
    });
    const after = await waitFor(account, (a) => a.ledger.some((e) => e.kind === 'adjust'));
    expect(after.balance).toBe(0);
    expect(after.ledger.find((e) => e.kind === 'adjust')?.points).toBe(-35);
    const earned = await t.published('crm.marketing.points.earned');
    expect(earned.map((e) => e.data['points'])).toEqual([120, 15]);
  });

  it('answers every promotion and loyalty route as its document declares', async () => {
    const conform = async (method: string, route: string, res: { status: number; body: unknown }, status = 200) => {
      expect({ route, status: res.status, body: res.status === status ? 'as asked' : res.body }).toEqual({
        route,
        status,
        body: 'as asked',
      });
      expect({ route, violations: await t.answerViolations(method, route, res.body) }).toEqual({
        route,
        violations: [],
      });
    };
    const promotions = await t.call<{ items: { id: string }[] }>('GET', '/promotions');
    await conform('GET', '/promotions', promotions);
    expect(promotions.body.items.length).toBeGreaterThanOrEqual(3);
    for (const p of promotions.body.items) {
      await conform('GET', '/promotions/{id}', await t.call('GET', `/promotions/${p.id}`));
      await conform('GET', '/promotions/{id}/redemptions', await t.call('GET', `/promotions/${p.id}/redemptions`));
    }
    const personal = await t.call<{ id: string }>('POST', '/promotions', {
      body: {
        name: 'For two',
        discountKind: 'percent',
        percent: 12.5,
        scope: 'category',
        scopeValues: ['shoes'],
        codeKind: 'unique',
        contactIds: [buyer, other],
        validFrom: daysAgo(1),
      },
    });
    await conform('POST', '/promotions', personal, 201);

    const program = await t.call<{ id: string }>('POST', '/loyalty/programs', {
      body: { name: 'Stars', currency: 'EUR', pointsPerUnit: 2, categoryMultipliers: { shoes: 2 }, expiryDays: 365 },
    });
    await conform('POST', '/loyalty/programs', program, 201);
    await conform('GET', '/loyalty/programs', await t.call('GET', '/loyalty/programs'));
    await conform('GET', '/loyalty/programs/{id}', await t.call('GET', `/loyalty/programs/${program.body.id}`));
    const account = `/loyalty/programs/${program.body.id}/accounts/${other}`;
    await conform('GET', '/loyalty/programs/{id}/accounts/{contactId}', await t.call('GET', account));
    await conform(
      'POST',
      '/loyalty/programs/{id}/accounts/{contactId}/adjust',
      await t.call('POST', `${account}/adjust`, { body: { points: 40, reason: 'goodwill' } }),
    );
    const redeemed = await t.call<{ balance: number }>('POST', `${account}/redeem`, { body: { points: 15 } });
    await conform('POST', '/loyalty/programs/{id}/accounts/{contactId}/redeem', redeemed);
    expect(redeemed.body.balance).toBe(25);
  });
});
