import { CustomersRpc } from '../customers/customers.rpc';
import { startContactsApp, type ContactsTestApp } from '../testing/contacts-test-app';

interface Page {
  items: { id: string; displayName: string }[];
}

describe('search finds people by phone number and by a misspelt name, over HTTP and request-reply (real Postgres)', () => {
  let t: ContactsTestApp;
  let ada: string;

  beforeAll(async () => {
    t = await startContactsApp('search_phone_fuzzy');
    const body = {
      firstName: 'Ada',
      lastName: 'Lovelace',
      phones: [{ number: '+33 6 12 34 56 78' }],
      emails: [{ address: 'ada@example.com' }],
    };
    ada = (await t.call<{ id: string }>('POST', '/contacts', { body })).body.id;
    await t.call('POST', '/contacts', {
      body: { firstName: 'Grace', lastName: 'Hopper', phones: [{ number: '+33 6 98 76 54 32' }] },
    });
  });
  afterAll(() => t.close());

  const ids = async (q: string) =>
    (await t.call<Page>('GET', `/contacts?q=${encodeURIComponent(q)}`)).body.items.map((i) => i.id);

  it.each(['+33612345678', '0612345678', '06 12 34 56 78', '+33 6 12 34 56 78'])(
    'finds the person by the phone number %s',
    async (q) => {
      expect(await ids(q)).toEqual([ada]);
    },
  );

  it.each(['lovlace', 'Lovelase', 'lovelace'])('finds Lovelace from %s', async (q) => {
    expect(await ids(q)).toEqual([ada]);
  });

  it('answers the gateway global search (contacts.search) as fuzzily, and by phone', async () => {
    const rpc = t.app.get(CustomersRpc);
    expect((await rpc.find({ q: 'lovlace', limit: 10 })).hits).toEqual([
      expect.objectContaining({ kind: 'contact', id: ada, title: 'Ada Lovelace' }),
    ]);
    expect((await rpc.find({ q: '0612345678', limit: 10 })).hits.map((h) => h.id)).toEqual([ada]);
  });

  it('refuses text Postgres cannot take in a request-reply q, naming q, instead of failing in the database', async () => {
    const rpc = t.app.get(CustomersRpc);
    for (const q of ['ada\u0000', 'x\ud800']) {
      await expect(rpc.find({ q, limit: 10 })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        extra: { errors: [{ field: 'q' }] },
      });
    }
  });

  it('accepts repeated tag parameters as any of those tags', async () => {
    const tagged = async (tags: string[]) => {
      const body = { firstName: 'T', lastName: tags.join('-') || 'none', tags };
      return (await t.call<{ id: string }>('POST', '/contacts', { body })).body.id;
    };
    const [vip, churn] = [await tagged(['vip']), await tagged(['churn-risk'])];
    await tagged([]);
    const found = (await t.call<Page>('GET', '/contacts?tag=vip&tag=churn-risk')).body.items.map((i) => i.id);
    expect(found.sort()).toEqual([vip, churn].sort());
    expect((await t.call<Page>('GET', '/contacts?tag=vip')).body.items.map((i) => i.id)).toEqual([vip]);
  });
});
