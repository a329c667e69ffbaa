import { startSalesApp, type SalesTestApp } from '../testing/sales-test-app';

jest.setTimeout(60_000);

interface Pipeline {
  id: string;
  stages: { id: string; name: string }[];
}
interface Figures {
  openCount: number;
  openAmountMinor: number;
  weightedMinor: number;
  wonCount: number;
  committedMinor: number;
}
interface Forecast {
  currency: string;
  converted: boolean;
  rows: (Figures & { period: string; ownerId?: string | null; pipelineId?: string })[];
  totals: Figures;
  undatedOpenCount: number;
}
interface Board {
  columns: {
    stage: { name: string };
    count: number;
    totals: { currency: string; count: number; amountMinor: number; weightedMinor: number }[];
    deals: { id: string; name: string }[];
  }[];
}

const thisMonth = new Date().toISOString().slice(0, 7);

describe('forecast and pipeline board, sums checked to the minor unit (real Postgres)', () => {
  let t: SalesTestApp;
  let p: Pipeline;
  let p2: Pipeline;

  beforeAll(async () => {
    t = await startSalesApp('forecast');
    p = (await t.call<Pipeline>('POST', '/pipelines', { body: { name: 'New business' } })).body;
    p2 = (await t.call<Pipeline>('POST', '/pipelines', { body: { name: 'Partners' } })).body;
    const reason = (await t.call<{ id: string }>('POST', '/lost-reasons', { body: { label: 'No budget' } })).body;
    const stage = (name: string, of = p) => of.stages.find((s) => s.name === name)!.id;
    const deal = async (
      name: string,
      amountMinor: number,
      currency: string,
      stageName: string,
      ownerId: string,
      expectedCloseDate?: string,
      of = p,
    ) => {
      const open = ['Qualification', 'Proposal', 'Negotiation'].includes(stageName);
      const res = await t.call<{ id: string }>('POST', '/deals', {
        body: {
          name,
          pipelineId: of.id,
          stageId: open ? stage(stageName, of) : undefined,
          amountMinor,
          currency,
          ownerId,
          expectedCloseDate,
        },
      });
      expect(res.status).toBe(201);
      if (stageName === 'Won')
        await t.call('POST', `/deals/${res.body.id}/stage`, { body: { stageId: stage('Won', of) } });
      if (stageName === 'Lost')
        await t.call('POST', `/deals/${res.body.id}/stage`, {
          body: { stageId: stage('Lost', of), lostReasonId: reason.id },
        });
    };
    await deal('d1', 10_005, 'EUR', 'Qualification', 'ann', '2027-01-15');
    await deal('d2', 10_005, 'EUR', 'Qualification', 'bob', '2027-01-20');
    await deal('d3', 3_333, 'EUR', 'Proposal', 'bob', '2027-01-31');
    await deal('d4', 999, 'EUR', 'Negotiation', 'ann', '2027-02-01');
    await deal('d5', 50_000, 'EUR', 'Won', 'ann', '2027-06-01');
    await deal('d6', 7_777, 'EUR', 'Lost', 'bob', '2027-01-05');
    await deal('d7', 10_000, 'USD', 'Proposal', 'ann', '2027-01-10');
    await deal('d8', 1_000, 'JPY', 'Negotiation', 'bob', '2027-03-05');
    await deal('d9', 1_000, 'EUR', 'Qualification', 'bob');
    await deal('e1', 2_000, 'EUR', 'Proposal', 'ann', '2027-01-02', p2);
  });
  afterAll(() => t.close());

  const forecast = async (q: string) => {
    const res = await t.call<Forecast>('GET', `/forecast?${q}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('sums weighted (rounded once, half up) and committed by month in the one currency asked for', async () => {
    const f = await forecast(`currency=EUR&pipelineId=${p.id}`);
    expect(
      f.rows.map(({ period, openCount, openAmountMinor, weightedMinor, wonCount, committedMinor }) => [
        period,
        openCount,
        openAmountMinor,
        weightedMinor,
        wonCount,
        committedMinor,
      ]),
    ).toEqual(
      [
        // 10_005×10% + 10_005×10% + 3_333×40% = 3334.2 (each deal rounded alone would give 3335)
        ['2027-01', 3, 23_343, 3_334, 0, 0],
        ['2027-02', 1, 999, 699, 0, 0],
        [thisMonth, 0, 0, 0, 1, 50_000],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    // 4033.5 rounds half up to 4034
    expect(f.totals).toEqual({
      openCount: 4,
      openAmountMinor: 24_342,
      weightedMinor: 4_034,
      wonCount: 1,
      committedMinor: 50_000,
    });
    expect(f.undatedOpenCount).toBe(1);
  });

  it('groups by quarter and by owner, and by pipeline', async () => {
    const q = await forecast(`currency=EUR&period=quarter&from=2027-01-01&to=2027-03-31&pipelineId=${p.id}`);
    expect(q.rows).toEqual([
      {
        period: '2027-Q1',
        openCount: 4,
        openAmountMinor: 24_342,
        weightedMinor: 4_034,
        wonCount: 0,
        committedMinor: 0,
      },
    ]);
    const byOwner = await forecast(`currency=EUR&groupBy=owner&from=2027-01-01&to=2027-01-31&pipelineId=${p.id}`);
    expect(byOwner.rows.map((r) => [r.period, r.ownerId, r.openAmountMinor, r.weightedMinor])).toEqual([
      ['2027-01', 'ann', 10_005, 1_001],
      ['2027-01', 'bob', 13_338, 2_334],
    ]);
    expect(byOwner.totals.weightedMinor).toBe(3_334);
    const byPipeline = await forecast(`currency=EUR&groupBy=pipeline&from=2027-01-01&to=2027-01-31`);
    expect(byPipeline.rows.map((r) => [r.pipelineId, r.openAmountMinor, r.weightedMinor]).sort()).toEqual(
      [
        [p.id, 23_343, 3_334],
        [p2.id, 2_000, 800],
      ].sort(),
    );
    const ann = await forecast(`currency=EUR&ownerId=ann&pipelineId=${p.id}`);
    expect(ann.totals).toMatchObject({ openCount: 2, weightedMinor: 1_700, committedMinor: 50_000 });
  });

  it('converts every currency with the rate table into a base-currency total, or names the missing rate', async () => {
    const missing = await t.call<{ code: string; missing: string[] }>('GET', `/forecast?currency=EUR&convert=true`);
    expect(missing.status).toBe(422);
    expect(missing.body).toMatchObject({ code: 'CURRENCY_RATE_MISSING', missing: ['JPY', 'USD'] });
    expect((await t.call('PUT', '/currency-rates/USD', { body: { rate: '0.9' } })).status).toBe(200);
    expect((await t.call('PUT', '/currency-rates/JPY', { body: { rate: '0.0062' } })).status).toBe(200);
    const f = await forecast(`currency=EUR&convert=true&pipelineId=${p.id}`);
    expect(f.converted).toBe(true);
    // USD 100.00 = EUR 90.00 (weighted 40%: 36.00); JPY 1000 = EUR 6.20 (weighted 70%: 4.34)
    expect(f.rows.find((r) => r.period === '2027-01')).toMatchObject({ openAmountMinor: 32_343, weightedMinor: 6_934 });
    expect(f.rows.find((r) => r.period === '2027-03')).toMatchObject({ openAmountMinor: 620, weightedMinor: 434 });
    // 4033.5 + 3600 + 434 = 8067.5 -> 8068
    expect(f.totals).toMatchObject({ openAmountMinor: 33_962, weightedMinor: 8_068, committedMinor: 50_000 });
    const rates = (
      await t.call<{ base: string; rates: { currency: string; rate: string }[] }>('GET', '/currency-rates')
    ).body;
    expect(rates).toMatchObject({
      base: 'EUR',
      rates: [
        { currency: 'JPY', rate: '0.0062' },
        { currency: 'USD', rate: '0.9' },
      ],
    });
  });

  it('shows the board: active stages in order with counts and sums per currency', async () => {
    const res = await t.call<Board>('GET', `/pipelines/${p.id}/board?dealsPerStage=2`);
    expect(res.status).toBe(200);
    const cols = res.body.columns.map((c) => [
      c.stage.name,
      c.count,
      c.totals.map((x) => [x.currency, x.count, x.amountMinor, x.weightedMinor]),
    ]);
    expect(cols).toEqual([
      ['Qualification', 3, [['EUR', 3, 21_010, 2_101]]],
      [
        'Proposal',
        2,
        [
          ['EUR', 1, 3_333, 1_333],
          ['USD', 1, 10_000, 4_000],
        ],
      ],
      [
        'Negotiation',
        2,
        [
          ['EUR', 1, 999, 699],
          ['JPY', 1, 1_000, 700],
        ],
      ],
      ['Won', 1, [['EUR', 1, 50_000, 50_000]]],
      ['Lost', 1, [['EUR', 1, 7_777, 0]]],
    ]);
    expect(res.body.columns[0].deals.map((d) => d.name)).toEqual(['d9', 'd2']);
    const ann = await t.call<Board>('GET', `/pipelines/${p.id}/board?ownerId=ann`);
    expect(ann.body.columns.map((c) => c.count)).toEqual([1, 1, 1, 1, 0]);
  });

  it('keeps the board totals in step with amount, owner and stage changes', async () => {
    const d9 = (await t.call<{ items: { id: string }[] }>('GET', '/deals?q=d9')).body.items[0].id;
    await t.call('PATCH', `/deals/${d9}`, { body: { amountMinor: 2_000, ownerId: 'ann' } });
    const proposal = p.stages.find((s) => s.name === 'Proposal')!.id;
    const d1 = (await t.call<{ items: { id: string }[] }>('GET', '/deals?q=d1')).body.items[0].id;
    await t.call('POST', `/deals/${d1}/stage`, { body: { stageId: proposal } });
    const board = (await t.call<Board>('GET', `/pipelines/${p.id}/board?dealsPerStage=0`)).body;
    expect(
      board.columns.slice(0, 2).map((c) => [c.stage.name, c.totals.map((x) => [x.currency, x.count, x.amountMinor])]),
    ).toEqual([
      ['Qualification', [['EUR', 2, 12_005]]],
      [
        'Proposal',
        [
          ['EUR', 2, 13_338],
          ['USD', 1, 10_000],
        ],
      ],
    ]);
    const ann = (await t.call<Board>('GET', `/pipelines/${p.id}/board?ownerId=ann`)).body;
    expect(ann.columns.map((c) => c.count)).toEqual([1, 2, 1, 1, 0]);
  });
});
