import { startContactsApp, type ContactsTestApp } from '../testing/contacts-test-app';

jest.setTimeout(60_000);

describe('concurrent account renames and moves of people between accounts (real Postgres)', () => {
  let t: ContactsTestApp;

  beforeAll(async () => {
    t = await startContactsApp('concurrent');
  });
  afterAll(() => t.close());

  it('answers 100 interleaved renames and moves without a single 5xx, and every change lands', async () => {
    const accounts: string[] = [];
    for (const name of ['Acme', 'Globex']) {
      accounts.push((await t.call<{ id: string }>('POST', '/accounts', { body: { name } })).body.id);
    }
    const people: string[] = [];
    for (let i = 0; i < 10; i++) {
      const body = { firstName: `P${i}`, lastName: 'Mover', accountId: accounts[i % 2] };
      people.push((await t.call<{ id: string }>('POST', '/contacts', { body })).body.id);
    }
    const calls = Array.from({ length: 100 }, (_, i) =>
      i % 2 === 0
        ? t.call('PATCH', `/accounts/${accounts[(i / 2) % 2]}`, { body: { name: `Renamed ${i}` } })
        : t.call('PATCH', `/contacts/${people[i % 10]}`, { body: { accountId: accounts[i % 4 < 2 ? 0 : 1] } }),
    );
    const statuses = (await Promise.all(calls)).map((r) => r.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.filter((s) => s === 200).length).toBe(100);
    const renames = await t.outbox({ type: 'crm.contacts.account.updated' });
    expect(renames).toHaveLength(50);
  });
});
