import { Logger } from '@nestjs/common';
import type { CustomerGetReply } from '@crm/contracts';
import { startContactsApp, type ContactsTestApp } from '../testing/contacts-test-app';
import { CustomersRpc } from './customers.rpc';

describe('request-reply answers for the gateway (real Postgres)', () => {
  let t: ContactsTestApp;
  let rpc: CustomersRpc;

  beforeAll(async () => {
    t = await startContactsApp('rpc');
    rpc = t.app.get(CustomersRpc);
  });
  afterAll(() => t.close());

  it('contacts.customer.get answers the person with account, consent and the 10 latest activities', async () => {
    const account = (await t.call<{ id: string }>('POST', '/accounts', { body: { name: 'Bletchley Park' } })).body.id;
    const id = (
      await t.call<{ id: string }>('POST', '/contacts', {
        body: { firstName: 'Joan', lastName: 'Clarke', accountId: account, emails: [{ address: 'joan@bp.example' }] },
      })
    ).body.id;
    await t.call('POST', `/contacts/${id}/consents`, {
      body: { channel: 'email', purpose: 'marketing', granted: true, source: 'web' },
    });
    for (let i = 0; i < 12; i++) {
      await t.call('POST', `/contacts/${id}/activities`, {
        body: { type: 'note', subject: `note ${i}`, occurredAt: `2026-01-${String(i + 1).padStart(2, '0')}T10:00:00Z` },
      });
    }
    const reply = (await rpc.customer({ id })) as CustomerGetReply;
    expect(reply.person).toMatchObject({
      id,
      displayName: 'Joan Clarke',
      account: { id: account, name: 'Bletchley Park' },
    });
    expect(reply.consent).toEqual([expect.objectContaining({ channel: 'email', purpose: 'marketing', granted: true })]);
    expect(reply.recentActivities.map((a) => a.subject)).toEqual(
      [11, 10, 9, 8, 7, 6, 5, 4, 3, 2].map((i) => `note ${i}`),
    );
    // What travels over NATS is JSON.
    expect(JSON.parse(JSON.stringify(reply))).toEqual(reply);
  });

  it('contacts.customer.get answers null for an unknown or malformed id', async () => {
    expect(await rpc.customer({ id: '0190f0f0-0000-7000-8000-000000000009' })).toBeNull();
    expect(await rpc.customer({ id: 'nope' })).toBeNull();
    expect(await rpc.customer(null)).toBeNull();
  });

  it('contacts.search answers contact and account hits, bounded, and nothing for an empty query', async () => {
    await t.call('POST', '/accounts', { body: { name: 'Clarke Industries', domain: 'clarke.example' } });
    const reply = await rpc.find({ q: 'clarke', limit: 5 });
    expect(reply.hits).toEqual(
      expect.arrayContaining([
        { kind: 'contact', id: expect.any(String), title: 'Joan Clarke', subtitle: 'joan@bp.example' },
        { kind: 'account', id: expect.any(String), title: 'Clarke Industries', subtitle: 'clarke.example' },
      ]),
    );
    expect((await rpc.find({ q: '   ' })).hits).toEqual([]);
    expect((await rpc.find({ q: 42 })).hits).toEqual([]);
    expect((await rpc.find({ q: 'clarke', limit: 1 })).hits.filter((h) => h.kind === 'contact')).toHaveLength(1);
  });

  it('contacts.search refuses a q Postgres cannot take, as the people search does, before any query is sent', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error');
    try {
      for (const q of ['Ada\u0000Lovelace', 'Ada \ud800']) {
        const refused = await rpc.find({ q }).catch((e: unknown) => e);
        expect(refused).toMatchObject({ code: 'VALIDATION_FAILED', status: 400, extra: { errors: [{ field: 'q' }] } });
      }
      // An accounts query sent with the NUL would have failed (SQLSTATE 22021) and been logged by now.
      await new Promise((r) => setTimeout(r, 300));
      expect(errors.mock.calls.flat().join('\n')).not.toMatch(/query failed|22021/);
    } finally {
      errors.mockRestore();
    }
  });
});
