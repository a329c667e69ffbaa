import { Client } from 'pg';
import { waitFor } from '@crm/messaging';
import { newPerson } from './support/contacts';
import { bearer, call, expectProblem, startGatewaySuite, type GatewaySuite } from './gateway/gateway-suite';

interface ErasureStatus {
  requestId: string;
  contactIds: string[];
  complete: boolean;
  completedAt: string | null;
  participants: { service: string; status: string; completedAt: string | null }[];
}

describe('erasing a merged customer through the gateway, end to end', () => {
  let s: GatewaySuite;
  let admin: Record<string, string>;

  beforeAll(async () => {
    s = await startGatewaySuite(['contacts', 'analytics']);
    admin = bearer(await s.token(['admin']));
  });

  afterAll(async () => {
    await s?.teardown();
  });

  const gw = () => s.gateway.baseUrl;

  it('answers 410 naming the target for the 360 of a merged contact, erases both, and reports complete once analytics confirms', async () => {
    const run = `${s.namespace}r`;
    const personal = new RegExp(`Lovelace${run}|ada\\.${run}|1815-12-10|St James`, 'i');
    const target = await call<{ id: string }>(gw(), 'POST', '/api/v1/contacts', admin, newPerson(1, run));
    const source = await call<{ id: string }>(gw(), 'POST', '/api/v1/contacts', admin, {
      ...newPerson(2, run),
      birthDate: '1815-12-10',
      address: { line1: '12 St James Square', city: 'London' },
    });
    expect([target.status, source.status]).toEqual([201, 201]);
    const a = target.body.id;
    const b = source.body.id;
    expect((await call(gw(), 'POST', `/api/v1/contacts/${a}/merge`, admin, { sourceId: b })).status).toBe(200);

    const merged = await call<{ mergedInto: string }>(gw(), 'GET', `/api/v1/customers/${b}`, admin);
    expectProblem(merged, 410, 'CUSTOMER_MERGED');
    expect(merged.body.mergedInto).toBe(a);
    expect(JSON.stringify(merged.body)).not.toMatch(personal);

    expect((await call(gw(), 'POST', `/api/v1/contacts/${a}/erasure`, admin, { reason: 'art. 17' })).status).toBe(200);

    const done = await waitFor(
      () => call<ErasureStatus>(gw(), 'GET', `/api/v1/contacts/${a}/erasure`, admin),
      (r) => r.status === 200 && r.body.complete,
      20_000,
    );
    expect(done.body).toMatchObject({
      contactIds: [a, b],
      complete: true,
      completedAt: expect.any(String),
      participants: [
        { service: 'contacts', status: 'completed', completedAt: expect.any(String) },
        { service: 'analytics', status: 'completed', completedAt: expect.any(String) },
      ],
    });

    // The merged-away row holds nothing of the person any more.
    const db = new Client({ connectionString: s.databases['contacts'].url });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT * FROM people WHERE id = ANY($1::uuid[])`, [[a, b]]);
      expect(rows).toHaveLength(2);
      expect(JSON.stringify(rows)).not.toMatch(personal);
    } finally {
      await db.end();
    }
    const customer = await call(gw(), 'GET', `/api/v1/customers/${a}`, admin);
    expect(customer.status).toBe(200);
    expect(JSON.stringify(customer.body)).not.toMatch(personal);
  });
});
