import { startContactsApp, type ContactsTestApp } from '../testing/contacts-test-app';

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

describe('activities and the timeline (real Postgres)', () => {
  let t: ContactsTestApp;

  beforeAll(async () => {
    t = await startContactsApp('activities');
  });
  afterAll(() => t.close());

  const newPerson = async (lastName: string) =>
    (
      await t.call<{ id: string }>('POST', '/contacts', {
        body: { firstName: 'Dorothy', lastName, lifecycleStage: 'lead' },
      })
    ).body.id;

  it('shows activities and consent decisions on one timeline, newest first, keyset paged', async () => {
    const id = await newPerson('Vaughan');
    for (const [i, type] of (['note', 'call', 'meeting', 'email'] as const).entries()) {
      const r = await t.call('POST', `/contacts/${id}/activities`, {
        body: { type, subject: `${type} ${i}`, occurredAt: `2026-05-0${i + 1}T09:00:00Z` },
      });
      expect(r.status).toBe(201);
    }
    await t.call('POST', `/contacts/${id}/consents`, {
      body: { channel: 'sms', purpose: 'marketing', granted: true, source: 'call', decidedAt: '2026-05-10T09:00:00Z' },
    });
    const first = await t.call<Page<{ kind: string; subject: string }>>('GET', `/contacts/${id}/timeline?limit=3`);
    expect(first.body.items.map((i) => [i.kind, i.subject])).toEqual([
      ['consent', 'sms / marketing: granted'],
      ['activity', 'email 3'],
      ['activity', 'meeting 2'],
    ]);
    const second = await t.call<Page<{ subject: string }>>(
      'GET',
      `/contacts/${id}/timeline?limit=3&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.items.map((i) => i.subject)).toEqual(['call 1', 'note 0']);
    expect(second.body.nextCursor).toBeNull();
  });

  it('lists a person’s activities newest first across pages, with no overlap, and emits activity.logged', async () => {
    const id = await newPerson('Paged');
    // Several activities at the same instant: the id breaks the tie, so no page repeats or skips one.
    for (let i = 0; i < 7; i++) {
      await t.call('POST', `/contacts/${id}/activities`, {
        body: { type: 'call', subject: `call ${i}`, occurredAt: '2026-06-01T12:00:00.123456Z', durationMinutes: i },
      });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: Page<{ subject: string }> } = await t.call(
        'GET',
        `/contacts/${id}/activities?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...res.body.items.map((i) => i.subject));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['call 6', 'call 5', 'call 4', 'call 3', 'call 2', 'call 1', 'call 0']);
    const events = await t.outbox({ type: 'crm.contacts.activity.logged' });
    const mine = events.filter((e) => e.payload.data['contactId'] === id);
    expect(mine).toHaveLength(7);
    expect(mine[0].payload.data).toMatchObject({
      contactId: id,
      accountId: null,
      type: 'call',
      subject: 'call 0',
      actor: 'spec-admin',
    });
  });

  it('logs activities against an account', async () => {
    const account = (await t.call<{ id: string }>('POST', '/accounts', { body: { name: 'Langley Research' } })).body.id;
    const logged = await t.call<{ id: string; accountId: string; personId: string | null }>(
      'POST',
      `/accounts/${account}/activities`,
      {
        body: { type: 'meeting', subject: 'Quarterly review', body: 'Went well', durationMinutes: 60 },
      },
    );
    expect(logged.status).toBe(201);
    expect(logged.body).toMatchObject({ accountId: account, personId: null });
    const list = await t.call<Page<{ subject: string; durationMinutes: number }>>(
      'GET',
      `/accounts/${account}/activities`,
    );
    expect(list.body.items).toEqual([expect.objectContaining({ subject: 'Quarterly review', durationMinutes: 60 })]);
    expect(
      (
        await t.call('POST', '/accounts/0190f0f0-0000-7000-8000-000000000009/activities', {
          body: { type: 'note', subject: 'x' },
        })
      ).status,
    ).toBe(404);
  });
});
