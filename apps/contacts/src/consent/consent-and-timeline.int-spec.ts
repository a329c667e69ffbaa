import { startContactsApp, type ContactsTestApp } from '../testing/contacts-test-app';

describe('consent, timeline, accounts, custom fields and duplicates (real Postgres)', () => {
  let t: ContactsTestApp;

  beforeAll(async () => {
    t = await startContactsApp('relationship');
  });
  afterAll(() => t.close());

  const newPerson = async (last: string, extra: Record<string, unknown> = {}) =>
    (await t.call<{ id: string }>('POST', '/contacts', { body: { firstName: 'Katherine', lastName: last, country: 'US', ...extra } })).body.id;

  it('keeps the current consent per channel and purpose and the full history, and emits consent.changed', async () => {
    const id = await newPerson('Johnson');
    const decide = (granted: boolean, decidedAt: string) =>
      t.call('POST', `/contacts/${id}/consents`, { body: { channel: 'email', purpose: 'marketing', granted, source: 'web-form', decidedAt } });
    expect((await decide(true, '2026-01-01T10:00:00Z')).status).toBe(201);
    expect((await decide(false, '2026-03-01T10:00:00Z')).status).toBe(201);
    // Recorded late but older: goes into history, does not override the newer withdrawal.
    expect((await decide(true, '2026-02-01T10:00:00Z')).status).toBe(201);
    const consents = await t.call<{ current: { channel: string; granted: boolean }[]; history: { granted: boolean }[] }>('GET', `/contacts/${id}/consents`);
    expect(consents.body.current).toEqual([expect.objectContaining({ channel: 'email', purpose: 'marketing', granted: false })]);
    expect(consents.body.history.map((h) => h.granted)).toEqual([false, true, true]);
    const events = (await t.db.query(`SELECT count(*)::int AS n FROM outbox WHERE type = 'crm.contacts.consent.changed' AND subject = $1`, [id])).rows[0].n;
    expect(events).toBe(3);
  });

  it('shows activities and consent decisions on one timeline, newest first, paged', async () => {
    const id = await newPerson('Vaughan');
    for (const [i, type] of (['note', 'call', 'meeting', 'email'] as const).entries()) {
      const r = await t.call('POST', `/contacts/${id}/activities`, { body: { type, subject: `${type} ${i}`, occurredAt: `2026-05-0${i + 1}T09:00:00Z` } });
      expect(r.status).toBe(201);
    }
    await t.call('POST', `/contacts/${id}/consents`, { body: { channel: 'sms', purpose: 'marketing', granted: true, source: 'call', decidedAt: '2026-05-10T09:00:00Z' } });
    const first = await t.call<{ items: { kind: string; subject: string }[]; nextCursor: string }>('GET', `/contacts/${id}/timeline?limit=3`);
    expect(first.body.items.map((i) => i.subject)).toEqual(['sms / marketing: granted', 'email 3', 'meeting 2']);
    const second = await t.call<{ items: { subject: string }[]; nextCursor: string | null }>('GET', `/contacts/${id}/timeline?limit=3&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((i) => i.subject)).toEqual(['call 1', 'note 0']);
    expect(second.body.nextCursor).toBeNull();
  });

  it('links people to accounts with role and title, and lists an account’s people', async () => {
    const account = await t.call<{ id: string; version: number }>('POST', '/accounts', { body: { name: 'Langley Research', industry: 'aerospace', sizeBand: '1001-5000', country: 'US' } });
    expect(account.status).toBe(201);
    const id = await newPerson('Goble');
    const linked = await t.call<{ account: { id: string; role: string; title: string } }>('POST', `/accounts/${account.body.id}/contacts`, {
      body: { contactId: id, role: 'decision maker', title: 'Head of Computing', primary: true },
    });
    expect(linked.status).toBe(200);
    expect(linked.body.account).toMatchObject({ id: account.body.id, role: 'decision maker', title: 'Head of Computing' });
    const people = await t.call<{ id: string }[]>('GET', `/accounts/${account.body.id}/contacts`);
    expect(people.body.map((p) => p.id)).toEqual([id]);
    const renamed = await t.call<{ version: number }>('PATCH', `/accounts/${account.body.id}`, { body: { name: 'NASA Langley' } });
    expect(renamed.body.version).toBe(2);
    expect((await t.call('GET', `/accounts?q=langley`)).status).toBe(200);
  });

  it('checks custom field values against their definitions', async () => {
    expect((await t.call('POST', '/custom-fields', { body: { key: 'clearance', label: 'Clearance', type: 'enum', options: ['secret', 'top'], required: false } })).status).toBe(201);
    expect((await t.call('POST', '/custom-fields', { body: { key: 'clearance', label: 'Again', type: 'string' } })).status).toBe(409);
    const ok = await t.call<{ customFields: Record<string, unknown> }>('POST', '/contacts', { body: { firstName: 'Dorothy', lastName: 'Vaughan', customFields: { clearance: 'top' } } });
    expect(ok.body.customFields).toEqual({ clearance: 'top' });
    const bad = await t.call<{ errors: { field: string }[] }>('POST', '/contacts', { body: { firstName: 'Dorothy', lastName: 'V', customFields: { clearance: 'cosmic' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('customFields.clearance');
  });

  it('suggests likely duplicates: a similar name plus a shared phone', async () => {
    const a = await newPerson('Jackson', { firstName: 'Mary', phones: [{ number: '+1 415 555 2671' }] });
    const b = await newPerson('Jacksen', { firstName: 'Mary', phones: [{ number: '(415) 555-2671' }] });
    await newPerson('Jackson', { firstName: 'Maria' });
    const dupes = await t.call<{ id: string; sharedPhone: boolean }[]>('GET', `/contacts/${a}/duplicates`);
    expect(dupes.body.map((d) => d.id)).toEqual([b]);
    expect(dupes.body[0].sharedPhone).toBe(true);
  });

  it('merges consent (latest decision wins), emails and activities into the target', async () => {
    const target = await newPerson('Target', { emails: [{ address: 'target@nasa.example' }] });
    const source = await newPerson('Source', { emails: [{ address: 'source@nasa.example' }, { address: 'other@nasa.example' }] });
    await t.call('POST', `/contacts/${target}/consents`, { body: { channel: 'email', purpose: 'marketing', granted: true, source: 'web', decidedAt: '2026-01-01T00:00:00Z' } });
    await t.call('POST', `/contacts/${source}/consents`, { body: { channel: 'email', purpose: 'marketing', granted: false, source: 'call', decidedAt: '2026-02-01T00:00:00Z' } });
    await t.call('POST', `/contacts/${source}/activities`, { body: { type: 'note', subject: 'met at conference' } });
    const merged = await t.call<{ emails: { address: string }[]; version: number }>('POST', `/contacts/${target}/merge`, { body: { sourceId: source } });
    expect(merged.status).toBe(200);
    expect(merged.body.emails.map((e) => e.address).sort()).toEqual(['other@nasa.example', 'source@nasa.example', 'target@nasa.example']);
    const consent = await t.call<{ current: { granted: boolean }[]; history: unknown[] }>('GET', `/contacts/${target}/consents`);
    expect(consent.body.current[0].granted).toBe(false);
    expect(consent.body.history).toHaveLength(2);
    const timeline = await t.call<{ items: { subject: string }[] }>('GET', `/contacts/${target}/timeline`);
    expect(timeline.body.items.map((i) => i.subject)).toContain('met at conference');
    const gone = await t.call<{ code: string }>('GET', `/contacts/${source}`);
    expect(gone.status).toBe(410);
    const mergedEvent = (await t.db.query(`SELECT payload FROM outbox WHERE type = 'crm.contacts.contact.merged'`)).rows;
    expect(mergedEvent.map((r) => r.payload.data)).toEqual([{ targetId: target, sourceId: source }]);
    // The source's address is free again only through the target: a new contact cannot take it.
    expect((await t.call('POST', '/contacts', { body: { firstName: 'X', lastName: 'Y', emails: [{ address: 'source@nasa.example' }] } })).status).toBe(409);
  });

  it('erases personal data, keeps non-personal facts and records who asked', async () => {
    const id = await newPerson('Erasable', { emails: [{ address: 'erase.me@nasa.example' }], lifecycleStage: 'customer', source: { channel: 'partner', referrer: 'https://partner.example/x' } });
    await t.call('POST', `/contacts/${id}/activities`, { body: { type: 'call', subject: 'private chat', body: 'very personal' } });
    const erased = await t.call<Record<string, unknown>>('POST', `/contacts/${id}/erasure`, { body: { reason: 'GDPR art. 17 request' } });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ status: 'erased', lifecycleStage: 'customer', country: 'US', emails: [], source: { channel: 'partner' } });
    expect(JSON.stringify(erased.body)).not.toMatch(/Erasable|erase\.me|partner\.example/);
    const rows = (await t.db.query(`SELECT requested_by, reason FROM erasure_requests WHERE person_id = $1`, [id])).rows;
    expect(rows).toEqual([{ requested_by: 'spec-admin', reason: 'GDPR art. 17 request' }]);
    const activity = (await t.db.query(`SELECT subject, body FROM activities WHERE person_id = $1`, [id])).rows;
    expect(activity).toEqual([{ subject: '[erased]', body: null }]);
    const event = (await t.db.query(`SELECT payload FROM outbox WHERE type = 'crm.contacts.contact.erased' AND subject = $1`, [id])).rows;
    expect(event).toHaveLength(1);
    expect(JSON.stringify(event[0].payload)).not.toMatch(/Erasable|erase\.me/);
    // The address is free for a new contact now.
    expect((await t.call('POST', '/contacts', { body: { firstName: 'New', lastName: 'Person', emails: [{ address: 'erase.me@nasa.example' }] } })).status).toBe(201);
  });
});
