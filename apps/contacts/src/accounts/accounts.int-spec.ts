import { startContactsApp, type ContactsTestApp } from '../testing/contacts-test-app';

interface Account {
  id: string;
  name: string;
  version: number;
  domain: string | null;
  industry: string | null;
}

describe('accounts and their people (real Postgres)', () => {
  let t: ContactsTestApp;

  beforeAll(async () => {
    t = await startContactsApp('accounts');
  });
  afterAll(() => t.close());

  const newPerson = async (lastName: string) =>
    (
      await t.call<{ id: string }>('POST', '/contacts', {
        body: { firstName: 'Mary', lastName, lifecycleStage: 'lead' },
      })
    ).body.id;

  it('creates, reads and changes an account, emitting account.created and account.updated', async () => {
    const created = await t.call<Account>('POST', '/accounts', {
      body: {
        name: ' Langley Research ',
        domain: 'Langley.Example',
        industry: 'aerospace',
        sizeBand: '1001-5000',
        country: 'us',
        city: 'Hampton',
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Langley Research',
      domain: 'langley.example',
      country: 'US',
      version: 1,
    });
    const changed = await t.call<Account>('PATCH', `/accounts/${created.body.id}`, {
      body: { industry: null, sizeBand: '5000+' },
    });
    expect(changed.body).toMatchObject({ industry: null, version: 2 });
    expect((await t.call<Account>('GET', `/accounts/${created.body.id}`)).body).toMatchObject({
      sizeBand: '5000+',
      version: 2,
    });
    const events = await t.outbox({ subject: created.body.id });
    expect(events.map((e) => [e.type, e.payload.version])).toEqual([
      ['crm.contacts.account.created', 1],
      ['crm.contacts.account.updated', 2],
    ]);
    expect(events[1].payload.data).toMatchObject({
      id: created.body.id,
      name: 'Langley Research',
      sizeBand: '5000+',
      industry: null,
    });
    expect((await t.call('PATCH', `/accounts/${created.body.id}`, { body: { name: null } })).status).toBe(400);
    expect((await t.call<{ code: string }>('GET', '/accounts/0190f0f0-0000-7000-8000-000000000009')).body.code).toBe(
      'ACCOUNT_NOT_FOUND',
    );
  });

  it('links people with role, title and primary, lists them, and unlinks them, each a contact.updated', async () => {
    const account = (await t.call<Account>('POST', '/accounts', { body: { name: 'NACA' } })).body;
    const other = (await t.call<Account>('POST', '/accounts', { body: { name: 'Other Co' } })).body;
    const id = await newPerson('Jackson');
    const linked = await t.call<{ version: number; account: { id: string; role: string; title: string } }>(
      'POST',
      `/accounts/${account.id}/contacts`,
      {
        body: { contactId: id, role: 'decision maker', title: 'Engineer', primary: true },
      },
    );
    expect(linked.status).toBe(200);
    expect(linked.body).toMatchObject({
      version: 2,
      account: { id: account.id, role: 'decision maker', title: 'Engineer' },
    });
    await t.call('POST', `/accounts/${other.id}/contacts`, { body: { contactId: id, role: 'advisor' } });

    const people = await t.call<{
      items: { id: string; role: string; title: string; primary: boolean }[];
      nextCursor: string | null;
    }>('GET', `/accounts/${account.id}/contacts`);
    expect(people.body).toEqual({
      items: [
        {
          id,
          displayName: 'Mary Jackson',
          lifecycleStage: 'lead',
          role: 'decision maker',
          title: 'Engineer',
          primary: true,
        },
      ],
      nextCursor: null,
    });

    const unlinked = await t.call<{ version: number; account: { id: string } | null }>(
      'DELETE',
      `/accounts/${account.id}/contacts/${id}`,
    );
    expect(unlinked.status).toBe(200);
    expect(unlinked.body).toMatchObject({ version: 4, account: { id: other.id } });
    expect((await t.call('DELETE', `/accounts/${account.id}/contacts/${id}`)).status).toBe(404);

    const events = await t.outbox({ subject: id, type: 'crm.contacts.contact.updated' });
    expect(events.map((e) => [e.payload.version, e.payload.data['accountId']])).toEqual([
      [2, account.id],
      [3, account.id],
      [4, other.id],
    ]);
  });

  it('finds people by their company name, also after the company is renamed', async () => {
    const account = (await t.call<Account>('POST', '/accounts', { body: { name: 'Quasar Widgets' } })).body;
    const id = (
      await t.call<{ id: string }>('POST', '/contacts', {
        body: { firstName: 'Evelyn', lastName: 'Boyd', accountId: account.id },
      })
    ).body.id;
    const find = async (q: string) =>
      (await t.call<{ items: { id: string }[] }>('GET', `/contacts?q=${q}`)).body.items.map((i) => i.id);
    expect(await find('quasar')).toEqual([id]);
    await t.call('PATCH', `/accounts/${account.id}`, { body: { name: 'Pulsar Gadgets' } });
    expect(await find('pulsar')).toEqual([id]);
    expect(await find('quasar')).toEqual([]);
  });

  it('pages accounts and filters them by name', async () => {
    for (let i = 0; i < 5; i++) await t.call('POST', '/accounts', { body: { name: `Paged Account ${i}` } });
    const first = await t.call<{ items: Account[]; nextCursor: string }>('GET', '/accounts?q=paged&limit=3');
    const second = await t.call<{ items: Account[]; nextCursor: string | null }>(
      'GET',
      `/accounts?q=paged&limit=3&cursor=${first.body.nextCursor}`,
    );
    expect([...first.body.items, ...second.body.items].map((a) => a.name)).toEqual(
      [4, 3, 2, 1, 0].map((i) => `Paged Account ${i}`),
    );
    expect(second.body.nextCursor).toBeNull();
  });

  it('deletes only an account nobody refers to, and only for contacts:admin', async () => {
    const used = (await t.call<Account>('POST', '/accounts', { body: { name: 'Busy Inc' } })).body;
    await t.call('POST', '/contacts', { body: { firstName: 'Linked', lastName: 'Person', accountId: used.id } });
    const refused = await t.call<{ code: string; people: number }>('DELETE', `/accounts/${used.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'ACCOUNT_IN_USE', people: 1 });

    const unused = (await t.call<Account>('POST', '/accounts', { body: { name: 'Empty Ltd' } })).body;
    expect((await t.call('DELETE', `/accounts/${unused.id}`, { token: await t.token(['sales']) })).status).toBe(403);
    expect((await t.call('DELETE', `/accounts/${unused.id}`)).status).toBe(204);
    expect((await t.call('GET', `/accounts/${unused.id}`)).status).toBe(404);
    const [deleted] = await t.outbox({ subject: unused.id, type: 'crm.contacts.account.deleted' });
    expect(deleted.payload).toMatchObject({ version: 2, data: { id: unused.id, version: 2 } });
  });
});
