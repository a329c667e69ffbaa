import { signDevToken } from '@crm/platform';
import { startSalesApp, type SalesTestApp } from '../testing/sales-test-app';

jest.setTimeout(60_000);

/** role -> [read GET /deals, write POST /deals, admin POST /pipelines] */
const EXPECTED: [string, number, number, number][] = [
  ['admin', 200, 201, 201],
  ['sales', 200, 201, 403],
  ['read-only', 200, 403, 403],
  ['analyst', 200, 403, 403],
  ['support', 403, 403, 403],
  ['marketing', 403, 403, 403],
];

describe('every sales route needs its permission (sales:read, sales:write, sales:admin) (real Postgres)', () => {
  let t: SalesTestApp;
  let pipelineId: string;
  let n = 0;

  beforeAll(async () => {
    t = await startSalesApp('authz');
    pipelineId = (await t.call<{ id: string }>('POST', '/pipelines', { body: { name: 'P' } })).body.id;
  });
  afterAll(() => t.close());

  const requests = (token: string | null) => {
    n += 1;
    return Promise.all([
      t.call('GET', '/deals', { token }),
      t.call('POST', '/deals', { token, body: { name: `d${n}`, pipelineId, amountMinor: 1, currency: 'EUR' } }),
      t.call('POST', '/pipelines', { token, body: { name: `P${n}` } }),
    ]);
  };

  it.each(EXPECTED)('the %s role: read %i, write %i, admin %i', async (role, read, write, admin) => {
    const answers = await requests(await t.token([role]));
    expect(answers.map((a) => a.status)).toEqual([read, write, admin]);
    for (const a of answers.filter((x) => x.status === 403)) {
      expect(a.headers.get('content-type')).toContain('application/problem+json');
      expect(JSON.stringify(a.body)).toMatch(/sales:(read|write|admin)/);
    }
  });

  it('refuses a request without a token, or with a token signed by another key, with 401', async () => {
    const forged = await signDevToken({
      secret: 'another-secret-0123456789abcdef-xyz',
      subject: 'eve',
      roles: ['admin'],
    });
    for (const token of [null, forged, 'not-a-jwt']) {
      const answers = await requests(token);
      expect(answers.map((a) => a.status)).toEqual([401, 401, 401]);
    }
  });

  it('keeps health and metrics open and every other route closed', async () => {
    expect((await fetch(`${t.base}/health/live`)).status).toBe(200);
    for (const [method, path] of [
      ['GET', `/pipelines/${pipelineId}/board`],
      ['GET', '/forecast?currency=EUR'],
      ['GET', '/currency-rates'],
      ['PUT', '/currency-rates/USD'],
      ['GET', '/lost-reasons'],
      ['GET', '/deal-fields'],
    ])
      expect((await t.call(method, path, { token: null })).status).toBe(401);
  });
});
