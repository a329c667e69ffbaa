import { uuidv7 } from '@crm/persistence';
import { AnalyticsTestApp, orderPayload } from '../testing/analytics-test-app';

jest.setTimeout(60_000);

/**
 * Bad requests across every analytics route: each is a 4xx problem+json
 * that names the field, never a 500, and nothing is written.
 */
describe('analytics refuses malformed requests (real Postgres and NATS)', () => {
  let t: AnalyticsTestApp;
  const someone = uuidv7();

  beforeAll(async () => {
    t = await AnalyticsTestApp.start();
    const o = orderPayload({ contactId: someone, day: '2026-03-01', totalMinor: 1000 });
    await t.publish(t.event('sales', 'crm.sales.order.placed', o.id, 1, o));
    await t.waitForCount(`SELECT count(*)::int AS n FROM customer_orders`, 1);
    expect((await t.post('/analytics/scores/recompute', {})).status).toBe(200);
  });
  afterAll(() => t?.stop());

  const counts = async () =>
    (
      await t.sql<{ scores: number; fits: number; outbox: number }>(
        `SELECT (SELECT count(*) FROM customer_scores)::int AS scores, (SELECT count(*) FROM clv_fits)::int AS fits,
                (SELECT count(*) FROM outbox)::int AS outbox`,
      )
    )[0];

  const gets: [string, string][] = [
    ['/analytics/rfm?from=2026-13-01', 'from'],
    ['/analytics/rfm?from=2026-02-30', 'from'],
    ['/analytics/rfm?to=yesterday', 'to'],
    ['/analytics/rfm?from=2026-05-01&to=2026-04-01', 'from'],
    ['/analytics/rfm?from=2026-01-01&from=2026-02-01', 'from'],
    ['/analytics/rfm?country=fr', 'country'],
    ['/analytics/rfm?country=FRA', 'country'],
    ['/analytics/rfm?segment=whales', 'segment'],
    ['/analytics/rfm?channel=web%00', 'channel'],
    [`/analytics/rfm?channel=${'x'.repeat(65)}`, 'channel'],
    ['/analytics/rfm?shoeSize=42', 'shoeSize'],
    ['/analytics/clv/model?unit=year', 'unit'],
    ['/analytics/clv/model?calibrationEnd=2026-1-1', 'calibrationEnd'],
    ['/analytics/customers/not-a-uuid/clv', 'id'],
    [`/analytics/customers/${uuidv7()}/clv?horizon=0`, 'horizon'],
    [`/analytics/customers/${uuidv7()}/clv?horizon=5201`, 'horizon'],
    [`/analytics/customers/${uuidv7()}/clv?horizon=1.5`, 'horizon'],
    [`/analytics/customers/${uuidv7()}/clv?horizon=abc`, 'horizon'],
    ['/analytics/customers/12345/scores', 'id'],
    ['/analytics/customers/12345/facts', 'id'],
    ['/analytics/customers/by/shoeSize', 'dimension'],
    ['/analytics/clv/top?limit=0', 'limit'],
    ['/analytics/clv/top?limit=201', 'limit'],
    ['/analytics/clv/distribution?segment=%F0%9F%92%B0', 'segment'],
    ['/analytics/cohorts?by=week', 'by'],
    ['/analytics/cohorts?months=61', 'months'],
    ['/analytics/trends?dimension=shoeSize', 'dimension'],
    ['/analytics/trends?to=2026-04-31', 'to'],
    ['/analytics/attribution?lookbackDays=0', 'lookbackDays'],
    ['/analytics/attribution?halfLifeDays=366', 'halfLifeDays'],
    ['/analytics/attribution?conversion=visit', 'conversion'],
    ['/analytics/attribution?touches=opened,bounced', 'touches'],
    ['/analytics/roi?from=2026-01-01&to=2025-01-01', 'from'],
    ['/analytics/funnels/lifecycle?stages=Lead', 'stages'],
    ['/analytics/funnels/deals?pipelineId=123', 'pipelineId'],
    ['/analytics/support/kpis?by=moon', 'by'],
    ['/analytics/support/kpis?from=01/02/2026', 'from'],
    ['/analytics/support/kpis?to=2026-02-29', 'to'],
  ];

  it.each(gets)('GET %s is a 400 naming %s', async (path, field) => {
    const before = await counts();
    const res = await fetch(`${t.base}${path}`, { headers: { authorization: `Bearer ${t.tokens['analyst']}` } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(await res.json())).toContain(field);
    expect(await counts()).toEqual(before);
  });

  const deep = (n: number): Record<string, unknown> => (n === 0 ? {} : { a: deep(n - 1) });
  const posts: [string, string | Record<string, unknown>, string, number][] = [
    ['a calibration end that is no date', { calibrationEnd: 'tomorrow' }, 'calibrationEnd', 400],
    ['a publish flag that is no boolean', { publish: 'maybe' }, 'publish', 400],
    ['an unknown field', { extra: 1 }, 'extra', 400],
    ['a lone surrogate', '{"calibrationEnd":"\\ud800"}', 'calibrationEnd', 400],
    ['nesting 200 deep', { calibrationEnd: '2026-01-01', x: deep(200) }, 'x', 400],
    ['JSON that does not parse', '{"calibrationEnd":', '', 400],
    ['a body over the limit', JSON.stringify({ calibrationEnd: 'x'.repeat(2_000_000) }), '', 413],
  ];

  it.each(posts)(
    'POST /analytics/scores/recompute with %s is refused and writes nothing',
    async (_, body, field, status) => {
      const before = await counts();
      const res = await fetch(`${t.base}/analytics/scores/recompute`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.tokens['admin']}`, 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(JSON.stringify(await res.json())).toContain(field);
      expect(await counts()).toEqual(before);
    },
  );
});
