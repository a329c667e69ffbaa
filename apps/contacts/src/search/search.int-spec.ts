import { startContactsApp, type ContactsTestApp } from '../testing/contacts-test-app';

interface Page {
  items: { id: string; displayName: string; primaryEmail: string | null; accountName: string | null; score?: number }[];
  nextCursor: string | null;
}

describe('searching contacts (real Postgres)', () => {
  let t: ContactsTestApp;
  const ids: string[] = [];
  const total = 27;

  beforeAll(async () => {
    t = await startContactsApp('search');
    const acme = await t.call<{ id: string }>('POST', '/accounts', {
      body: { name: 'Acme Rockets', domain: 'acme.example', country: 'FR' },
    });
    await t.call('POST', '/custom-fields', {
      body: { key: 'tier', label: 'Tier', type: 'enum', options: ['gold', 'silver', 'bronze'] },
    });
    await t.call('POST', '/custom-fields', { body: { key: 'employees', label: 'Employees', type: 'number' } });
    await t.call('POST', '/custom-fields', { body: { key: 'vip', label: 'VIP', type: 'boolean' } });
    const people = [
      {
        firstName: 'Ada',
        lastName: 'Lovelace',
        country: 'GB',
        lifecycleStage: 'customer',
        tags: ['math'],
        source: { channel: 'referral' },
        customFields: { tier: 'gold', employees: 12, vip: true },
        accountId: acme.body.id,
      },
      {
        firstName: 'Alan',
        lastName: 'Turing',
        country: 'GB',
        lifecycleStage: 'lead',
        tags: ['math', 'crypto'],
        source: { channel: 'web' },
        customFields: { employees: 300 },
      },
      {
        firstName: 'Grace',
        lastName: 'Hopper',
        country: 'US',
        lifecycleStage: 'customer',
        source: { channel: 'event' },
        customFields: { tier: 'silver', vip: false },
      },
      {
        firstName: 'Marie',
        lastName: 'Curie',
        country: 'FR',
        lifecycleStage: 'prospect',
        source: { channel: 'web' },
        ownerId: 'owner-7',
      },
    ];
    for (const [i, p] of people.entries()) {
      const r = await t.call<{ id: string }>('POST', '/contacts', {
        body: { ...p, emails: [{ address: `${p.lastName.toLowerCase()}@science.example` }] },
      });
      expect(r.status).toBe(201);
      ids[i] = r.body.id;
    }
    for (let i = 0; i < total - people.length; i++) {
      const r = await t.call('POST', '/contacts', {
        body: {
          firstName: `Filler${i}`,
          lastName: 'Person',
          country: 'DE',
          lifecycleStage: 'lead',
          source: { channel: 'store' },
        },
      });
      expect(r.status).toBe(201);
    }
  });
  afterAll(() => t.close());

  const names = async (query: string) =>
    (await t.call<Page>('GET', `/contacts?${query}`)).body.items.map((i) => i.displayName);

  it('finds by full text over names, emails and company name', async () => {
    expect(await names('q=lovelace')).toEqual(['Ada Lovelace']);
    expect((await names('q=curie%40science.example'))[0]).toBe('Marie Curie');
    expect(await names('q=acme')).toEqual(['Ada Lovelace']);
    expect(await names('q=Ada%20Lovelace')).toEqual(['Ada Lovelace']);
  });

  it('finds a misspelt name fuzzily, best match first, with a score', async () => {
    const page = (await t.call<Page>('GET', '/contacts?q=lovelase')).body;
    expect(page.items[0].displayName).toBe('Ada Lovelace');
    expect(page.items[0].score).toBeGreaterThan(0);
    expect(await names('q=turring')).toContain('Alan Turing');
    expect(await names('q=hoppr')).toContain('Grace Hopper');
    expect(await names('q=zzzzqqq')).toEqual([]);
  });

  it('filters by tag, stage, country, source channel and owner', async () => {
    expect(await names('tag=math&sort=name')).toEqual(['Ada Lovelace', 'Alan Turing']);
    expect(await names('tag=crypto')).toEqual(['Alan Turing']);
    expect(await names('stage=customer&country=GB')).toEqual(['Ada Lovelace']);
    expect(await names('stage=customer&sort=name')).toEqual(['Ada Lovelace', 'Grace Hopper']);
    expect(await names('sourceChannel=web&sort=name')).toEqual(['Alan Turing', 'Marie Curie']);
    expect(await names('owner=owner-7')).toEqual(['Marie Curie']);
    expect(await names('country=fr')).toEqual(['Marie Curie']);
    expect(await names('q=science&country=GB&sort=-name')).toEqual(['Alan Turing', 'Ada Lovelace']);
  });

  it('filters by custom fields with cf.<key>, by their type, any of repeated values', async () => {
    expect(await names('cf.tier=silver')).toEqual(['Grace Hopper']);
    expect(await names('cf.tier=gold&cf.tier=silver&sort=name')).toEqual(['Ada Lovelace', 'Grace Hopper']);
    expect(await names('cf.employees=12')).toEqual(['Ada Lovelace']);
    expect(await names('cf.employees=300&stage=lead')).toEqual(['Alan Turing']);
    expect(await names('cf.vip=false')).toEqual(['Grace Hopper']);
    expect(await names('cf.tier=bronze')).toEqual([]);
    const bad = await t.call<{ errors: { field: string }[] }>('GET', '/contacts?cf.employees=many');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'cf.employees', message: 'must be a number' }]);
  });

  it.each(['createdAt', '-createdAt', 'name', '-name'])(
    'pages through everyone sorted by %s with no overlap and no gap',
    async (sort) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: { status: number; body: Page } = await t.call<Page>(
          'GET',
          `/contacts?sort=${sort}&limit=5${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(5);
        seen.push(...res.body.items.map((i) => i.id));
        cursor = res.body.nextCursor;
        pages += 1;
      } while (cursor && pages < 20);
      expect(pages).toBe(Math.ceil(total / 5));
      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);
      const all = (await t.call<Page>('GET', `/contacts?sort=${sort}&limit=200`)).body;
      expect(all.items.map((i) => i.id)).toEqual(seen);
      expect(all.nextCursor).toBeNull();
      if (sort === 'createdAt') expect(seen.slice(0, 4)).toEqual(ids);
      if (sort === '-createdAt') expect(seen.slice(-4)).toEqual([...ids].reverse());
    },
  );

  it('pages by relevance without overlap', async () => {
    const first = (await t.call<Page>('GET', '/contacts?q=person&limit=10')).body;
    const second = (await t.call<Page>('GET', `/contacts?q=person&limit=10&cursor=${first.nextCursor}`)).body;
    const third = (await t.call<Page>('GET', `/contacts?q=person&limit=10&cursor=${second.nextCursor}`)).body;
    const seen = [...first.items, ...second.items, ...third.items].map((i) => i.id);
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
    expect(third.nextCursor).toBeNull();
  });

  it('lists newest first, with the oldest last when everyone fits on the default page', async () => {
    const page = (await t.call<Page>('GET', '/contacts')).body;
    expect(page.items).toHaveLength(total);
    expect(page.items[page.items.length - 1].id).toBe(ids[0]);
    expect(page.nextCursor).toBeNull();
  });

  it('suggests likely duplicates: a similar name plus a shared phone or the same account', async () => {
    const create = async (firstName: string, lastName: string, extra: Record<string, unknown>) =>
      (await t.call<{ id: string }>('POST', '/contacts', { body: { firstName, lastName, country: 'US', ...extra } }))
        .body.id;
    const a = await create('Mary', 'Jackson', { phones: [{ number: '+1 415 555 2671' }] });
    const b = await create('Mary', 'Jacksen', { phones: [{ number: '(415) 555-2671' }] });
    await create('Maria', 'Jackson', {});
    await create('Bob', 'Smith', { phones: [{ number: '+1 415 555 2671' }] });
    const dupes = await t.call<{ id: string; sharedPhone: boolean; sameAccount: boolean; nameSimilarity: number }[]>(
      'GET',
      `/contacts/${a}/duplicates`,
    );
    expect(dupes.status).toBe(200);
    expect(dupes.body.map((d) => d.id)).toEqual([b]);
    expect(dupes.body[0]).toMatchObject({ sharedPhone: true, sameAccount: false });

    const account = (await t.call<{ id: string }>('POST', '/accounts', { body: { name: 'Langley' } })).body.id;
    const c = await create('Katherine', 'Johnson', { accountId: account });
    const d = await create('Katherine', 'Jonson', { accountId: account });
    expect((await t.call<{ id: string; sameAccount: boolean }[]>('GET', `/contacts/${c}/duplicates`)).body).toEqual([
      expect.objectContaining({ id: d, sameAccount: true, sharedPhone: false }),
    ]);
  });

  it('leaves merged and erased people out of search', async () => {
    await t.call('POST', `/contacts/${ids[3]}/erasure`, { body: {} });
    await t.call('POST', `/contacts/${ids[0]}/merge`, { body: { sourceId: ids[1] } });
    expect(await names('q=curie')).toEqual([]);
    expect(await names('q=alan')).toEqual([]);
    // Alan's email and tags now belong to Ada, his merge target.
    expect(await names('tag=crypto')).toEqual(['Ada Lovelace']);
    expect((await names('q=turing%40science.example'))[0]).toBe('Ada Lovelace');
    const everyone = (await t.call<Page>('GET', '/contacts?limit=200&country=GB')).body.items.map((i) => i.displayName);
    expect(everyone).toEqual(['Ada Lovelace']);
  });
});
