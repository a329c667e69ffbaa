import { startContactsApp, type ContactsTestApp } from '../testing/contacts-test-app';

/** The shape the e2e specs and the benchmark send. */
const person = (n: number, extra: Record<string, unknown> = {}) => ({
  firstName: 'Grace',
  lastName: `Hopper${n}`,
  emails: [{ address: ` Grace.Hopper${n}@Example.com `, primary: true }],
  phones: [{ number: '06 12 34 56 78', type: 'mobile' }],
  lifecycleStage: 'prospect',
  country: 'FR',
  city: 'Paris',
  region: 'IDF',
  tags: ['vip'],
  ownerId: 'owner-1',
  source: {
    channel: 'event',
    campaign: 'devfest',
    utmSource: 'meetup',
    utmMedium: 'talk',
    utmCampaign: 'fall',
    referrer: 'https://meetup.example/x',
  },
  ...extra,
});

interface PersonBody {
  id: string;
  version: number;
  status: string;
  displayName: string;
  city: string | null;
  emails: { address: string; primary: boolean }[];
  phones: { number: string; type: string }[];
}

describe('people over HTTP (real Postgres)', () => {
  let t: ContactsTestApp;

  beforeAll(async () => {
    t = await startContactsApp('people');
  });
  afterAll(() => t.close());

  it('creates a person with normalised email and phone and records exactly one contact.created event carrying the contact', async () => {
    const outboxBefore = await t.count('outbox');
    const created = await t.call<PersonBody>('POST', '/contacts', { body: person(1) });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.body).toMatchObject({ version: 1, status: 'active', displayName: 'Grace Hopper1' });
    expect(created.body.emails).toEqual([{ address: 'grace.hopper1@example.com', primary: true }]);
    expect(created.body.phones).toEqual([{ number: '+33612345678', type: 'mobile', primary: true }]);

    expect(await t.count('outbox')).toBe(outboxBefore + 1);
    const [event] = await t.outbox({ subject: created.body.id });
    expect(event.type).toBe('crm.contacts.contact.created');
    expect(event.payload).toMatchObject({
      specversion: '1.0',
      type: 'crm.contacts.contact.created',
      subject: created.body.id,
      version: 1,
    });
    expect(event.payload.data).toMatchObject({
      id: created.body.id,
      version: 1,
      status: 'active',
      displayName: 'Grace Hopper1',
      firstName: 'Grace',
      lastName: 'Hopper1',
      primaryEmail: 'grace.hopper1@example.com',
      lifecycleStage: 'prospect',
      country: 'FR',
      city: 'Paris',
      ownerId: 'owner-1',
      tags: ['vip'],
      accountId: null,
      source: { channel: 'event', campaign: 'devfest', utmSource: 'meetup', utmMedium: 'talk', utmCampaign: 'fall' },
    });
    expect(event.payload.data['createdAt']).toEqual(expect.any(String));
    expect(event.payload.data['updatedAt']).toEqual(expect.any(String));

    const read = await t.call<PersonBody>('GET', `/contacts/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  it('keeps demographics, address, social profiles and the acquisition source', async () => {
    const created = await t.call<Record<string, unknown>>('POST', '/contacts', {
      body: person(2, {
        birthDate: '1906-12-09',
        locale: 'en-US',
        occupation: 'Rear admiral',
        address: { line1: '1 Navy Way', postalCode: '10001', city: 'New York', country: 'US' },
        socialProfiles: [{ network: 'linkedin', handle: 'ghopper', url: 'https://linkedin.example/in/ghopper' }],
      }),
    });
    expect(created.status).toBe(201);
    const read = await t.call<Record<string, unknown>>('GET', `/contacts/${created.body['id']}`);
    expect(read.body).toMatchObject({
      birthDate: '1906-12-09',
      locale: 'en-US',
      occupation: 'Rear admiral',
      address: { line1: '1 Navy Way', postalCode: '10001', city: 'New York', country: 'US' },
      socialProfiles: [{ network: 'linkedin', handle: 'ghopper', url: 'https://linkedin.example/in/ghopper' }],
      source: { channel: 'event', referrer: 'https://meetup.example/x', firstTouchAt: expect.any(String) },
    });
  });

  it('refuses a second active contact with the same email, whatever its case, with 409 and the existing id, writing nothing', async () => {
    const first = await t.call<{ id: string }>('POST', '/contacts', { body: person(3) });
    const before = [await t.count('people'), await t.count('outbox')];
    const again = await t.call<{ code: string; existingId: string; errors: { field: string }[] }>('POST', '/contacts', {
      body: person(3, { firstName: 'Other', emails: [{ address: 'GRACE.HOPPER3@example.COM' }] }),
    });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(again.body).toMatchObject({ code: 'CONTACT_EMAIL_TAKEN', existingId: first.body.id });
    expect(again.body.errors[0].field).toBe('emails');
    expect([await t.count('people'), await t.count('outbox')]).toEqual(before);
  });

  it('updates with optimistic concurrency: the right If-Match passes and bumps the version, a stale one gets 412', async () => {
    const created = await t.call<{ id: string }>('POST', '/contacts', { body: person(4) });
    const ok = await t.call<{ version: number; lifecycleStage: string }>('PATCH', `/contacts/${created.body.id}`, {
      body: { lifecycleStage: 'customer' },
      headers: { 'if-match': '"1"' },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe('"2"');
    expect(ok.body).toMatchObject({ version: 2, lifecycleStage: 'customer' });
    const stale = await t.call<{ code: string; currentVersion: number }>('PATCH', `/contacts/${created.body.id}`, {
      body: { city: 'Lyon' },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ code: 'VERSION_CONFLICT', currentVersion: 2 });
    const events = await t.outbox({ subject: created.body.id });
    expect(events.map((e) => [e.type, e.payload.version, e.payload.data['lifecycleStage']])).toEqual([
      ['crm.contacts.contact.created', 1, 'prospect'],
      ['crm.contacts.contact.updated', 2, 'customer'],
    ]);
  });

  it('clears optional fields with null, refuses null for required ones, and reads new phones in the new country', async () => {
    const created = await t.call<{ id: string }>('POST', '/contacts', { body: person(5) });
    const cleared = await t.call<PersonBody>('PATCH', `/contacts/${created.body.id}`, {
      body: { city: null, country: 'DE', phones: [{ number: '030 1234567', type: 'work' }] },
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body.city).toBeNull();
    expect(cleared.body.phones).toEqual([{ number: '+49301234567', type: 'work', primary: true }]);
    const refused = await t.call<{ errors: { field: string }[] }>('PATCH', `/contacts/${created.body.id}`, {
      body: { firstName: null, lifecycleStage: null },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e) => e.field).sort()).toEqual(['firstName', 'lifecycleStage']);
  });

  it('refuses to move an email to a contact when another active contact has it', async () => {
    const a = await t.call<{ id: string }>('POST', '/contacts', { body: person(6) });
    const b = await t.call<{ id: string }>('POST', '/contacts', { body: person(7) });
    const taken = await t.call<{ code: string; existingId: string }>('PATCH', `/contacts/${b.body.id}`, {
      body: { emails: [{ address: 'grace.hopper6@example.com' }] },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.existingId).toBe(a.body.id);
    const kept = await t.call<PersonBody>('GET', `/contacts/${b.body.id}`);
    expect(kept.body.emails.map((e) => e.address)).toEqual(['grace.hopper7@example.com']);
    expect(kept.body.version).toBe(1);
  });

  it('answers 404 with a stable code for an unknown contact', async () => {
    const res = await t.call<{ code: string }>('GET', '/contacts/0190f0f0-0000-7000-8000-000000000001');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('CONTACT_NOT_FOUND');
  });

  it('answers 401 without a token, 403 to read-only on writes, and 403 to sales on merge, erasure and custom field definitions', async () => {
    const created = await t.call<{ id: string }>('POST', '/contacts', { body: person(8) });
    const other = await t.call<{ id: string }>('POST', '/contacts', { body: person(9) });
    expect((await t.call('GET', `/contacts/${created.body.id}`, { token: null })).status).toBe(401);
    expect((await t.call('GET', '/contacts', { token: 'not-a-jwt' })).status).toBe(401);
    const readOnly = await t.token(['read-only']);
    expect((await t.call('GET', `/contacts/${created.body.id}`, { token: readOnly })).status).toBe(200);
    for (const [method, path, body] of [
      ['POST', '/contacts', person(10)],
      ['PATCH', `/contacts/${created.body.id}`, { city: 'Nice' }],
      [
        'POST',
        `/contacts/${created.body.id}/consents`,
        { channel: 'email', purpose: 'marketing', granted: true, source: 'web' },
      ],
      ['POST', `/contacts/${created.body.id}/activities`, { type: 'note', subject: 'hello' }],
      ['POST', '/accounts', { name: 'Acme' }],
    ] as const) {
      const denied = await t.call<{ code: string }>(method, path, { token: readOnly, body });
      expect([method, path, denied.status, denied.body.code]).toEqual([method, path, 403, 'PERMISSION_DENIED']);
    }
    const sales = await t.token(['sales']);
    expect((await t.call('POST', '/contacts', { token: sales, body: person(11) })).status).toBe(201);
    expect(
      (await t.call('PATCH', `/contacts/${created.body.id}`, { token: sales, body: { city: 'Nice' } })).status,
    ).toBe(200);
    expect((await t.call('POST', `/contacts/${created.body.id}/erasure`, { token: sales, body: {} })).status).toBe(403);
    expect(
      (await t.call('POST', `/contacts/${created.body.id}/merge`, { token: sales, body: { sourceId: other.body.id } }))
        .status,
    ).toBe(403);
    expect(
      (await t.call('POST', '/custom-fields', { token: sales, body: { key: 'x', label: 'X', type: 'string' } })).status,
    ).toBe(403);
    expect((await t.call<{ status: string }>('GET', `/contacts/${other.body.id}`)).body.status).toBe('active');
  });
});
