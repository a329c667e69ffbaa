import { uuidv7 } from '@crm/persistence';
import { AnalyticsTestApp, orderPayload } from '../testing/analytics-test-app';

jest.setTimeout(60_000);

describe('analytics reports on hand-made data (real Postgres and NATS)', () => {
  let t: AnalyticsTestApp;
  const [X, Y, Z, J] = [uuidv7(), uuidv7(), uuidv7(), uuidv7()];
  const [K1, K2] = [uuidv7(), uuidv7()];
  const [L1, L2, L3] = [uuidv7(), uuidv7(), uuidv7()];
  const pipeline = uuidv7();
  const [S1, S2, S3] = [uuidv7(), uuidv7(), uuidv7()];
  const team = uuidv7();

  const order = (contactId: string, day: string, totalMinor: number) => {
    const data = orderPayload({ contactId, day, totalMinor });
    return t.event('sales', 'crm.sales.order.placed', data.id, 1, data);
  };

  beforeAll(async () => {
    t = await AnalyticsTestApp.start();
    // Cohorts and trends: X (FR) Jan, Feb, Mar; Y (FR) Jan, Mar; Z (DE) Feb.
    await t.publish(t.contact(X, 1, { lifecycleStage: 'customer', country: 'FR', source: { channel: 'web' } }));
    await t.publish(t.contact(Y, 1, { lifecycleStage: 'customer', country: 'FR', source: { channel: 'web' } }));
    await t.publish(t.contact(Z, 1, { lifecycleStage: 'customer', country: 'DE', source: { channel: 'event' } }));
    for (const [c, day, v] of [
      [X, '2026-01-10', 1000],
      [X, '2026-02-05', 500],
      [X, '2026-03-01', 700],
      [Y, '2026-01-20', 2000],
      [Y, '2026-03-15', 800],
      [Z, '2026-02-01', 4000],
    ] as const)
      await t.publish(order(c, day, v));

    // Attribution: J heard of us through a referral, then two campaigns touched J before an order of 100.00.
    await t.publish(
      t.contact(J, 1, {
        lifecycleStage: 'customer',
        country: 'IT',
        source: { channel: 'referral', campaign: 'friends' },
        createdAt: '2026-05-01T10:00:00.000Z',
      }),
    );
    for (const [id, cost, channel] of [
      [K1, 2000, 'email'],
      [K2, 5000, 'social'],
    ] as const)
      await t.publish(
        t.event('marketing', 'crm.marketing.campaign.started', id, 2, {
          id,
          version: 2,
          name: `campaign ${channel}`,
          channel,
          status: 'sending',
          sendAt: null,
          costMinor: cost,
          currency: 'EUR',
          utmCampaign: null,
        }),
      );
    const touch = (campaignId: string, channel: string, kind: string, occurredAt: string) => {
      const id = uuidv7();
      return t.event('marketing', 'crm.marketing.touchpoint.recorded', id, 1, {
        id,
        contactId: J,
        campaignId,
        messageId: null,
        kind,
        channel,
        utmSource: null,
        utmMedium: null,
        utmCampaign: null,
        url: null,
        orderId: null,
        occurredAt,
      });
    };
    await t.publish(touch(K1, 'email', 'opened', '2026-05-20T10:00:00.000Z'));
    await t.publish(touch(K2, 'social', 'clicked', '2026-05-25T10:00:00.000Z'));
    await t.publish(touch(K1, 'email', 'clicked', '2026-05-31T10:00:00.000Z'));
    await t.publish(touch(K1, 'email', 'bounced', '2026-05-31T11:00:00.000Z'));
    await t.publish(order(J, '2026-06-01', 10000));

    // Lifecycle funnel in April: L1 lead -> prospect (4 days) -> customer (10 days); L2 lead -> prospect (10 days); L3 lead.
    const stage = (id: string, v: number, s: string, at: string) =>
      t.contact(id, v, { lifecycleStage: s, country: 'ES' }, at, v === 1 ? 'created' : 'updated');
    await t.publish(stage(L1, 1, 'lead', '2026-04-01T00:00:00.000Z'));
    await t.publish(stage(L1, 2, 'prospect', '2026-04-05T00:00:00.000Z'));
    await t.publish(stage(L1, 3, 'customer', '2026-04-15T00:00:00.000Z'));
    await t.publish(stage(L2, 1, 'lead', '2026-04-02T00:00:00.000Z'));
    await t.publish(stage(L2, 2, 'prospect', '2026-04-12T00:00:00.000Z'));
    await t.publish(stage(L3, 1, 'lead', '2026-04-03T00:00:00.000Z'));

    // Deals in July: D1 S1 -> S2 (2 days) -> S3 won (5 days); D2 S1 -> S2 (4 days); D3 stays in S1.
    const deal = (id: string, v: number, stageId: string, probability: number, status = 'open') => ({
      id,
      version: v,
      name: 'deal',
      pipelineId: pipeline,
      stageId,
      stageName: `stage ${probability}`,
      probability,
      status,
      contactId: X,
      accountId: null,
      ownerId: null,
      amountMinor: 50000,
      currency: 'EUR',
      currencyDigits: 2,
      expectedCloseDate: null,
      source: { campaign: null, channel: null },
      tags: [],
      customFields: {},
      closedAt: status === 'won' ? '2026-07-08T00:00:00.000Z' : null,
      closedBy: null,
      lostReason: null,
      createdAt: '2026-07-01T00:00:00.000Z',
      updatedAt: '2026-07-01T00:00:00.000Z',
    });
    const move = (id: string, v: number, from: string, to: string, p: number, seconds: number, status = 'open') =>
      t.event('sales', 'crm.sales.deal.stage-changed', id, v, {
        ...deal(id, v, to, p, status),
        fromStageId: from,
        toStageId: to,
        movedBy: null,
        movedAt: new Date(Date.parse('2026-07-01T00:00:00Z') + seconds * 1000).toISOString(),
        secondsInFromStage: seconds,
        reopened: false,
      });
    const [D1, D2, D3] = [uuidv7(), uuidv7(), uuidv7()];
    for (const d of [D1, D2, D3]) await t.publish(t.event('sales', 'crm.sales.deal.created', d, 1, deal(d, 1, S1, 10)));
    await t.publish(move(D1, 2, S1, S2, 50, 172800));
    await t.publish(move(D1, 3, S2, S3, 100, 432000, 'won'));
    await t.publish(t.event('sales', 'crm.sales.deal.won', D1, 3, deal(D1, 3, S3, 100, 'won')));
    await t.publish(move(D2, 2, S1, S2, 50, 345600));

    // Support in business time (Mon-Fri 09:00-17:00 UTC); 2026-11-27 is a Friday.
    const ticket = (id: string, v: number, f: Record<string, unknown>) => ({
      id,
      number: 1,
      version: v,
      status: 'open',
      priority: 'high',
      channel: 'email',
      type: null,
      tags: [],
      requesterId: X,
      accountId: null,
      assetId: null,
      teamId: team,
      assigneeId: null,
      slaPolicyId: null,
      mergedInto: null,
      updatedAt: '2026-11-30T00:00:00.000Z',
      firstRespondedAt: null,
      solvedAt: null,
      closedAt: null,
      ...f,
    });
    const [T1, T2] = [uuidv7(), uuidv7()];
    const t1 = { createdAt: '2026-11-27T16:00:00.000Z', firstRespondedAt: '2026-11-30T10:00:00.000Z' };
    await t.publish(
      t.event('support', 'crm.support.ticket.created', T1, 1, ticket(T1, 1, { createdAt: t1.createdAt })),
    );
    await t.publish(
      t.event(
        'support',
        'crm.support.ticket.solved',
        T1,
        2,
        ticket(T1, 2, { ...t1, status: 'solved', solvedAt: '2026-11-30T16:00:00.000Z' }),
      ),
    );
    const t2 = { createdAt: '2026-11-30T09:00:00.000Z', firstRespondedAt: '2026-11-30T09:30:00.000Z' };
    await t.publish(
      t.event(
        'support',
        'crm.support.ticket.solved',
        T2,
        2,
        ticket(T2, 2, { ...t2, status: 'solved', solvedAt: '2026-11-30T11:00:00.000Z' }),
      ),
    );
    const reopened = t.event('support', 'crm.support.ticket.reopened', T2, 3, ticket(T2, 3, { ...t2, status: 'open' }));
    await t.publish(reopened);
    await t.publish(reopened, `${reopened.id}-again`);
    await t.publish(
      t.event(
        'support',
        'crm.support.ticket.solved',
        T2,
        4,
        ticket(T2, 4, { ...t2, status: 'solved', solvedAt: '2026-11-30T13:00:00.000Z' }),
      ),
    );
    await t.publish(
      t.event('support', 'crm.support.sla.breached', T2, 3, {
        ticketId: T2,
        target: 'resolution',
        targetSeconds: 3600,
        dueAt: '2026-11-30T10:00:00.000Z',
        at: '2026-11-30T10:00:00.000Z',
      }),
    );
    for (const [tk, score] of [
      [T1, 5],
      [T2, 3],
    ] as const)
      await t.publish(
        t.event('support', 'crm.support.csat.received', tk, 5, {
          surveyId: uuidv7(),
          ticketId: tk,
          agentId: null,
          teamId: team,
          requesterId: X,
          score,
          answeredAt: '2026-11-30T18:00:00.000Z',
        }),
      );

    await t.waitForCount(`SELECT count(*)::int AS n FROM orders`, 7);
    await t.waitForCount(`SELECT count(*)::int AS n FROM touchpoints`, 4);
    await t.waitForCount(
      `SELECT count(*)::int AS n FROM lifecycle_history WHERE contact_id IN ('${L1}','${L2}','${L3}')`,
      6,
    );
    await t.waitForCount(`SELECT count(*)::int AS n FROM deal_stage_history`, 6);
    await t.waitForCount(`SELECT count(*)::int AS n FROM deals WHERE status = 'won'`, 1);
    await t.waitForCount(
      `SELECT count(*)::int AS n FROM tickets WHERE version = 4 OR (ticket_id = '${T1}' AND version = 2)`,
      2,
    );
    await t.waitForCount(`SELECT count(*)::int AS n FROM csat_answers`, 2);
    await t.waitForCount(`SELECT count(*)::int AS n FROM sla_breaches`, 1);
    await t.waitForCount(`SELECT count(*)::int AS n FROM campaigns`, 2);
  });
  afterAll(() => t?.stop());

  it('builds the cohort matrix by first-order month: retention and revenue per month since', async () => {
    const res = await t.get('/analytics/cohorts?from=2026-01-01&to=2026-03-31&months=3');
    expect(res.status).toBe(200);
    expect(res.body['cohorts']).toEqual([
      { cohort: '2026-01', customers: 2, active: [2, 1, 2], revenueMinor: [3000, 500, 1500], retention: [1, 0.5, 1] },
      { cohort: '2026-02', customers: 1, active: [1, 0, 0], revenueMinor: [4000, 0, 0], retention: [1, 0, 0] },
    ]);
    const fr = await t.get('/analytics/cohorts?from=2026-01-01&to=2026-03-31&months=3&country=FR');
    expect((fr.body['cohorts'] as unknown[]).length).toBe(1);
  });

  it('reports purchase habits by country with monthly growth', async () => {
    const res = await t.get('/analytics/trends?dimension=country&from=2026-01-01&to=2026-03-31');
    expect(res.status).toBe(200);
    expect(res.body['groups']).toEqual([
      { key: 'FR', revenueMinor: 5000, orders: 5, customers: 2, averageOrderMinor: 1000, ordersPerCustomer: 2.5 },
      { key: 'DE', revenueMinor: 4000, orders: 1, customers: 1, averageOrderMinor: 4000, ordersPerCustomer: 1 },
    ]);
    const series = res.body['series'] as {
      month: string;
      revenueMinor: number;
      revenueGrowth: { previousPeriod: number | null };
    }[];
    expect(series.map((s) => [s.month, s.revenueMinor, s.revenueGrowth.previousPeriod])).toEqual([
      ['2026-01', 3000, null],
      ['2026-02', 4500, 0.5],
      ['2026-03', 1500, -2 / 3],
    ]);
  });

  it("credits one customer's journey under every attribution model, and campaign ROI", async () => {
    const res = await t.get('/analytics/attribution?from=2026-06-01&to=2026-06-30&lookbackDays=30&halfLifeDays=7');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ conversions: 1, revenueMinor: 10000, unattributedMinor: 0 });
    // Journey: referral (acquisition, 31 days before), email (12 days), social (7 days), email (1 day); bounced is no touch.
    const w = [31, 12, 7, 1].map((days) => Math.pow(0.5, days / 7));
    const sum = w.reduce((a, b) => a + b, 0);
    const byChannel = Object.fromEntries(
      (res.body['byChannel'] as { channel: string }[]).map(({ channel, ...rest }) => [channel, rest]),
    );
    expect(byChannel).toEqual({
      referral: {
        firstTouch: 10000,
        lastTouch: 0,
        linear: 2500,
        positionBased: 4000,
        timeDecay: Math.round((10000 * w[0]) / sum),
      },
      email: {
        firstTouch: 0,
        lastTouch: 10000,
        linear: 5000,
        positionBased: 5000,
        timeDecay: Math.round((10000 * (w[1] + w[3])) / sum),
      },
      social: {
        firstTouch: 0,
        lastTouch: 0,
        linear: 2500,
        positionBased: 1000,
        timeDecay: Math.round((10000 * w[2]) / sum),
      },
    });
    const roi = await t.get('/analytics/roi?from=2026-06-01&to=2026-06-30');
    const campaigns = roi.body['campaigns'] as { campaignId: string; costMinor: number; roi: Record<string, number> }[];
    expect(campaigns.find((c) => c.campaignId === K1)).toMatchObject({
      costMinor: 2000,
      roi: { linear: 1.5, lastTouch: 4 },
    });
    expect(campaigns.find((c) => c.campaignId === K2)).toMatchObject({
      costMinor: 5000,
      roi: { linear: -0.5, firstTouch: -1 },
    });
  });

  it('counts the lifecycle funnel: conversion and median days between steps', async () => {
    const res = await t.get('/analytics/funnels/lifecycle?from=2026-04-01&to=2026-04-30');
    expect(res.status).toBe(200);
    expect(res.body['steps']).toEqual([
      { stage: 'lead', reached: 3, conversionToNext: 2 / 3, medianDaysToNext: 7 },
      { stage: 'prospect', reached: 2, conversionToNext: 0.5, medianDaysToNext: 10 },
      { stage: 'customer', reached: 1, conversionToNext: null, medianDaysToNext: null },
    ]);
  });

  it('counts the deal funnel per pipeline in stage order, with the median time in each stage', async () => {
    const res = await t.get(`/analytics/funnels/deals?from=2026-07-01&to=2026-07-31&pipelineId=${pipeline}`);
    expect(res.status).toBe(200);
    expect(res.body['pipelines']).toEqual([
      {
        pipelineId: pipeline,
        deals: 3,
        won: 1,
        wonRate: 1 / 3,
        stages: [
          { stageId: S1, name: 'stage 10', entered: 3, conversionToNext: 2 / 3, medianSecondsInStage: 259200 },
          { stageId: S2, name: 'stage 50', entered: 2, conversionToNext: 0.5, medianSecondsInStage: 432000 },
          { stageId: S3, name: 'stage 100', entered: 1, conversionToNext: null, medianSecondsInStage: null },
        ],
      },
    ]);
  });

  it('reports support KPIs in business and calendar time, SLA breaches, reopens and CSAT', async () => {
    const res = await t.get('/analytics/support/kpis?by=team&from=2026-11-01&to=2026-11-30');
    expect(res.status).toBe(200);
    // T1: Fri 16:00 -> Mon 10:00 first response (66 h, 2 business h), solved Mon 16:00 (72 h, 8 business h).
    // T2: Mon 09:00 -> 09:30 (30 min), solved 11:00, reopened, solved again 13:00 (4 h), one SLA breach.
    expect(res.body['groups']).toEqual([
      {
        key: team,
        tickets: 2,
        firstResponseSeconds: { calendar: (237600 + 1800) / 2, business: (7200 + 1800) / 2 },
        resolutionSeconds: { calendar: (259200 + 14400) / 2, business: (28800 + 14400) / 2 },
        slaBreachRate: 0.5,
        backlog: 0,
        reopenRate: 0.5,
        csat: { average: 4, answers: 2 },
      },
    ]);
    expect((res.body['series'] as { month: string }[]).map((s) => s.month)).toEqual(['2026-11']);
  });

  it('answers every report in the shape its API reference declares', async () => {
    const asked: [string, string][] = [
      ['/analytics/cohorts', '?from=2026-01-01&to=2026-03-31&months=3'],
      ['/analytics/cohorts', '?by=acquisition&from=2026-01-01&to=2026-12-31'],
      ['/analytics/trends', '?dimension=country&from=2026-01-01&to=2026-03-31'],
      ['/analytics/trends', '?dimension=category&from=2026-01-01&to=2026-12-31'],
      ['/analytics/trends', '?dimension=ageBand&from=2026-01-01&to=2026-12-31'],
      ['/analytics/attribution', '?from=2026-06-01&to=2026-06-30&lookbackDays=30&halfLifeDays=7'],
      ['/analytics/attribution', '?conversion=deal&from=2026-01-01&to=2026-12-31'],
      ['/analytics/roi', '?from=2026-06-01&to=2026-06-30'],
      ['/analytics/funnels/lifecycle', '?from=2026-04-01&to=2026-04-30'],
      ['/analytics/funnels/deals', `?from=2026-07-01&to=2026-07-31&pipelineId=${pipeline}`],
      ['/analytics/support/kpis', '?by=team&from=2026-11-01&to=2026-11-30'],
      ['/analytics/support/kpis', '?by=agent&from=2026-01-01&to=2026-12-31'],
    ];
    for (const [route, query] of asked) {
      const res = await t.get(`${route}${query}`);
      const violations = await t.answerViolations('GET', route, res.body);
      expect({ route, query, status: res.status, violations }).toEqual({ route, query, status: 200, violations: [] });
    }
  });
});
