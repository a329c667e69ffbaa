import { uuidv7 } from '@crm/persistence';
import { signDevToken, signToken } from '@crm/platform';
import { AnalyticsTestApp, SECRET } from '../testing/analytics-test-app';

jest.setTimeout(60_000);

/** Each role against a read route and the write (admin) route; tokens that are missing, forged or expired. */
describe('analytics authorisation (real Postgres and NATS)', () => {
  let t: AnalyticsTestApp;

  beforeAll(async () => {
    t = await AnalyticsTestApp.start();
  });
  afterAll(() => t?.stop());

  const call = (path: string, token: string | null, method = 'GET') =>
    fetch(`${t.base}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
      },
      body: method === 'POST' ? JSON.stringify({ publish: false }) : undefined,
    });

  const reads = [
    '/analytics/rfm',
    '/analytics/cohorts',
    `/analytics/customers/${uuidv7()}/scores`,
    '/analytics/support/kpis',
  ];

  it.each([
    ['admin', 200, 200],
    ['analyst', 200, 403],
    ['sales', 200, 403],
    ['marketing', 200, 403],
    ['support', 403, 403],
    ['read-only', 403, 403],
  ])('role %s: reads %s, recompute %s', async (role, read, write) => {
    for (const path of reads) {
      const res = await call(path, t.tokens[role]);
      expect([path, res.status === 404 ? 200 : res.status]).toEqual([path, read]);
    }
    const w = await call('/analytics/scores/recompute', t.tokens[role], 'POST');
    expect(w.status).toBe(write);
    if (write === 403) expect(w.headers.get('content-type')).toContain('application/problem+json');
  });

  it('answers 401 without a token, with a forged one and with an expired one', async () => {
    expect((await call('/analytics/rfm', null)).status).toBe(401);
    const forged = await signDevToken({
      secret: 'another-secret-0123456789abcdefghijkl',
      subject: 'x',
      roles: ['admin'],
    });
    expect((await call('/analytics/rfm', forged)).status).toBe(401);
    const expired = await signToken({
      secret: SECRET,
      subject: 'x',
      roles: ['admin'],
      issuedAt: Math.floor(Date.now() / 1000) - 7200,
      expiresInSeconds: 60,
    });
    expect((await call('/analytics/rfm', expired)).status).toBe(401);
    expect((await call('/analytics/scores/recompute', null, 'POST')).status).toBe(401);
  });
});
