import { bearer, call, expectProblem, startGatewaySuite, type GatewaySuite } from './gateway-suite';

describe('rate limits per client', () => {
  let s: GatewaySuite;

  beforeAll(async () => {
    s = await startGatewaySuite(['analytics'], {
      RATE_LIMIT_PER_MINUTE: '60',
      RATE_LIMIT_BURST: '10',
      RATE_LIMIT_ADDRESS_PER_MINUTE: '60',
      RATE_LIMIT_ADDRESS_BURST: '10',
      RATE_LIMIT_API_KEY_PER_MINUTE: '600',
      RATE_LIMIT_API_KEY_BURST: '40',
    });
  });

  afterAll(() => s?.teardown());

  it('gives API keys their own, higher limit than people', async () => {
    const admin = bearer(await s.userToken('key-maker', ['admin']));
    const made = await call<{ key: string }>(s.gateway.baseUrl, 'POST', '/api/v1/admin/api-keys', admin, {
      name: 'batch',
      scopes: ['analytics:read'],
    });
    expect(made.status).toBe(201);
    const answers = await Promise.all(
      Array.from({ length: 30 }, () =>
        call(s.gateway.baseUrl, 'GET', '/api/v1/analytics/customers/summary', { 'x-api-key': made.body.key }),
      ),
    );
    // 30 at once, the key not cached yet: past a person's burst of 10, within the key's 40.
    expect(answers.map((a) => a.status).filter((st) => st === 200).length).toBe(30);
  });
  it('answers a burst past the limit with 429 and Retry-After, and leaves other clients alone', async () => {
    const busy = bearer(await s.userToken('busy-client', ['analyst']));
    const answers = await Promise.all(
      Array.from({ length: 25 }, () => call(s.gateway.baseUrl, 'GET', '/api/v1/analytics/customers/summary', busy)),
    );
    const statuses = answers.map((a) => a.status);
    // The burst, plus at most one token refilled while the requests were in flight.
    expect(statuses.filter((st) => st === 200).length).toBeGreaterThanOrEqual(10);
    expect(statuses.filter((st) => st === 200).length).toBeLessThanOrEqual(11);
    expect(statuses.filter((st) => st !== 200).every((st) => st === 429)).toBe(true);

    const limited = answers.find((a) => a.status === 429);
    if (!limited) throw new Error('no 429 answer');
    expectProblem(limited, 429, 'RATE_LIMITED');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    const calm = bearer(await s.userToken('calm-client', ['analyst']));
    expect((await call(s.gateway.baseUrl, 'GET', '/api/v1/analytics/customers/summary', calm)).status).toBe(200);
  });

  it('lets the client in again once a token has refilled', async () => {
    const client = bearer(await s.userToken('patient-client', ['analyst']));
    for (let i = 0; i < 10; i++) await call(s.gateway.baseUrl, 'GET', '/api/v1/analytics/customers/summary', client);
    const refused = await call(s.gateway.baseUrl, 'GET', '/api/v1/analytics/customers/summary', client);
    expect(refused.status).toBe(429);
    await new Promise((r) => setTimeout(r, Number(refused.headers.get('retry-after')) * 1000 + 100));
    expect((await call(s.gateway.baseUrl, 'GET', '/api/v1/analytics/customers/summary', client)).status).toBe(200);
  });

  it('counts failed credentials against the caller address, which a made-up X-Forwarded-For does not change', async () => {
    const answers = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        call(s.gateway.baseUrl, 'GET', '/api/v1/analytics/customers/summary', {
          'x-api-key': 'crm_guess',
          'x-forwarded-for': `198.51.100.${i}`,
        }),
      ),
    );
    expect(answers.filter((a) => a.status === 401).length).toBeGreaterThanOrEqual(10);
    expect(answers.filter((a) => a.status === 401).length).toBeLessThanOrEqual(11);
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(4);
  });

  it('charges the address before looking up an API key, so a flood of made-up keys costs few queries', async () => {
    // The address bucket the test before emptied refills completely in 10 s.
    await new Promise((r) => setTimeout(r, 10_500));
    const lookups = async () =>
      Number(
        /^gateway_api_key_lookups_total (\d+)/m.exec(await (await fetch(`${s.gateway.baseUrl}/metrics`)).text())?.[1] ??
          0,
      );
    const before = await lookups();
    const base = s.gateway.baseUrl;
    const answers = [];
    for (let i = 0; i < 40; i++) {
      answers.push(
        await call(base, 'GET', '/api/v1/analytics/customers/summary', {
          'x-api-key': `crm_${String(i).padStart(43, 'Q')}`,
        }),
      );
    }
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((st) => st === 401).length).toBeLessThanOrEqual(11);
    expect(statuses.filter((st) => st === 429).length).toBeGreaterThanOrEqual(29);
    expect((await lookups()) - before).toBeLessThanOrEqual(11);
  });
});
