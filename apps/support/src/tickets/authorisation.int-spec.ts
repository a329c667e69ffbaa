import { startSupportApp, type SupportTestApp } from '../testing/support-test-app';

jest.setTimeout(60_000);

/** role -> [GET /tickets, POST /tickets, POST /calendars (support:admin)] */
const EXPECTED: Record<string, [number, number, number]> = {
  admin: [200, 201, 201],
  support: [200, 201, 403],
  'read-only': [200, 403, 403],
  analyst: [200, 403, 403],
  sales: [403, 403, 403],
  marketing: [403, 403, 403],
  'no-such-role': [403, 403, 403],
};

describe('authorisation: each role against a read, a write and an admin route (real Postgres)', () => {
  let s: SupportTestApp;

  beforeAll(async () => {
    s = await startSupportApp('authz');
  });
  afterAll(() => s.close());

  const calendar = { name: 'c', timeZone: 'UTC', hours: [{ day: 1, start: '09:00', end: '17:00' }] };

  it.each(Object.entries(EXPECTED))('%s', async (role, [read, write, admin]) => {
    const token = await s.token([role]);
    const before = await s.count('tickets');
    expect((await s.call('GET', '/tickets', { token })).status).toBe(read);
    const created = await s.call('POST', '/tickets', { token, body: { subject: `by ${role}` } });
    expect(created.status).toBe(write);
    expect(await s.count('tickets')).toBe(before + (write === 201 ? 1 : 0));
    const cal = await s.call('POST', '/calendars', { token, body: calendar });
    expect(cal.status).toBe(admin);
    if (cal.status === 403) expect(cal.body.code).toEqual(expect.any(String));
  });

  it('answers 401 problem+json without a token or with a forged one', async () => {
    const none = await s.call('GET', '/tickets', { token: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    const forged = await s.call('POST', '/tickets', { token: 'eyJhbGciOiJIUzI1NiJ9.e30.x', body: { subject: 'x' } });
    expect(forged.status).toBe(401);
  });

  it('leaves only the survey page and the signed webhook without login', async () => {
    expect((await s.call('GET', `/csat/${'A'.repeat(43)}`, { token: null })).status).toBe(404);
    expect((await s.call('GET', '/csat/results?by=agent', { token: null })).status).toBe(401);
    expect(
      (await s.call('GET', '/assets?contactId=0190f0f0-0000-7000-8000-000000000001', { token: null })).status,
    ).toBe(401);
  });
});
