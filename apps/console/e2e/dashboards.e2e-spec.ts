import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { accessible as accessibleScreen, launch, signIn, watchCsp } from './browser';
import { apiCall, consoleSuite } from './suite';

// The analytics dashboards of issue 13 (every chart with its numbers as a table and a CSV), a
// PDF's preview and where a person's data went to partners, in the real browser against the
// built suite; select with `npx nx e2e console --testFile=dashboards`.
const runId = Date.now().toString(36);
const suite = consoleSuite();
let browser: Browser;
let context: BrowserContext;
let page: Page;
let token: string;
const cspReports: string[] = [];

const api = <T>(method: string, path: string, body?: unknown) => apiCall<T>(suite.baseUrl, method, path, token, body);
const accessible = (name: string) => accessibleScreen(page, name);

/** As the table shows them (English formats, the reporting currency EUR). */
const eur = (minor: number | null) =>
  minor === null ? '—' : new Intl.NumberFormat('en', { style: 'currency', currency: 'EUR' }).format(minor / 100);
const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)} %`);
const count = (n: number) => n.toLocaleString('en');
/** As the CSV writes them. */
const major = (minor: number | null) => (minor === null ? '' : (minor / 100).toFixed(2));
const fraction = (r: number | null) => (r === null ? '' : String(Math.round(r * 10_000) / 10_000));

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Every body row of a table as its cells' text, the row header first. */
async function rowsOf(label: string): Promise<string[][]> {
  const table = page.getByRole('table', { name: label, exact: true });
  await table.waitFor();
  return table
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent?.trim() ?? '')));
}

/** The CSV the chart's button saves, as rows of fields (the test's values hold no commas or quotes). */
async function csvOf(label: string): Promise<{ name: string; rows: string[][] }> {
  const saved = page.waitForEvent('download');
  await page.getByRole('button', { name: `Download CSV of ${label}` }).click();
  const file = await saved;
  const text = readFileSync(await file.path(), 'utf8');
  expect(text.endsWith('\r\n')).toBe(true);
  return {
    name: file.suggestedFilename(),
    rows: text
      .trimEnd()
      .split('\r\n')
      .map((l) => l.split(',')),
  };
}

const country = () => page.getByRole('textbox', { name: 'Country', exact: true });
const dashboards = () => page.getByRole('navigation', { name: 'Dashboards' });

const days = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

interface Seed {
  contacts: Record<'ana' | 'ben' | 'cleo', string>;
  pipelineId: string;
  campaign: string;
}
const seed = {} as Seed;

beforeAll(async () => {
  await suite.start();
  token = await suite.token(['admin']);
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  watchCsp(page, cspReports);

  // Three customers in two countries from two channels, four orders (two months apart for Ana),
  // two tickets, two deals of a pipeline (one moved on) and a campaign with a cost.
  const people = [
    ['ana', 'Ana', 'FR', 'web', '1985-04-01'],
    ['ben', 'Ben', 'FR', 'referral', '1972-09-15'],
    ['cleo', 'Cleo', 'DE', 'web', '1999-01-20'],
  ] as const;
  seed.contacts = {} as Seed['contacts'];
  for (const [key, first, country, channel, birthDate] of people) {
    const c = await api<{ id: string }>('POST', '/api/v1/contacts', {
      firstName: first,
      lastName: `Buyer${runId}`,
      country,
      birthDate,
      lifecycleStage: 'customer',
      source: { channel },
    });
    expect(c.status).toBe(201);
    seed.contacts[key] = c.body.id;
  }
  const orders: [keyof Seed['contacts'], number, number][] = [
    ['ana', 10_000, 60],
    ['ana', 5_000, 2],
    ['ben', 8_000, 1],
    ['cleo', 3_000, 1],
  ];
  for (const [who, price, ago] of orders) {
    const o = await api('POST', '/api/v1/orders', {
      channel: 'web',
      currency: 'EUR',
      contactId: seed.contacts[who],
      placedAt: days(ago),
      lines: [{ sku: `FREE-${runId}`, name: 'Gift card', quantity: 1, unitPriceMinor: price }],
    });
    expect(o.status).toBe(201);
  }
  for (const [subject, priority, who] of [
    ['Card not working', 'high', 'ana'],
    ['Where is my order', 'normal', 'cleo'],
  ] as const) {
    const t = await api('POST', '/api/v1/tickets', {
      subject: `${subject} ${runId}`,
      priority,
      channel: 'email',
      requesterId: seed.contacts[who],
    });
    expect(t.status).toBe(201);
  }
  const pipeline = await api<{ id: string; stages: { id: string; name: string }[] }>('POST', '/api/v1/pipelines', {
    name: `Funnel ${runId}`,
  });
  expect(pipeline.status).toBe(201);
  seed.pipelineId = pipeline.body.id;
  for (const name of ['Shop fit-out', 'Spare parts']) {
    const d = await api<{ id: string }>('POST', '/api/v1/deals', {
      name: `${name} ${runId}`,
      pipelineId: pipeline.body.id,
      amountMinor: 100_000,
      currency: 'EUR',
      contactId: seed.contacts.ana,
    });
    expect(d.status).toBe(201);
    if (name === 'Spare parts') {
      const moved = await api('POST', `/api/v1/deals/${d.body.id}/stage`, { stageId: pipeline.body.stages[1].id });
      expect(moved.status).toBe(200);
    }
  }
  const template = await api<{ id: string }>('POST', '/api/v1/templates', {
    name: `Autumn ${runId}`,
    channel: 'email',
    subject: 'Autumn',
    body: '<p>Autumn offers.</p>',
  });
  expect(template.status).toBe(201);
  seed.campaign = `Autumn push ${runId}`;
  const campaign = await api<{ id: string }>('POST', '/api/v1/campaigns', {
    name: seed.campaign,
    channel: 'email',
    templateId: template.body.id,
    contactIds: [seed.contacts.ana],
    costMinor: 5_000,
    currency: 'EUR',
  });
  expect(campaign.status).toBe(201);
  // Analytics learns of a campaign when it is scheduled.
  expect((await api(`POST`, `/api/v1/campaigns/${campaign.body.id}/schedule`, {})).status).toBeLessThan(300);

  // Analytics reads all of it from the event streams: wait until it has, then score everyone.
  await until(
    'orders in analytics',
    async () => (await api<{ groups: { key: string; orders: number }[] }>('GET', '/api/v1/analytics/trends')).body,
    (t) => t.groups.reduce((n, g) => n + g.orders, 0) === 4 && t.groups.some((g) => g.key === 'DE'),
  );
  await until(
    'tickets in analytics',
    async () => (await api<{ groups: { tickets: number }[] }>('GET', '/api/v1/analytics/support/kpis')).body,
    (k) => k.groups.reduce((n, g) => n + g.tickets, 0) === 2,
  );
  await until(
    'the campaign in analytics',
    async () => (await api<{ campaigns: { name: string }[] }>('GET', '/api/v1/analytics/roi')).body,
    (r) => r.campaigns.some((c) => c.name === seed.campaign),
  );
  await until(
    'the deals in analytics',
    async () =>
      (await api<{ pipelines: { pipelineId: string; deals: number }[] }>('GET', '/api/v1/analytics/funnels/deals'))
        .body,
    (f) => f.pipelines.some((p) => p.pipelineId === seed.pipelineId && p.deals === 2),
  );
  expect((await api('POST', '/api/v1/analytics/scores/recompute', { publish: 'false' })).status).toBe(200);
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await suite.teardown();
});

describe('the analytics dashboards in a real browser: each chart, its numbers as a table, the same as a CSV', () => {
  it('shows the RFM grid and the CLV deciles as the API counts them, and saves them as CSV', async () => {
    await signIn(page, suite.baseUrl, 'admin', 'Ada Analyst');
    await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Analytics' }).click();
    const rfm = (
      await api<{ customers: number; segments: Record<string, { customers: number; share: number }> }>(
        'GET',
        '/api/v1/analytics/rfm',
      )
    ).body;
    expect(rfm.customers).toBe(3);
    await page.getByText('3 customers scored', { exact: false }).waitFor();
    const rows = await rowsOf('RFM segments in numbers');
    expect(rows).toHaveLength(10);
    const champions = rows.find((r) => r[0] === 'Champions');
    expect(champions?.slice(1, 3)).toEqual([
      count(rfm.segments['champions'].customers),
      pct(rfm.segments['champions'].share),
    ]);
    expect(rows.reduce((n, r) => n + Number(r[1]), 0)).toBe(3);
    const csv = await csvOf('RFM segments in numbers');
    expect(csv.name).toBe('rfm-segments.csv');
    expect(csv.rows[0]).toEqual([
      'Segment',
      'Customers',
      'Share',
      'Monetary (EUR)',
      'Mean recency (days)',
      'Mean frequency',
    ]);
    expect(csv.rows.find((r) => r[0] === 'Champions')?.slice(1, 3)).toEqual([
      String(rfm.segments['champions'].customers),
      fraction(rfm.segments['champions'].share),
    ]);
    const clv = (await api<{ customers: number; deciles: number[] }>('GET', '/api/v1/analytics/clv/distribution')).body;
    await page.getByText(`${clv.customers} customers with a CLV`).waitFor();
    if (clv.deciles.length) {
      expect((await rowsOf('CLV by decile in numbers')).map((r) => r[1])).toEqual(clv.deciles.map(eur));
      expect((await csvOf('CLV by decile in numbers')).rows.slice(1).map((r) => r[1])).toEqual(clv.deciles.map(major));
    } else await page.getByText('No customer has a CLV yet.').waitFor();
    await accessible('analytics-customer-value');
  });

  it('filters a dashboard by country from the filter bar, kept in the address', async () => {
    await country().fill('de');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/country=DE/);
    await page.getByText('1 customers scored', { exact: false }).waitFor();
    const rows = await rowsOf('RFM segments in numbers');
    expect(rows.reduce((n, r) => n + Number(r[1]), 0)).toBe(1);
    // The filter follows to the next dashboard.
    await dashboards().getByRole('link', { name: 'Purchase trends' }).click();
    await page.waitForURL(/\/analytics\/trends\?country=DE/);
    expect(await rowsOf('Purchases by group in numbers')).toEqual([['DE', eur(3_000), '1', '1', eur(3_000), '1.00']]);
    await country().fill('');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((u) => !u.search.includes('country'));
  });

  it('shows purchases by country and by acquisition channel with their monthly trend', async () => {
    const t = (
      await api<{
        groups: {
          key: string;
          revenueMinor: number;
          orders: number;
          customers: number;
          averageOrderMinor: number;
          ordersPerCustomer: number;
        }[];
        series: { month: string; revenueMinor: number; orders: number }[];
      }>('GET', '/api/v1/analytics/trends?dimension=country')
    ).body;
    expect(t.groups.map((g) => [g.key, g.revenueMinor, g.orders, g.customers])).toEqual([
      ['FR', 23_000, 3, 2],
      ['DE', 3_000, 1, 1],
    ]);
    const expected = t.groups.map((g) => [
      g.key,
      eur(g.revenueMinor),
      String(g.orders),
      String(g.customers),
      eur(g.averageOrderMinor),
      g.ordersPerCustomer.toFixed(2),
    ]);
    expect(await rowsOf('Purchases by group in numbers')).toEqual(expected);
    const csv = await csvOf('Purchases by group in numbers');
    expect(csv.name).toBe('purchases-by-country.csv');
    expect(csv.rows).toEqual([
      ['Country', 'Revenue (EUR)', 'Orders', 'Customers', 'Average order (EUR)', 'Orders per customer'],
      ...t.groups.map((g) => [
        g.key,
        major(g.revenueMinor),
        String(g.orders),
        String(g.customers),
        major(g.averageOrderMinor),
        String(Math.round(g.ordersPerCustomer * 100) / 100),
      ]),
    ]);
    const months = await rowsOf('Purchases by month in numbers');
    expect(months.map((r) => [r[0], r[1], r[2]])).toEqual(
      t.series.map((m) => [m.month, eur(m.revenueMinor), count(m.orders)]),
    );
    expect(t.series.reduce((n, m) => n + m.orders, 0)).toBe(4);
    await accessible('analytics-purchase-trends');
    await page.getByLabel('Group by').selectOption({ label: 'Acquisition channel' });
    await page.waitForURL(/dimension=acquisitionChannel/);
    const byChannel = (
      await api<{ groups: { key: string; revenueMinor: number }[] }>(
        'GET',
        '/api/v1/analytics/trends?dimension=acquisitionChannel',
      )
    ).body;
    expect(byChannel.groups.map((g) => [g.key, g.revenueMinor])).toEqual([
      ['web', 18_000],
      ['referral', 8_000],
    ]);
    await page.getByRole('table', { name: 'Purchases by group in numbers' }).getByText('referral').waitFor();
    expect((await rowsOf('Purchases by group in numbers')).map((r) => [r[0], r[1]])).toEqual(
      byChannel.groups.map((g) => [g.key, eur(g.revenueMinor)]),
    );
  });

  it('shows the cohort heatmap with the share of each cohort buying in each month since', async () => {
    await dashboards().getByRole('link', { name: 'Cohorts' }).click();
    const c = (
      await api<{ months: number; cohorts: { cohort: string; customers: number; retention: number[] }[] }>(
        'GET',
        '/api/v1/analytics/cohorts?by=firstOrder&months=12',
      )
    ).body;
    expect(c.cohorts.reduce((n, x) => n + x.customers, 0)).toBe(3);
    const rows = await rowsOf('Cohort retention in numbers');
    expect(rows).toEqual(
      c.cohorts.map((x) => [
        x.cohort,
        String(x.customers),
        ...Array.from({ length: 12 }, (_, k) => pct(x.retention[k] ?? null)),
      ]),
    );
    // Ana's second order, two months after her first, shows in her cohort's later month.
    const anas = c.cohorts.find((x) => x.retention.slice(1).some((r) => r > 0));
    expect(anas).toBeDefined();
    const csv = await csvOf('Cohort retention in numbers');
    expect(csv.rows[0].slice(0, 4)).toEqual(['Cohort', 'Customers', 'Month 0', 'Month 1']);
    expect(csv.rows.slice(1)).toEqual(
      c.cohorts.map((x) => [
        x.cohort,
        String(x.customers),
        ...Array.from({ length: 12 }, (_, k) => fraction(x.retention[k] ?? null)),
      ]),
    );
    await accessible('analytics-cohorts');
    await page.getByLabel('Months followed').selectOption('3');
    await page.waitForURL(/months=3/);
    // Cohort, customers and months 0-2.
    await until(
      'three months followed',
      () => page.getByRole('table', { name: 'Cohort retention in numbers' }).getByRole('columnheader').count(),
      (n) => n === 5,
      15_000,
    );
  });

  it("shows the lifecycle funnel and a pipeline's deal-stage funnel", async () => {
    await dashboards().getByRole('link', { name: 'Funnels' }).click();
    const l = (
      await api<{ steps: { stage: string; reached: number; conversionToNext: number | null }[] }>(
        'GET',
        '/api/v1/analytics/funnels/lifecycle',
      )
    ).body;
    expect(l.steps.map((s) => s.stage)).toEqual(['lead', 'prospect', 'customer']);
    expect((await rowsOf('Lifecycle funnel in numbers')).map((r) => r.slice(0, 3))).toEqual(
      l.steps.map((s) => [s.stage, count(s.reached), pct(s.conversionToNext)]),
    );
    expect((await csvOf('Lifecycle funnel in numbers')).rows.slice(1).map((r) => r.slice(0, 2))).toEqual(
      l.steps.map((s) => [s.stage, String(s.reached)]),
    );
    const f = (
      await api<{
        pipelines: { pipelineId: string; deals: number; stages: { name: string | null; entered: number }[] }[];
      }>('GET', '/api/v1/analytics/funnels/deals')
    ).body.pipelines.find((p) => p.pipelineId === seed.pipelineId);
    expect(f?.deals).toBe(2);
    const options = page.getByLabel('Pipeline');
    if (await options.count()) await options.selectOption({ label: `Funnel ${runId}` });
    await page.getByText(`Funnel ${runId}: 2 deals created in the range`, { exact: false }).waitFor();
    const rows = await rowsOf('Deal-stage funnel in numbers');
    expect(rows.map((r) => [r[0], r[1]])).toEqual(f?.stages.map((s) => [s.name, count(s.entered)]));
    expect(rows[0][1]).toBe('2');
    expect((await csvOf('Deal-stage funnel in numbers')).rows.slice(1).map((r) => [r[0], r[1]])).toEqual(
      f?.stages.map((s) => [s.name, String(s.entered)]),
    );
    await accessible('analytics-funnels');
  });

  it('shows the attribution models side by side and each campaign ROI against its cost', async () => {
    await dashboards().getByRole('link', { name: 'Attribution and ROI' }).click();
    const a = (
      await api<{ conversions: number; revenueMinor: number; byChannel: unknown[] }>(
        'GET',
        '/api/v1/analytics/attribution',
      )
    ).body;
    await page
      .getByRole('status')
      .getByText(`${a.conversions} conversions, revenue ${eur(a.revenueMinor)}`, { exact: false })
      .waitFor();
    const roi = (
      await api<{
        campaigns: {
          name: string;
          costMinor: number | null;
          revenueMinor: Record<string, number>;
          roi: Record<string, number | null>;
        }[];
      }>('GET', '/api/v1/analytics/roi')
    ).body;
    const mine = roi.campaigns.find((c) => c.name === seed.campaign);
    expect(mine?.costMinor).toBe(5_000);
    const models = ['firstTouch', 'lastTouch', 'linear', 'positionBased', 'timeDecay'];
    const row = (await rowsOf('Campaign ROI in numbers')).find((r) => r[0] === seed.campaign);
    expect(row).toEqual([
      seed.campaign,
      'email',
      eur(5_000),
      ...models.map((m) => eur(mine?.revenueMinor[m] ?? null)),
      ...models.map((m) => pct(mine?.roi[m] ?? null)),
    ]);
    const csv = await csvOf('Campaign ROI in numbers');
    expect(csv.rows[0]).toEqual([
      'Campaign',
      'Channel',
      'Cost (EUR)',
      'First touch revenue (EUR)',
      'Last touch revenue (EUR)',
      'Linear revenue (EUR)',
      'Position-based revenue (EUR)',
      'Time decay revenue (EUR)',
      'First touch ROI',
      'Last touch ROI',
      'Linear ROI',
      'Position-based ROI',
      'Time decay ROI',
    ]);
    expect(csv.rows.find((r) => r[0] === seed.campaign)?.slice(0, 3)).toEqual([seed.campaign, 'email', '50.00']);
    // Another conversion kind asks the API again, and the address keeps it.
    await page.getByLabel('Conversion').selectOption({ label: 'Deals won' });
    await page.waitForURL(/conversion=deal/);
    const deals = (await api<{ conversions: number }>('GET', '/api/v1/analytics/attribution?conversion=deal')).body;
    await page.getByRole('status').getByText(`${deals.conversions} conversions`, { exact: false }).waitFor();
    await accessible('analytics-attribution-roi');
  });

  it('shows support KPIs by priority and by month', async () => {
    await dashboards().getByRole('link', { name: 'Support KPIs' }).click();
    await page.getByLabel('Group by').selectOption({ label: 'Priority' });
    await page.waitForURL(/by=priority/);
    const k = (
      await api<{
        groups: { key: string; tickets: number; slaBreachRate: number; backlog: number }[];
        series: { month: string; tickets: number }[];
      }>('GET', '/api/v1/analytics/support/kpis?by=priority')
    ).body;
    expect(k.groups.map((g) => [g.key, g.tickets]).sort()).toEqual([
      ['high', 1],
      ['normal', 1],
    ]);
    await page.getByRole('table', { name: 'Support KPIs by group in numbers' }).getByText('high').waitFor();
    const rows = await rowsOf('Support KPIs by group in numbers');
    expect(rows.map((r) => [r[0], r[1], r[6], r[7]])).toEqual(
      k.groups.map((g) => [g.key, count(g.tickets), pct(g.slaBreachRate), count(g.backlog)]),
    );
    const csv = await csvOf('Support KPIs by group in numbers');
    expect(csv.name).toBe('support-kpis-by-priority.csv');
    expect(csv.rows[0].slice(0, 3)).toEqual(['Priority', 'Tickets', 'Median first response (business) (s)']);
    expect(csv.rows.slice(1).map((r) => [r[0], r[1], r[7]])).toEqual(
      k.groups.map((g) => [g.key, String(g.tickets), String(g.backlog)]),
    );
    expect((await rowsOf('Support KPIs by month in numbers')).map((r) => [r[0], r[1]])).toEqual(
      k.series.map((m) => [m.month, count(m.tickets)]),
    );
    // The support KPIs take dates only: no country or segment filter is offered.
    expect(await country().count()).toBe(0);
    await accessible('analytics-support-kpis');
  });

  it("refuses a range that ends before it starts, on the field and in the API's words", async () => {
    await page.goto(`${suite.baseUrl}/analytics/trends?from=2026-06-01&to=2026-01-01`);
    await page.getByRole('alert').getByText('from (2026-06-01) is after to (2026-01-01)').first().waitFor();
    expect(await page.getByRole('table', { name: 'Purchases by group in numbers' }).count()).toBe(0);
    await page.getByLabel('From').and(page.locator('[aria-invalid="true"]')).waitFor();
    expect(await page.getByRole('button', { name: 'Apply filters' }).isDisabled()).toBe(true);
  });

  it('offers a retry when a service answers 503, and shows the chart once it answers again', async () => {
    let refused = 0;
    await page.route(/\/api\/v1\/analytics\/rfm/, async (route) => {
      if (refused >= 3) return route.continue();
      refused++;
      return route.fulfill({
        status: 503,
        contentType: 'application/problem+json',
        body: JSON.stringify({ status: 503, title: 'Service Unavailable', detail: 'Analytics did not answer.' }),
      });
    });
    await page.goto(`${suite.baseUrl}/analytics`);
    // Asked three times (two retries by itself), then the problem in words with a Retry.
    const alert = page.getByRole('alert').filter({ hasText: 'Analytics did not answer. Retry in a moment.' });
    await alert.waitFor();
    expect(refused).toBe(3);
    await accessible('analytics-503-retry');
    await alert.getByRole('button', { name: 'Retry' }).click();
    expect((await rowsOf('RFM segments in numbers')).length).toBe(10);
    await page.unroute(/\/api\/v1\/analytics\/rfm/);
  });
});

/** A minimal one-page PDF with a line of text, its cross-reference table at the right offsets. */
function pdf(text: string): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${`BT /F1 18 Tf 20 70 Td (${text}) Tj ET`.length} >>\nstream\nBT /F1 18 Tf 20 70 Td (${text}) Tj ET\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

describe("a person's records in a real browser", () => {
  it('shows in the 360 what every service knows: deals, orders, tickets and the value scores', async () => {
    await page.goto(`${suite.baseUrl}/contacts/${seed.contacts.ana}`);
    await page.getByRole('heading', { name: `Ana Buyer${runId}` }).waitFor();
    const deals = page.getByRole('table', { name: 'Open deals' });
    await deals.getByRole('link', { name: `Shop fit-out ${runId}` }).waitFor();
    await deals.getByRole('link', { name: `Spare parts ${runId}` }).waitFor();
    // The stage with its win probability as sales has it (per cent).
    expect((await rowsOf('Open deals')).map((r) => r[1])).toEqual(['Proposal (40 %)', 'Qualification (10 %)']);
    const orders = await rowsOf('Recent orders');
    expect(orders.map((r) => r[4])).toEqual([eur(5_000), eur(10_000)]);
    await page.getByText(`2 open deals worth ${eur(200_000)}; 2 orders, ${eur(15_000)} in all`).waitFor();
    await page
      .getByRole('table', { name: 'Open tickets' })
      .getByRole('link', { name: new RegExp(`Card not working ${runId}`) })
      .waitFor();
    const scores = (
      await api<{ segment: string; clvMinor: number | null; pAlive: number | null }>(
        'GET',
        `/api/v1/analytics/customers/${seed.contacts.ana}/scores`,
      )
    ).body;
    const value = page.getByRole('definition').filter({ hasText: scores.segment.replace(/_/g, ' ') });
    await value.first().waitFor();
    expect(await page.getByLabel('Value scores').textContent()).toContain(`P(alive)${pct(scores.pAlive)}`);
    await accessible('customer-360-parts');
  });

  it('adds a tag to the selected contacts and sets their owner, each read and patched at its version', async () => {
    await page.goto(`${suite.baseUrl}/contacts`);
    await page.getByLabel('Search', { exact: true }).fill(`Buyer${runId}`);
    const list = page.getByRole('table', { name: 'Contacts' });
    await list.getByRole('link', { name: `Cleo Buyer${runId}` }).waitFor();
    await list.getByLabel(`Select Ana Buyer${runId}`).check();
    await list.getByLabel(`Select Ben Buyer${runId}`).check();
    const bulk = page.getByRole('form', { name: 'Change the selected contacts' });
    await bulk.getByText('2 selected').waitFor();
    await bulk.getByLabel('Tag').fill(`vip${runId}`);
    await accessible('contacts-bulk-change');
    await bulk.getByRole('button', { name: 'Apply to 2' }).click();
    await page.getByText(`tag vip${runId} added: 2 changed, 0 already so.`).waitFor();
    await bulk.getByLabel('Change').selectOption({ label: 'Set the owner' });
    await bulk.getByLabel('Owner').fill(`sam${runId}`);
    await bulk.getByRole('button', { name: 'Apply to 2' }).click();
    await page.getByText(`owner set to sam${runId}: 2 changed, 0 already so.`).waitFor();
    for (const who of ['ana', 'ben', 'cleo'] as const) {
      const p = (
        await api<{ tags: string[]; ownerId: string | null; lifecycleStage: string }>(
          'GET',
          `/api/v1/contacts/${seed.contacts[who]}`,
        )
      ).body;
      expect([who, p.tags.includes(`vip${runId}`), p.ownerId === `sam${runId}`, p.lifecycleStage]).toEqual([
        who,
        who !== 'cleo',
        who !== 'cleo',
        'customer',
      ]);
    }
    // The list shows the new tag once it is searched again.
    await list
      .getByRole('row', { name: new RegExp(`Ana Buyer${runId}`) })
      .getByText(`vip${runId}`)
      .waitFor();
  });

  it("runs a loyalty program: a refused rule on its field, the tiers, a member's adjusted balance and ledger", async () => {
    await page.goto(`${suite.baseUrl}/marketing/loyalty`);
    const form = page.getByRole('form', { name: 'New loyalty program' });
    await form.getByLabel('Name').fill(`Club ${runId}`);
    await form.getByLabel('Points per unit').fill('0');
    await form.getByLabel('Tiers').fill('Silver:500:1.5, Gold:2000:2');
    await form.getByRole('button', { name: 'Create' }).click();
    await form.getByLabel('Points per unit').and(page.locator('[aria-invalid="true"]')).waitFor();
    await form.getByLabel('Points per unit').fill('2');
    await form.getByRole('button', { name: 'Create' }).click();
    await form.getByText('Program created.').waitFor();
    const row = page
      .getByRole('table', { name: 'Loyalty programs' })
      .getByRole('row', { name: new RegExp(`Club ${runId}`) });
    expect(await row.getByRole('cell').allTextContents()).toEqual([
      '2 points per EUR',
      'Silver from 500 (×1.5), Gold from 2,000 (×2)',
      'never',
    ]);
    const find = page.getByRole('form', { name: 'Find a member' });
    await find.getByLabel('Program').selectOption({ label: `Club ${runId}` });
    await find.getByLabel('Contact id').fill(seed.contacts.ben);
    await find.getByRole('button', { name: 'Show' }).click();
    await page.getByText('No points in this program yet.').waitFor();
    const adjust = page.getByRole('form', { name: 'Adjust points' });
    await adjust.getByLabel('Points (negative to take away)').fill('600');
    await adjust.getByLabel('Reason').fill('Welcome gift');
    await adjust.getByRole('button', { name: 'Adjust' }).click();
    await page.getByText(/^Balance 600 points/).waitFor();
    const programs = (await api<{ items: { id: string; name: string }[] }>('GET', '/api/v1/loyalty/programs')).body;
    const club = programs.items.find((p) => p.name === `Club ${runId}`);
    const member = (
      await api<{ balance: number; lifetime: number; tier: string | null }>(
        'GET',
        `/api/v1/loyalty/programs/${club?.id}/accounts/${seed.contacts.ben}`,
      )
    ).body;
    expect(member.balance).toBe(600);
    expect(await page.getByText(/^Balance 600 points/).textContent()).toBe(
      `Balance 600 points · ${count(member.lifetime)} earned in all · tier ${member.tier ?? 'none'}`,
    );
    expect(await rowsOf('Latest points entries')).toEqual([[expect.any(String), 'adjust', '+600', 'Welcome gift']]);
    await accessible('marketing-loyalty');
  });

  it('previews a PDF: in a tab of its own under the gateway policy, in a frame once the policy allows blob: frames', async () => {
    const person = await api<{ id: string }>('POST', '/api/v1/contacts', {
      firstName: 'Paula',
      lastName: `Pdf${runId}`,
    });
    expect(person.status).toBe(201);
    const bytes = pdf(`Invoice ${runId}`);
    await page.goto(`${suite.baseUrl}/documents?recordKind=contact&recordId=${person.body.id}`);
    await page.getByLabel('Upload files').setInputFiles({
      name: `invoice-${runId}.pdf`,
      mimeType: 'application/pdf',
      buffer: bytes,
    });
    await page.getByText(`invoice-${runId}.pdf uploaded.`).waitFor({ timeout: 30_000 });
    // The bar follows the bytes sent, and stays full once the file is in.
    expect(await page.getByRole('progressbar', { name: 'Upload progress' }).getAttribute('aria-valuenow')).toBe('100');
    await page
      .getByRole('table', { name: 'Documents of the record' })
      .getByRole('link', { name: `1 version of invoice-${runId}` })
      .click();
    await page.getByRole('heading', { name: `invoice-${runId}` }).waitFor();
    const preview = page.getByRole('region', { name: 'Preview' });
    // The gateway's policy frames nothing: the PDF opens in a tab of its own, shown as a PDF there.
    const link = preview.getByRole('link', { name: `Open invoice-${runId}.pdf in a new tab` });
    await link.waitFor();
    expect(await page.locator('iframe').count()).toBe(0);
    const href = (await link.getAttribute('href')) ?? '';
    expect(href).toMatch(/^blob:/);
    const tab = context.waitForEvent('page');
    await link.click();
    const pdfTab = await tab;
    await pdfTab.waitForLoadState();
    expect(pdfTab.url()).toBe(href);
    expect(await pdfTab.evaluate(() => document.contentType)).toBe('application/pdf');
    await pdfTab.close();
    await accessible('document-pdf-open-in-tab');
    // With the one directive this asks of the gateway (`frame-src blob:` on the console's page),
    // the same PDF shows in a frame on the page.
    await page.route(
      (u) => u.origin === suite.baseUrl && !/^\/(api|auth|assets)\//.test(u.pathname),
      async (route) => {
        const res = await route.fetch();
        const csp = res.headers()['content-security-policy'];
        await route.fulfill({
          response: res,
          headers: { ...res.headers(), ...(csp ? { 'content-security-policy': `${csp}; frame-src blob:` } : {}) },
        });
      },
    );
    await page.reload();
    const frame = preview.locator(`iframe[title="PDF of version 1: invoice-${runId}.pdf"]`);
    await frame.waitFor();
    const src = (await frame.getAttribute('src')) ?? '';
    expect(src).toMatch(/^blob:/);
    await until(
      'the PDF in its frame',
      async () =>
        page
          .frames()
          .find((f) => f.url() === src)
          ?.evaluate(() => document.contentType),
      (t) => t === 'application/pdf',
      15_000,
    );
    await accessible('document-pdf-framed');
    await page.unroute((u) => u.origin === suite.baseUrl && !/^\/(api|auth|assets)\//.test(u.pathname));
  });

  it("shows in the 360 which partner got the person's data, which fields and how the share stands", async () => {
    const ids: string[] = [];
    for (const first of ['Pia', 'Paul']) {
      const c = await api<{ id: string }>('POST', '/api/v1/contacts', {
        firstName: first,
        lastName: `Shared${runId}`,
        emails: [{ address: `${first.toLowerCase()}.${runId}@example.com` }],
        birthDate: '1980-02-03',
        country: 'FR',
      });
      expect(c.status).toBe(201);
      for (const purpose of ['marketing', 'partner_sharing']) {
        const given = await api('POST', `/api/v1/contacts/${c.body.id}/consents`, {
          channel: 'email',
          purpose,
          granted: true,
          source: 'web-form',
        });
        expect(given.status).toBeLessThan(300);
      }
      ids.push(c.body.id);
    }
    const partner = await api<{ id: string }>('POST', '/api/v1/partners', {
      name: `Bee Travel ${runId}`,
      baseUrl: 'https://marketing.bee-travel.example',
    });
    expect(partner.status).toBe(201);
    const agreement = await api<{ id: string }>('POST', `/api/v1/partners/${partner.body.id}/agreements`, {
      name: `Travel x Shop ${runId}`,
      purposes: ['marketing'],
      fields: ['emailHash', 'country'],
      validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString(),
      minAudienceSize: 2,
    });
    expect(agreement.status).toBe(201);
    expect((await api('POST', `/api/v1/partner-agreements/${agreement.body.id}/activate`)).status).toBe(200);
    const segment = await api<{ id: string }>('POST', '/api/v1/segments', {
      name: `Shared ${runId}`,
      kind: 'static',
    });
    expect(segment.status).toBe(201);
    expect((await api('POST', `/api/v1/segments/${segment.body.id}/members`, { contactIds: ids })).status).toBe(200);
    // Marketing knows the contacts and their consents from the event stream: the file is made once it does.
    await until(
      'the partner file',
      async () =>
        (await api('POST', `/api/v1/partner-agreements/${agreement.body.id}/files`, { segmentId: segment.body.id }))
          .status,
      (s) => s === 201,
      60_000,
    );
    await page.goto(`${suite.baseUrl}/contacts/${ids[0]}`);
    const shares = page.getByRole('table', { name: 'Data shared with partners' });
    const row = shares.getByRole('row', { name: new RegExp(`Bee Travel ${runId}`) });
    await row.waitFor();
    expect(await row.getByRole('cell').allTextContents()).toEqual([
      'emailHash, country',
      expect.any(String),
      expect.any(String),
      'file made, not downloaded yet',
      'none sent',
    ]);
    await accessible('customer-360-partner-sharing');
    await page.goto(`${suite.baseUrl}/contacts/${seed.contacts.ben}`);
    await page.getByText('Not shared with any partner.').waitFor();
  });

  it('never had the CSP refuse anything the console does', () => {
    expect(cspReports).toEqual([]);
  });
});
