import { startContactsApp, type ContactsTestApp } from '../testing/contacts-test-app';

interface Consents {
  current: { channel: string; purpose: string; granted: boolean; source: string; decidedAt: string }[];
  history: { channel: string; granted: boolean; decidedAt: string; recordedBy: string }[];
}

describe('consent per channel and purpose (real Postgres)', () => {
  let t: ContactsTestApp;

  beforeAll(async () => {
    t = await startContactsApp('consent');
  });
  afterAll(() => t.close());

  const newPerson = async (lastName: string) =>
    (
      await t.call<{ id: string }>('POST', '/contacts', {
        body: { firstName: 'Katherine', lastName, lifecycleStage: 'lead' },
      })
    ).body.id;

  it('keeps the decision in force per channel and purpose and the whole history, and emits consent.changed each time', async () => {
    const id = await newPerson('Johnson');
    const decide = (channel: string, granted: boolean, decidedAt: string) =>
      t.call('POST', `/contacts/${id}/consents`, {
        body: { channel, purpose: 'marketing', granted, source: 'web-form', decidedAt },
      });
    expect((await decide('email', true, '2026-01-01T10:00:00Z')).status).toBe(201);
    expect((await decide('email', false, '2026-03-01T10:00:00Z')).status).toBe(201);
    // Recorded late but older: it joins the history and does not override the newer withdrawal.
    const late = await decide('email', true, '2026-02-01T10:00:00Z');
    expect(late.body).toMatchObject({
      channel: 'email',
      purpose: 'marketing',
      granted: false,
      decidedAt: '2026-03-01T10:00:00.000Z',
    });
    expect((await decide('sms', true, '2026-01-15T10:00:00Z')).status).toBe(201);

    const consents = await t.call<Consents>('GET', `/contacts/${id}/consents`);
    expect(consents.body.current).toEqual([
      {
        channel: 'email',
        purpose: 'marketing',
        granted: false,
        source: 'web-form',
        decidedAt: '2026-03-01T10:00:00.000Z',
      },
      {
        channel: 'sms',
        purpose: 'marketing',
        granted: true,
        source: 'web-form',
        decidedAt: '2026-01-15T10:00:00.000Z',
      },
    ]);
    expect(consents.body.history.map((h) => [h.channel, h.granted, h.decidedAt])).toEqual([
      ['email', false, '2026-03-01T10:00:00.000Z'],
      ['email', true, '2026-02-01T10:00:00.000Z'],
      ['sms', true, '2026-01-15T10:00:00.000Z'],
      ['email', true, '2026-01-01T10:00:00.000Z'],
    ]);
    expect(consents.body.history[0].recordedBy).toBe('spec-admin');

    const events = await t.outbox({ type: 'crm.contacts.consent.changed', subject: id });
    expect(events.map((e) => e.payload.version)).toEqual([1, 2, 3, 4]);
    expect(events[2].payload.data).toEqual({
      contactId: id,
      channel: 'email',
      purpose: 'marketing',
      granted: false,
      source: 'web-form',
      decidedAt: '2026-03-01T10:00:00.000Z',
    });
  });

  it('records a decision without a time as made now', async () => {
    const id = await newPerson('Now');
    const before = Date.now();
    const res = await t.call<{ decidedAt: string }>('POST', `/contacts/${id}/consents`, {
      body: { channel: 'post', purpose: 'partner_sharing', granted: true, source: 'paper' },
    });
    expect(res.status).toBe(201);
    expect(Date.parse(res.body.decidedAt)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('answers 404 for the consent of an unknown contact and writes nothing', async () => {
    const before = await t.count('consent_history');
    const res = await t.call<{ code: string }>('POST', '/contacts/0190f0f0-0000-7000-8000-000000000009/consents', {
      body: { channel: 'email', purpose: 'profiling', granted: true, source: 'web' },
    });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('CONTACT_NOT_FOUND');
    expect(await t.count('consent_history')).toBe(before);
  });
});
