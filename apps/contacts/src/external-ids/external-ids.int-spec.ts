import { startContactsApp, type ContactsTestApp } from '../testing/contacts-test-app';

interface Person {
  id: string;
  version: number;
  externalIds: { source: string; id: string }[];
}
interface Problem {
  code: string;
  existingId?: string;
  errors?: { field: string; message: string }[];
}

describe('external ids on contacts and accounts (real Postgres)', () => {
  let t: ContactsTestApp;

  beforeAll(async () => {
    t = await startContactsApp('external_ids');
  });
  afterAll(() => t.close());

  const create = (body: Record<string, unknown>) => t.call<Person & Problem>('POST', '/contacts', { body });
  const found = async (q: string) =>
    (await t.call<{ items: { id: string }[] }>('GET', `/contacts?q=${encodeURIComponent(q)}`)).body.items.map(
      (i) => i.id,
    );

  it('are set on create, shown, carried in contact.created and found by q (with or without the source)', async () => {
    const ada = await create({
      firstName: 'Ada',
      lastName: 'Lovelace',
      externalIds: [{ source: 'shopify', id: 'C-1001' }],
    });
    expect(ada.status).toBe(201);
    expect(ada.body.externalIds).toEqual([{ source: 'shopify', id: 'C-1001' }]);
    expect((await t.call<Person>('GET', `/contacts/${ada.body.id}`)).body.externalIds).toEqual([
      { source: 'shopify', id: 'C-1001' },
    ]);
    const [event] = await t.outbox({ type: 'crm.contacts.contact.created', subject: ada.body.id });
    expect(event.payload.data['externalIds']).toEqual([{ source: 'shopify', id: 'C-1001' }]);
    expect(await found('C-1001')).toEqual([ada.body.id]);
    expect(await found('c-1001')).toEqual([ada.body.id]);
    expect(await found('shopify:C-1001')).toEqual([ada.body.id]);
    expect(await found('legacy:C-1001')).toEqual([]);
  });

  it('are unique per source among active contacts: a taken one is a 409 naming its holder, and nothing is written', async () => {
    const first = await create({
      firstName: 'Grace',
      lastName: 'Hopper',
      externalIds: [{ source: 'legacy', id: '42' }],
    });
    const before = await t.count('people');
    const again = await create({ firstName: 'Grace', lastName: 'Copy', externalIds: [{ source: 'legacy', id: '42' }] });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'CONTACT_EXTERNAL_ID_TAKEN', existingId: first.body.id });
    expect(await t.count('people')).toBe(before);
    // Another source may use the same id.
    expect(
      (await create({ firstName: 'G', lastName: 'Other', externalIds: [{ source: 'shop', id: '42' }] })).status,
    ).toBe(201);
  });

  it('are replaced by a PATCH, and refused when malformed, naming the field', async () => {
    const p = (await create({ firstName: 'Alan', lastName: 'Turing', externalIds: [{ source: 'legacy', id: 'T1' }] }))
      .body;
    const patched = await t.call<Person>('PATCH', `/contacts/${p.id}`, {
      body: {
        externalIds: [
          { source: 'shopify', id: 'T-9' },
          { source: 'shopify', id: 'T-9' },
        ],
      },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.externalIds).toEqual([{ source: 'shopify', id: 'T-9' }]);
    expect(await found('T1')).toEqual([]);
    for (const bad of [{ source: 'Shop Ify', id: '1' }, { source: 'shop', id: '  ' }, { source: 'shop' }]) {
      const r = await t.call<Problem>('PATCH', `/contacts/${p.id}`, { body: { externalIds: [bad] } });
      expect(r.status).toBe(400);
      expect(r.body.errors?.[0].field).toMatch(/^externalIds\.0\./);
    }
  });

  it('move to the target of a merge and go with an erasure', async () => {
    const target = (await create({ firstName: 'Marie', lastName: 'Curie', externalIds: [{ source: 'a', id: 'M1' }] }))
      .body;
    const source = (await create({ firstName: 'Maria', lastName: 'Curie', externalIds: [{ source: 'b', id: 'M2' }] }))
      .body;
    expect((await t.call('POST', `/contacts/${target.id}/merge`, { body: { sourceId: source.id } })).status).toBe(200);
    expect((await t.call<Person>('GET', `/contacts/${target.id}`)).body.externalIds).toEqual([
      { source: 'a', id: 'M1' },
      { source: 'b', id: 'M2' },
    ]);
    expect(await found('M2')).toEqual([target.id]);
    expect((await t.call('POST', `/contacts/${target.id}/erasure`, { body: {} })).status).toBeLessThan(300);
    expect(await found('M1')).toEqual([]);
    // Released: another contact may now hold it.
    expect(
      (await create({ firstName: 'New', lastName: 'Holder', externalIds: [{ source: 'a', id: 'M1' }] })).status,
    ).toBe(201);
  });

  it('on accounts: set on create and PATCH, shown, in account events, unique per source, found by q', async () => {
    const acme = await t.call<{ id: string; externalIds: unknown } & Problem>('POST', '/accounts', {
      body: { name: 'Acme Rockets', externalIds: [{ source: 'erp', id: 'A-7' }] },
    });
    expect(acme.status).toBe(201);
    expect(acme.body.externalIds).toEqual([{ source: 'erp', id: 'A-7' }]);
    const taken = await t.call<Problem>('POST', '/accounts', {
      body: { name: 'Other', externalIds: [{ source: 'erp', id: 'A-7' }] },
    });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ code: 'ACCOUNT_EXTERNAL_ID_TAKEN', existingId: acme.body.id });
    const list = await t.call<{ items: { id: string }[] }>('GET', '/accounts?q=a-7');
    expect(list.body.items.map((a) => a.id)).toEqual([acme.body.id]);
    const patched = await t.call<{ externalIds: unknown }>('PATCH', `/accounts/${acme.body.id}`, {
      body: { externalIds: [{ source: 'erp', id: 'A-8' }] },
    });
    expect(patched.body.externalIds).toEqual([{ source: 'erp', id: 'A-8' }]);
    const events = await t.outbox({ type: 'crm.contacts.account.updated', subject: acme.body.id });
    expect(events[0].payload.data['externalIds']).toEqual([{ source: 'erp', id: 'A-8' }]);
    expect((await t.call<{ externalIds: unknown }>('GET', `/accounts/${acme.body.id}`)).body.externalIds).toEqual([
      { source: 'erp', id: 'A-8' },
    ]);
  });
});
