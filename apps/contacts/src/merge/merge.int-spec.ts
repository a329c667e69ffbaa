import { startContactsApp, type ContactsTestApp } from '../testing/contacts-test-app';
import { deadlockAgainst } from '../testing/deadlock';

interface Person {
  id: string;
  version: number;
  tags: string[];
  emails: { address: string; primary: boolean }[];
  phones: { number: string; primary: boolean }[];
  account: { id: string } | null;
  socialProfiles: { network: string; handle: string }[];
}

describe('merging two people (real Postgres)', () => {
  let t: ContactsTestApp;

  beforeAll(async () => {
    t = await startContactsApp('merge');
  });
  afterAll(() => t.close());

  const create = async (lastName: string, extra: Record<string, unknown>) => {
    const res = await t.call<Person>('POST', '/contacts', {
      body: { firstName: 'Ada', lastName, lifecycleStage: 'lead', country: 'GB', ...extra },
    });
    expect(res.status).toBe(201);
    return res.body.id;
  };

  it('keeps the target and moves emails, phones, tags, activities, account links and consent, with the events in the outbox', async () => {
    const account = (await t.call<{ id: string }>('POST', '/accounts', { body: { name: 'Analytical Engines' } })).body
      .id;
    const target = await create('Lovelace', {
      emails: [{ address: 'ada@engines.example', primary: true }, { address: 'shared@engines.example' }],
      phones: [{ number: '+44 20 7946 0001' }],
      tags: ['math'],
      socialProfiles: [{ network: 'x', handle: 'ada' }],
    });
    const source = await create('King', {
      emails: [{ address: 'ada.king@engines.example', primary: true }],
      phones: [{ number: '+44 20 7946 0001' }, { number: '+44 20 7946 0002' }],
      tags: ['math', 'poetry'],
      socialProfiles: [
        { network: 'x', handle: 'ada' },
        { network: 'linkedin', handle: 'adaking' },
      ],
      accountId: account,
    });
    const consent = (id: string, granted: boolean, decidedAt: string) =>
      t.call('POST', `/contacts/${id}/consents`, {
        body: { channel: 'email', purpose: 'marketing', granted, source: 'web', decidedAt },
      });
    await consent(target, true, '2026-01-01T00:00:00Z');
    await consent(source, false, '2026-02-01T00:00:00Z');
    await t.call('POST', `/contacts/${source}/activities`, {
      body: { type: 'note', subject: 'met at the conference' },
    });

    const merged = await t.call<Person>('POST', `/contacts/${target}/merge`, { body: { sourceId: source } });
    expect(merged.status).toBe(200);
    expect(merged.body.id).toBe(target);
    expect(merged.body.version).toBe(2);
    expect(merged.body.emails).toEqual([
      { address: 'ada@engines.example', primary: true },
      { address: 'shared@engines.example', primary: false },
      { address: 'ada.king@engines.example', primary: false },
    ]);
    expect(merged.body.phones.map((p) => [p.number, p.primary])).toEqual([
      ['+442079460001', true],
      ['+442079460002', false],
    ]);
    expect(merged.body.tags.sort()).toEqual(['math', 'poetry']);
    expect(merged.body.socialProfiles).toHaveLength(2);
    expect(merged.body.account?.id).toBe(account);

    const consents = await t.call<{ current: { granted: boolean }[]; history: unknown[] }>(
      'GET',
      `/contacts/${target}/consents`,
    );
    expect(consents.body.current.map((c) => c.granted)).toEqual([false]);
    expect(consents.body.history).toHaveLength(2);
    const timeline = await t.call<{ items: { subject: string }[] }>('GET', `/contacts/${target}/timeline`);
    expect(timeline.body.items.map((i) => i.subject)).toContain('met at the conference');
    const people = await t.call<{ items: { id: string }[] }>('GET', `/accounts/${account}/contacts`);
    expect(people.body.items.map((p) => p.id)).toEqual([target]);

    const gone = await t.call<{ code: string; mergedInto: string }>('GET', `/contacts/${source}`);
    expect(gone.status).toBe(410);
    expect(gone.body).toMatchObject({ code: 'CONTACT_MERGED', mergedInto: target });

    const [mergedEvent] = await t.outbox({ type: 'crm.contacts.contact.merged' });
    expect(mergedEvent).toMatchObject({
      subject: source,
      payload: { subject: source, version: 2, data: { targetId: target, sourceId: source } },
    });
    const targetEvents = await t.outbox({ subject: target, type: 'crm.contacts.contact.updated' });
    expect(targetEvents).toHaveLength(1);
    expect(targetEvents[0].payload).toMatchObject({
      version: 2,
      data: {
        id: target,
        version: 2,
        primaryEmail: 'ada@engines.example',
        accountId: account,
        tags: expect.arrayContaining(['poetry']),
      },
    });
    expect(await t.count(`outbox WHERE subject = '${source}' AND type = 'crm.contacts.contact.updated'`)).toBe(0);

    // The moved address still belongs to an active contact: the target.
    const again = await t.call<{ existingId: string }>('POST', '/contacts', {
      body: { firstName: 'X', lastName: 'Y', emails: [{ address: 'ada.king@engines.example' }] },
    });
    expect(again.status).toBe(409);
    expect(again.body.existingId).toBe(target);
  });

  it('refuses to change or merge a merged contact again (410), and merges of unknown contacts (404)', async () => {
    const target = await create('Target', {});
    const source = await create('Source', {});
    expect((await t.call('POST', `/contacts/${target}/merge`, { body: { sourceId: source } })).status).toBe(200);
    expect((await t.call('POST', `/contacts/${target}/merge`, { body: { sourceId: source } })).status).toBe(410);
    expect((await t.call('PATCH', `/contacts/${source}`, { body: { city: 'Oxford' } })).status).toBe(410);
    expect(
      (await t.call('POST', `/contacts/${source}/activities`, { body: { type: 'note', subject: 'x' } })).status,
    ).toBe(410);
    expect(
      (
        await t.call<{ code: string }>('POST', `/contacts/${target}/merge`, {
          body: { sourceId: '0190f0f0-0000-7000-8000-000000000009' },
        })
      ).body.code,
    ).toBe('CONTACT_NOT_FOUND');
  });

  it('merges after Postgres aborts it as a deadlock victim, instead of answering 409', async () => {
    const target = await create('Deadlocked', {});
    const source = await create('Victim', {});
    // The merge locks the lower id, then waits for the higher one the other session holds.
    const [lower, higher] = [target, source].sort();
    const res = await deadlockAgainst(t.db, { held: higher, wanted: lower }, () =>
      t.call<Person & { code?: string }>('POST', `/contacts/${target}/merge`, { body: { sourceId: source } }),
    );
    expect(res.body.code).toBeUndefined();
    expect(res.status).toBe(200);
    expect((await t.call('GET', `/contacts/${source}`)).status).toBe(410);
  });
});
