import { startContactsApp, type ContactsTestApp } from '../testing/contacts-test-app';

interface Page {
  items: { id: string; displayName: string; accountName: string | null; score?: number }[];
  nextCursor: string | null;
}

/**
 * What stays true of GET /contacts?q= while it got faster (issue 16): misspellings still find their
 * people, the exact match comes first, and paging returns every row once while rows are inserted.
 */
describe('search relevance at scale keeps its results (real Postgres)', () => {
  let t: ContactsTestApp;
  const id: Record<string, string> = {};

  const person = async (firstName: string, lastName: string, extra: Record<string, unknown> = {}) => {
    const r = await t.call<{ id: string }>('POST', '/contacts', { body: { firstName, lastName, ...extra } });
    expect(r.status).toBe(201);
    return r.body.id;
  };
  const account = async (name: string) =>
    (await t.call<{ id: string }>('POST', '/accounts', { body: { name } })).body.id;
  const search = async (query: string) => {
    const r = await t.call<Page>('GET', `/contacts?${query}`);
    expect(r.status).toBe(200);
    return r.body;
  };
  const names = async (q: string) => (await search(`q=${encodeURIComponent(q)}`)).items.map((i) => i.displayName);

  beforeAll(async () => {
    t = await startContactsApp('search_relevance');
    id.ada = await person('Ada', 'Lovelace', { emails: [{ address: 'countess@analytical.example' }] });
    id.grace = await person('Grace', 'Hopper');
    id.alan = await person('Alan', 'Turing');
    id.katherine = await person('Katherine', 'Johnson');
    id.mary = await person('Mary', 'Jackson');
    id.maryAnn = await person('Mary Ann', 'Evans');
    id.oconnor = await person('Flannery', "O'Connor");
    id.jeanPierre = await person('Jean-Pierre', 'Dupont');
    // Created after the exact matches, so newest-first alone would list them first.
    const labs = await account('Lovelace Labs');
    id.atLabs = await person('Bob', 'Smith', { accountId: labs });
    id.byron = await person('Ada', 'Lovelace-Byron');
    id.adam = await person('Adam', 'Lovelace');
    id.smithson = await person('Jane', 'Smithson');
    id.hopperFan = await person('Grace', 'Smith', { emails: [{ address: 'grace.hopper.fan@example.com' }] });
    id.hopperton = await person('Grace', 'Hopperton');
  });
  afterAll(() => t.close());

  // Queries and the people each must return, as found before the search was rebuilt on name indexes.
  const MISSPELLINGS: [string, string][] = [
    ['lovelase', 'Ada Lovelace'],
    ['lovlace', 'Ada Lovelace'],
    ['Lovelace', 'Ada Lovelace'],
    ['LOVELACE', 'Ada Lovelace'],
    ['ada lovelase', 'Ada Lovelace'],
    ['hoppr', 'Grace Hopper'],
    ['grace hoppr', 'Grace Hopper'],
    ['hopper grace', 'Grace Hopper'],
    ['turring', 'Alan Turing'],
    ['turing alan', 'Alan Turing'],
    ['jonson', 'Katherine Johnson'],
    ['katherine jonson', 'Katherine Johnson'],
    ['jakson', 'Mary Jackson'],
    ['hopp', 'Grace Hopper'],
    ['grace hop', 'Grace Hopper'],
    ['grace hopper', 'Grace Hopperton'],
    ['grace hopperto', 'Grace Hopperton'],
    ['mary ann evans', 'Mary Ann Evans'],
    ['evans', 'Mary Ann Evans'],
    ["o'connor", "Flannery O'Connor"],
    ['jean-pierre', 'Jean-Pierre Dupont'],
    ['dupont', 'Jean-Pierre Dupont'],
    ['countess@analytical.example', 'Ada Lovelace'],
    ['analytical', 'Ada Lovelace'],
    ['lovelace labs', 'Bob Smith'],
  ];

  it.each(MISSPELLINGS)('q=%s finds %s', async (q, name) => {
    expect(await names(q)).toContain(name);
  });

  it('finds nothing for words nobody has', async () => {
    expect(await names('zzzzqqq')).toEqual([]);
  });

  it('ranks the exact name first, before newer people who only share a word or a prefix', async () => {
    expect((await names('ada lovelace'))[0]).toBe('Ada Lovelace');
    expect((await names('lovelace ada'))[0]).toBe('Ada Lovelace');
    const lovelace = await search('q=lovelace');
    // The two named Lovelace (newest first), then who matches by text: the hyphenated name, the company.
    expect(lovelace.items.map((i) => i.id)).toEqual([id.adam, id.ada, id.byron, id.atLabs]);
    expect(lovelace.items[0].score).toBeGreaterThan(lovelace.items[3].score ?? Infinity);
    const smith = (await search('q=smith')).items.map((i) => i.id);
    expect(smith).toEqual([id.hopperFan, id.atLabs, id.smithson]);
    const grace = (await search('q=grace%20hopper')).items.map((i) => i.id);
    expect(grace[0]).toBe(id.grace);
    expect((await names('mary'))[0]).toBe('Mary Jackson');
  });

  it('answers an exact email with its owner only, whoever else shares the words', async () => {
    expect((await search('q=countess%40analytical.example')).items.map((i) => i.id)).toEqual([id.ada]);
  });

  it('ranks the closest correction first and scores below a real match', async () => {
    const page = await search('q=lovelase');
    expect(page.items.map((i) => i.id).slice(0, 2)).toEqual([id.adam, id.ada]);
    const exact = await search('q=lovelace');
    expect(page.items[0].score).toBeLessThan(exact.items[0].score ?? 0);
  });

  it('pages every match exactly once, names before text, while matching people are inserted', async () => {
    const labs = await account('Pager Partners');
    const before: string[] = [];
    for (let i = 0; i < 9; i++) before.push(await person(`Named${i}`, 'Pager'));
    for (let i = 0; i < 8; i++) before.push(await person(`Worker${i}`, 'Staff', { accountId: labs }));
    for (let i = 0; i < 4; i++) before.push(await person(`Pagerella${i}`, 'Prefix'));
    const named = new Set(before.slice(0, 9));
    for (const sort of ['relevance', '-createdAt', 'name']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Page = await search(`q=pager&sort=${sort}&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
        pages += 1;
        // New matches while paging: by name, by company, by prefix.
        await person(`Late${pages}`, 'Pager');
        await person(`Late${pages}`, 'Staff', { accountId: labs });
        await person(`Pagerlate${pages}`, 'Prefix');
      } while (cursor && pages < 30);
      expect(new Set(seen).size).toBe(seen.length);
      for (const p of before) expect(seen).toContain(p);
      if (sort === 'relevance') {
        // Every person named Pager (those there at the start) before any who only matches by text.
        const lastNamed = Math.max(...[...named].map((p) => seen.indexOf(p)));
        const firstText = Math.min(...before.slice(9).map((p) => seen.indexOf(p)));
        expect(lastNamed).toBeLessThan(firstText);
      }
    }
    // A misspelt q pages through the corrected names, then the corrected full text, each person once.
    const fuzzy: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await search(`q=pagerr&limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      fuzzy.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 30);
    expect(pages).toBeGreaterThan(2);
    expect(cursor).toBeNull();
    expect(new Set(fuzzy).size).toBe(fuzzy.length);
    for (const p of before.slice(0, 17)) expect(fuzzy).toContain(p);
    expect(Math.max(...[...named].map((p) => fuzzy.indexOf(p)))).toBeLessThan(
      Math.min(...before.slice(9, 17).map((p) => fuzzy.indexOf(p))),
    );
  });
});
