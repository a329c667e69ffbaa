import { startContactsApp, type ContactsTestApp } from '../testing/contacts-test-app';
import { deadlockAgainst } from '../testing/deadlock';

const PERSONAL = /Hamilton|margaret|\+1415|Apollo Street|1936-08-17|mhamilton|guidance software|partner\.example/i;

jest.setTimeout(30_000);

describe('erasing a person (real Postgres)', () => {
  let t: ContactsTestApp;

  beforeAll(async () => {
    t = await startContactsApp('erasure');
  });
  afterAll(() => t.close());

  it('anonymises personal fields, keeps the id and non-personal facts, records who asked, and emits contact.erased', async () => {
    const account = (await t.call<{ id: string }>('POST', '/accounts', { body: { name: 'MIT Instrumentation Lab' } }))
      .body.id;
    const created = await t.call<{ id: string; createdAt: string }>('POST', '/contacts', {
      body: {
        firstName: 'Margaret',
        lastName: 'Hamilton',
        emails: [{ address: 'margaret@mit.example' }],
        phones: [{ number: '+1 415 555 2671' }],
        lifecycleStage: 'customer',
        country: 'US',
        city: 'Cambridge',
        birthDate: '1936-08-17',
        occupation: 'guidance software',
        address: { line1: '1 Apollo Street' },
        socialProfiles: [{ network: 'x', handle: 'mhamilton' }],
        tags: ['apollo'],
        source: { channel: 'partner', campaign: 'moonshot', referrer: 'https://partner.example/x' },
        accountId: account,
      },
    });
    const id = created.body.id;
    await t.call('POST', `/contacts/${id}/activities`, {
      body: { type: 'call', subject: 'Call with Margaret Hamilton', body: 'very personal' },
    });
    await t.call('POST', `/contacts/${id}/consents`, {
      body: { channel: 'email', purpose: 'marketing', granted: true, source: 'web' },
    });

    const erased = await t.call<Record<string, unknown>>('POST', `/contacts/${id}/erasure`, {
      body: { reason: 'GDPR art. 17 request' },
    });
    expect(erased.status).toBe(200);
    const read = await t.call<Record<string, unknown>>('GET', `/contacts/${id}`);
    expect(read.status).toBe(200);
    for (const body of [erased.body, read.body]) {
      expect(body).toMatchObject({
        id,
        status: 'erased',
        version: 2,
        firstName: 'Erased',
        lastName: 'Erased',
        displayName: 'Erased',
        emails: [],
        phones: [],
        birthDate: null,
        city: null,
        address: null,
        occupation: null,
        socialProfiles: [],
        lifecycleStage: 'customer',
        country: 'US',
        tags: ['apollo'],
        source: { channel: 'partner', campaign: 'moonshot' },
        createdAt: created.body.createdAt,
      });
      expect(JSON.stringify(body)).not.toMatch(PERSONAL);
    }

    // Done once analytics (the default ERASURE_PARTICIPANTS) has confirmed too.
    expect(
      (
        await t.db.query(
          `SELECT requested_by, reason, completed_at IS NOT NULL AS done FROM erasure_requests WHERE person_id = $1`,
          [id],
        )
      ).rows,
    ).toEqual([{ requested_by: 'spec-admin', reason: 'GDPR art. 17 request', done: false }]);
    expect((await t.db.query(`SELECT subject, body FROM activities WHERE person_id = $1`, [id])).rows).toEqual([
      { subject: '[erased]', body: null },
    ]);
    expect(await t.count(`consents WHERE person_id = '${id}'`)).toBe(0);

    const [event] = await t.outbox({ type: 'crm.contacts.contact.erased', subject: id });
    expect(event.payload).toMatchObject({
      version: 2,
      data: {
        id,
        status: 'erased',
        lifecycleStage: 'customer',
        country: 'US',
        primaryEmail: null,
        source: { channel: 'partner' },
      },
    });
    expect(JSON.stringify(event.payload)).not.toMatch(PERSONAL);
  });

  it('hides an erased person from search, frees the email, and refuses further changes', async () => {
    const id = (
      await t.call<{ id: string }>('POST', '/contacts', {
        body: { firstName: 'Annie', lastName: 'Easley', emails: [{ address: 'annie@nasa.example' }] },
      })
    ).body.id;
    expect((await t.call('POST', `/contacts/${id}/erasure`, { body: {} })).status).toBe(200);
    expect((await t.call<{ items: unknown[] }>('GET', '/contacts?q=easley')).body.items).toEqual([]);
    expect((await t.call<{ items: unknown[] }>('GET', '/contacts?q=erased')).body.items).toEqual([]);
    expect(
      (
        await t.call('POST', '/contacts', {
          body: { firstName: 'New', lastName: 'Person', emails: [{ address: 'annie@nasa.example' }] },
        })
      ).status,
    ).toBe(201);
    const again = await t.call<{ code: string }>('POST', `/contacts/${id}/erasure`, { body: {} });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONTACT_ERASED');
    expect((await t.call('PATCH', `/contacts/${id}`, { body: { firstName: 'Annie' } })).status).toBe(409);
    expect(await t.count(`erasure_requests WHERE person_id = '${id}'`)).toBe(1);
  });

  it('erases after Postgres aborts it as a deadlock victim, instead of answering 409', async () => {
    const create = async (lastName: string) =>
      (await t.call<{ id: string }>('POST', '/contacts', { body: { firstName: 'Margaret', lastName } })).body.id;
    const erased = await create('Hamilton');
    const merged = await create('Heafield');
    expect((await t.call('POST', `/contacts/${erased}/merge`, { body: { sourceId: merged } })).status).toBe(200);
    // The erasure locks the contact, then waits for the one merged into it, which the other session holds.
    const res = await deadlockAgainst(t.db, { held: merged, wanted: erased }, () =>
      t.call<{ status: string; code?: string }>('POST', `/contacts/${erased}/erasure`, { body: {} }),
    );
    expect(res.body.code).toBeUndefined();
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('erased');
    expect((await t.db.query(`SELECT first_name FROM people WHERE id = $1`, [merged])).rows).toEqual([
      { first_name: 'Erased' },
    ]);
  });
});
