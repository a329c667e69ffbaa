import { waitFor } from '@crm/messaging';
import { newPerson } from '../support/contacts';
import { bearer, call, expectProblem, startGatewaySuite, type GatewaySuite } from './gateway-suite';

/** This suite starts contacts and analytics only: the other services' parts are missing by design. */
function onlyStarted<T extends { part: string }>(missing: T[]): T[] {
  return missing.filter((m) => ['contacts', 'analytics'].includes(m.part));
}

const DEADLINE_MS = 800;

interface Customer360 {
  customer: { person: { id: string }; consent: unknown[] };
  parts: Record<string, unknown>;
  missing: { part: string; reason: string }[];
}

describe('the customer 360 and search when services fail', () => {
  let s: GatewaySuite;
  let admin: Record<string, string>;
  let personId: string;

  beforeAll(async () => {
    s = await startGatewaySuite(['contacts', 'analytics'], {
      CUSTOMER360_TIMEOUT_MS: String(DEADLINE_MS),
      SEARCH_TIMEOUT_MS: String(DEADLINE_MS),
    });
    admin = bearer(await s.token(['admin']));
    personId = (
      await call<{ id: string }>(s.gateway.baseUrl, 'POST', '/api/v1/contacts', admin, newPerson(0, s.namespace))
    ).body.id;
    // Wait until analytics has the person, so its part has something to say.
    await waitFor(
      () => call(s.gateway.baseUrl, 'GET', `/api/v1/analytics/customers/${personId}/facts`, admin),
      (a) => a.status === 200,
      20_000,
    );
  });

  afterAll(() => s?.teardown());

  const gw = () => s.gateway.baseUrl;

  it('shows the whole customer: the person from contacts and the analytics part', async () => {
    const res = await call<Customer360>(gw(), 'GET', `/api/v1/customers/${personId}`, admin);
    expect(res.status).toBe(200);
    expect(res.body.customer).toMatchObject({ person: { id: personId }, consent: expect.any(Array) });
    expect(res.body.parts['analytics']).toMatchObject({ contactId: personId });
    expect(onlyStarted(res.body.missing)).toEqual([]);
  });

  it('answers 404 for a customer contacts does not know', async () => {
    expectProblem(
      await call(gw(), 'GET', '/api/v1/customers/01900000-0000-7000-8000-000000000000', admin),
      404,
      'CUSTOMER_NOT_FOUND',
    );
  });

  it('lists a part the caller may not read as missing, without asking for it', async () => {
    const support = bearer(await s.token(['support']));
    const res = await call<Customer360>(gw(), 'GET', `/api/v1/customers/${personId}`, support);
    expect(res.status).toBe(200);
    expect(res.body.parts['analytics']).toBeUndefined();
    expect(onlyStarted(res.body.missing)).toEqual([{ part: 'analytics', reason: 'forbidden' }]);
  });

  it('finds the person in one search, grouped by kind', async () => {
    const res = await call<{ results: Record<string, { id: string }[]>; missing: { part: string }[] }>(
      gw(),
      'GET',
      `/api/v1/search?q=${encodeURIComponent(`Lovelace${s.namespace}`)}`,
      admin,
    );
    expect(res.status).toBe(200);
    expect(onlyStarted(res.body.missing)).toEqual([]);
    const all = Object.values(res.body.results).flat();
    expect(all.map((h) => h.id)).toContain(personId);
    for (const [kind, hits] of Object.entries(res.body.results))
      expect(hits.every((h) => (h as { kind?: string }).kind === kind)).toBe(true);
  });

  it('with analytics stopped, the 360 still answers within its deadline and names analytics as missing', async () => {
    await s.services['analytics'].stop();
    try {
      const started = Date.now();
      const res = await call<Customer360>(gw(), 'GET', `/api/v1/customers/${personId}`, admin);
      const took = Date.now() - started;
      expect(res.status).toBe(200);
      expect(res.body.customer).toMatchObject({ person: { id: personId }, consent: expect.any(Array) });
      expect(onlyStarted(res.body.missing)).toEqual([
        { part: 'analytics', reason: expect.stringMatching(/^(unavailable|timeout)$/) },
      ]);
      expect(took).toBeLessThan(DEADLINE_MS + 700);

      expectProblem(await call(gw(), 'GET', '/api/v1/analytics/customers/summary', admin), 503, 'SERVICE_UNAVAILABLE');
    } finally {
      await s.services['analytics'].start(s.serviceEnv);
    }
  });

  it('with contacts stopped, contacts routes and the 360 get 503 problem+json naming contacts', async () => {
    await s.services['contacts'].stop();
    try {
      for (const [method, path] of [
        ['GET', `/api/v1/contacts/${personId}`],
        ['POST', '/api/v1/contacts'],
        ['GET', '/api/v1/accounts'],
      ]) {
        const res = await call<{ service: string; detail: string }>(
          gw(),
          method,
          path,
          admin,
          method === 'POST' ? newPerson(1, s.namespace) : undefined,
        );
        expectProblem(res, 503, 'SERVICE_UNAVAILABLE');
        expect(res.body.service).toBe('contacts');
        expect(res.body.detail).toContain('contacts');
      }
      const started = Date.now();
      const customer = await call<{ service: string }>(gw(), 'GET', `/api/v1/customers/${personId}`, admin);
      expectProblem(customer, 503, 'SERVICE_UNAVAILABLE');
      expect(customer.body.service).toBe('contacts');
      expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 700);

      const search = await call<{ missing: { part: string }[] }>(gw(), 'GET', '/api/v1/search?q=lovelace', admin);
      expect(search.status).toBe(200);
      expect(onlyStarted(search.body.missing)).toEqual([{ part: 'contacts', reason: expect.any(String) }]);
    } finally {
      await s.services['contacts'].start(s.serviceEnv);
    }
    expect((await call(gw(), 'GET', `/api/v1/contacts/${personId}`, admin)).status).toBe(200);
  });
});
