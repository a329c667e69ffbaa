import { startMarketingApp, type MarketingTestApp } from '../testing/marketing-test-app';

jest.setTimeout(60_000);

describe('authorisation: each role against a read and a write route', () => {
  let t: MarketingTestApp;
  beforeAll(async () => {
    t = await startMarketingApp('authz');
  });
  afterAll(() => t.close());

  const read = () => t.call('GET', '/segments');
  const write = (token: string | null) => t.call('POST', '/segments', { token, body: { name: 'x', kind: 'static' } });

  it.each([
    ['admin', 200, 201],
    ['marketing', 200, 201],
    ['analyst', 200, 403],
    ['read-only', 200, 403],
    ['sales', 403, 403],
    ['support', 403, 403],
  ])('%s reads with %i and writes with %i', async (role, readStatus, writeStatus) => {
    const token = await t.token([role]);
    expect((await t.call('GET', '/segments', { token })).status).toBe(readStatus);
    const w = await write(token);
    expect(w.status).toBe(writeStatus);
    if (writeStatus === 403) expect(w.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses a caller without a token or with a forged one, and keeps admin routes for admins', async () => {
    expect((await t.call('GET', '/segments', { token: null })).status).toBe(401);
    expect((await t.call('GET', '/segments', { token: 'x.y.z' })).status).toBe(401);
    const marketing = await t.token(['marketing']);
    const rule = await t.call('PUT', '/send-rules/email', {
      token: marketing,
      body: { maxMessages: 1, periodHours: 1 },
    });
    expect(rule.status).toBe(403);
    expect((await read()).status).toBe(200);
  });

  it('lets anyone reach the tracking and survey links, which their signatures and tokens protect', async () => {
    const res = await t.call('GET', `/t/o/0190f0f0-0000-7000-8000-000000000001?s=${'A'.repeat(43)}`, { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/gif');
  });
});
