import { startContactsApp, type ContactsTestApp } from '../testing/contacts-test-app';

const person = (n: number, extra: Record<string, unknown> = {}) => ({
  firstName: 'Grace',
  lastName: `Hopper${n}`,
  emails: [{ address: `Grace.Hopper${n}@Example.com`, primary: true }],
  phones: [{ number: '06 12 34 56 78' }],
  lifecycleStage: 'prospect',
  country: 'FR',
  city: 'Paris',
  tags: ['vip'],
  source: { channel: 'event', campaign: 'devfest', utmSource: 'meetup' },
  ...extra,
});

describe('people over HTTP (real Postgres)', () => {
  let t: ContactsTestApp;

  beforeAll(async () => {
    t = await startContactsApp('people');
  });
  afterAll(() => t.close());

  it('creates a person with normalised email and phone, records one outbox event, and reads it back', async () => {
    const outboxBefore = await t.count('outbox');
    const created = await t.call<{ id: string; version: number; emails: { address: string }[]; phones: { number: string }[] }>('POST', '/contacts', { body: person(1) });
    expect(created.status).toBe(201);
    expect(created.body.version).toBe(1);
    expect(created.body.emails[0].address).toBe('grace.hopper1@example.com');
    expect(created.body.phones[0].number).toBe('+33612345678');
    const rows = (await t.db.query(`SELECT type, subject, payload FROM outbox ORDER BY seq DESC LIMIT 1`)).rows;
    expect(await t.count('outbox')).toBe(outboxBefore + 1);
    expect(rows[0]).toMatchObject({ type: 'crm.contacts.contact.created', subject: created.body.id });
    expect(rows[0].payload.data).toMatchObject({ id: created.body.id, primaryEmail: 'grace.hopper1@example.com', lifecycleStage: 'prospect', country: 'FR', source: { channel: 'event' } });

    const read = await t.call<{ displayName: string }>('GET', `/contacts/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body.displayName).toBe('Grace Hopper1');
  });

  it('refuses a second active contact with the same email, with 409 and the existing id', async () => {
    const first = await t.call<{ id: string }>('POST', '/contacts', { body: person(2) });
    const again = await t.call<{ code: string; existingId: string }>('POST', '/contacts', { body: person(2, { firstName: 'Other' }) });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(again.body.code).toBe('CONTACT_EMAIL_TAKEN');
    expect(again.body.existingId).toBe(first.body.id);
  });

  it('updates with optimistic concurrency: the right version passes, a stale one gets 412', async () => {
    const created = await t.call<{ id: string }>('POST', '/contacts', { body: person(3) });
    const ok = await t.call<{ version: number; lifecycleStage: string }>('PATCH', `/contacts/${created.body.id}`, { body: { lifecycleStage: 'customer' }, headers: { 'if-match': '"1"' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ version: 2, lifecycleStage: 'customer' });
    const stale = await t.call<{ code: string }>('PATCH', `/contacts/${created.body.id}`, { body: { city: 'Lyon' }, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('VERSION_CONFLICT');
    const events = (await t.db.query(`SELECT type FROM outbox WHERE subject = $1 ORDER BY seq`, [created.body.id])).rows.map((r) => r.type);
    expect(events).toEqual(['crm.contacts.contact.created', 'crm.contacts.contact.updated']);
  });

  it('answers 401 without a token, 403 to read-only on writes and to sales on merge and erasure', async () => {
    const created = await t.call<{ id: string }>('POST', '/contacts', { body: person(4) });
    expect((await t.call('GET', `/contacts/${created.body.id}`, { token: null })).status).toBe(401);
    const readOnly = await t.token(['read-only']);
    expect((await t.call('GET', `/contacts/${created.body.id}`, { token: readOnly })).status).toBe(200);
    const denied = await t.call<{ code: string }>('POST', '/contacts', { token: readOnly, body: person(5) });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('PERMISSION_DENIED');
    const sales = await t.token(['sales']);
    expect((await t.call('POST', '/contacts', { token: sales, body: person(6) })).status).toBe(201);
    expect((await t.call('POST', `/contacts/${created.body.id}/erasure`, { token: sales, body: {} })).status).toBe(403);
    expect((await t.call('POST', `/contacts/${created.body.id}/merge`, { token: sales, body: { sourceId: created.body.id } })).status).toBe(403);
  });

  describe('malformed requests get a 4xx problem naming the problem and write nothing', () => {
    const long = 'x'.repeat(101);
    const cases: [string, string, string, { body?: unknown; raw?: string; headers?: Record<string, string> }, number, string][] = [
      ['missing firstName', 'POST', '/contacts', { body: { lastName: 'X' } }, 400, 'firstName'],
      ['missing lastName', 'POST', '/contacts', { body: { firstName: 'X' } }, 400, 'lastName'],
      ['firstName a number', 'POST', '/contacts', { body: { firstName: 42, lastName: 'X' } }, 400, 'firstName'],
      ['oversized lastName', 'POST', '/contacts', { body: { firstName: 'X', lastName: long } }, 400, 'lastName'],
      ['empty firstName', 'POST', '/contacts', { body: { firstName: '', lastName: 'X' } }, 400, 'firstName'],
      ['bad email', 'POST', '/contacts', { body: { firstName: 'X', lastName: 'Y', emails: [{ address: 'not-an-email' }] } }, 400, 'emails.0.address'],
      ['emails not a list', 'POST', '/contacts', { body: { firstName: 'X', lastName: 'Y', emails: 'a@b.co' } }, 400, 'emails'],
      ['bad phone', 'POST', '/contacts', { body: { firstName: 'X', lastName: 'Y', phones: [{ number: '12345' }] } }, 400, 'phones.0.number'],
      ['unknown stage', 'POST', '/contacts', { body: { firstName: 'X', lastName: 'Y', lifecycleStage: 'vip' } }, 400, 'lifecycleStage'],
      ['bad country', 'POST', '/contacts', { body: { firstName: 'X', lastName: 'Y', country: 'France' } }, 400, 'country'],
      ['bad birth date', 'POST', '/contacts', { body: { firstName: 'X', lastName: 'Y', birthDate: '31/12/1990' } }, 400, 'birthDate'],
      ['unknown field', 'POST', '/contacts', { body: { firstName: 'X', lastName: 'Y', shoeSize: 44 } }, 400, 'shoeSize'],
      ['unknown nested field', 'POST', '/contacts', { body: { firstName: 'X', lastName: 'Y', source: { channel: 'web', colour: 'red' } } }, 400, 'source.colour'],
      ['bad source channel', 'POST', '/contacts', { body: { firstName: 'X', lastName: 'Y', source: { channel: 'pigeon' } } }, 400, 'source.channel'],
      ['too many tags', 'POST', '/contacts', { body: { firstName: 'X', lastName: 'Y', tags: Array.from({ length: 51 }, (_, i) => `t${i}`) } }, 400, 'tags'],
      ['undefined custom field', 'POST', '/contacts', { body: { firstName: 'X', lastName: 'Y', customFields: { nope: 1 } } }, 400, 'customFields.nope'],
      ['account that does not exist', 'POST', '/contacts', { body: { firstName: 'X', lastName: 'Y', accountId: '0190f0f0-0000-7000-8000-000000000001' } }, 400, 'accountId'],
      ['broken JSON', 'POST', '/contacts', { raw: '{"firstName": "X",' }, 400, 'MALFORMED_JSON'],
      ['a JSON array body', 'POST', '/contacts', { raw: '[1,2]' }, 400, 'firstName'],
      ['bad id in path', 'GET', '/contacts/not-a-uuid', {}, 400, 'id'],
      ['limit zero', 'GET', '/contacts?limit=0', {}, 400, 'limit'],
      ['limit too large', 'GET', '/contacts?limit=5000', {}, 400, 'limit'],
      ['limit not a number', 'GET', '/contacts?limit=ten', {}, 400, 'limit'],
      ['garbage cursor', 'GET', '/contacts?cursor=@@@', {}, 400, 'cursor'],
      ['cursor of another sort', 'GET', `/contacts?sort=name&cursor=${Buffer.from(JSON.stringify(['-createdAt', 'x', 'y'])).toString('base64url')}`, {}, 400, 'cursor'],
      ['unknown sort', 'GET', '/contacts?sort=shoeSize', {}, 400, 'sort'],
      ['bad If-Match', 'PATCH', '/contacts/0190f0f0-0000-7000-8000-000000000001', { body: { city: 'X' }, headers: { 'if-match': 'soon' } }, 400, 'If-Match'],
      ['bad consent channel', 'POST', '/contacts/0190f0f0-0000-7000-8000-000000000001/consents', { body: { channel: 'fax', purpose: 'marketing', granted: true, source: 'web' } }, 400, 'channel'],
      ['merge source not a uuid', 'POST', '/contacts/0190f0f0-0000-7000-8000-000000000001/merge', { body: { sourceId: 42 } }, 400, 'sourceId'],
    ];

    it.each(cases)('%s', async (_label, method, path, opts, status, named) => {
      const before = [await t.count('people'), await t.count('outbox'), await t.count('person_emails')];
      const res = await t.call<{ code: string; errors?: { field: string }[] }>(method, path, opts);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(JSON.stringify(res.body)).toContain(named);
      expect([await t.count('people'), await t.count('outbox'), await t.count('person_emails')]).toEqual(before);
    });
  });
});
