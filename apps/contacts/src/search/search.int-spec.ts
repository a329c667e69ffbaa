import { startContactsApp, type ContactsTestApp } from '../testing/contacts-test-app';

interface Page {
  items: { id: string; displayName: string; score?: number }[];
  nextCursor: string | null;
}

describe('searching contacts (real Postgres)', () => {
  let t: ContactsTestApp;
  const ids: string[] = [];

  beforeAll(async () => {
    t = await startContactsApp('search');
    const acme = await t.call<{ id: string }>('POST', '/accounts', { body: { name: 'Acme Rockets', domain: 'acme.example', country: 'FR' } });
    await t.call('POST', '/custom-fields', { body: { key: 'tier', label: 'Tier', type: 'enum', options: ['gold', 'silver'] } });
    const people = [
      { firstName: 'Ada', lastName: 'Lovelace', country: 'GB', lifecycleStage: 'customer', tags: ['math'], source: { channel: 'referral' }, customFields: { tier: 'gold' }, accountId: acme.body.id },
      { firstName: 'Alan', lastName: 'Turing', country: 'GB', lifecycleStage: 'lead', tags: ['math'], source: { channel: 'web' } },
      { firstName: 'Grace', lastName: 'Hopper', country: 'US', lifecycleStage: 'customer', source: { channel: 'event' }, customFields: { tier: 'silver' } },
      { firstName: 'Marie', lastName: 'Curie', country: 'FR', lifecycleStage: 'prospect', source: { channel: 'web' }, ownerId: 'owner-7' },
    ];
    for (const [i, p] of people.entries()) {
      const r = await t.call<{ id: string }>('POST', '/contacts', { body: { ...p, emails: [{ address: `${p.lastName.toLowerCase()}@science.example` }] } });
      expect(r.status).toBe(201);
      ids[i] = r.body.id;
    }
    for (let i = 0; i < 23; i++) {
      await t.call('POST', '/contacts', { body: { firstName: `Filler${i}`, lastName: 'Person', country: 'DE', source: { channel: 'store' } } });
    }
  });
  afterAll(() => t.close());

  const names = (p: Page) => p.items.map((i) => i.displayName);

  it('finds by full text over names, emails and company name', async () => {
    expect(names((await t.call<Page>('GET', '/contacts?q=lovelace')).body)).toEqual(['Ada Lovelace']);
    expect(names((await t.call<Page>('GET', '/contacts?q=curie%40science.example')).body)[0]).toBe('Marie Curie');
    expect(names((await t.call<Page>('GET', '/contacts?q=acme')).body)).toEqual(['Ada Lovelace']);
  });

  it('finds a misspelt name fuzzily', async () => {
    expect(names((await t.call<Page>('GET', '/contacts?q=lovelase')).body)).toContain('Ada Lovelace');
    expect(names((await t.call<Page>('GET', '/contacts?q=turring')).body)).toContain('Alan Turing');
  });

  it('filters by tag, stage, country, source channel, owner and custom field', async () => {
    expect(names((await t.call<Page>('GET', '/contacts?tag=math&sort=name')).body)).toEqual(['Ada Lovelace', 'Alan Turing']);
    expect(names((await t.call<Page>('GET', '/contacts?stage=customer&country=GB')).body)).toEqual(['Ada Lovelace']);
    expect(names((await t.call<Page>('GET', '/contacts?sourceChannel=web&sort=name')).body)).toEqual(['Alan Turing', 'Marie Curie']);
    expect(names((await t.call<Page>('GET', '/contacts?owner=owner-7')).body)).toEqual(['Marie Curie']);
    expect(names((await t.call<Page>('GET', '/contacts?cf=tier:silver')).body)).toEqual(['Grace Hopper']);
  });

  it.each(['createdAt', '-createdAt', 'name', '-name'])('pages through everyone sorted by %s with no overlap and no gap', async (sort) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: Page } = await t.call<Page>('GET', `/contacts?sort=${sort}&limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(5);
      seen.push(...res.body.items.map((i) => i.id));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 20);
    expect(seen).toHaveLength(27);
    expect(new Set(seen).size).toBe(27);
    if (sort === 'createdAt') expect(seen.slice(0, 4)).toEqual(ids);
  });

  it('leaves merged and erased people out of search', async () => {
    await t.call('POST', `/contacts/${ids[3]}/erasure`, { body: {} });
    expect(names((await t.call<Page>('GET', '/contacts?q=curie')).body)).toEqual([]);
    expect((await t.call<Page>('GET', '/contacts?limit=200')).body.items).toHaveLength(26);
  });
});
