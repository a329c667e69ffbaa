// The query shapes of the contacts-search bench: the GET /contacts path sent to the service, and the
// statements the service sends Postgres for it (the floor server sends the same ones).
// fixtures: { email, phone, phoneNational, externalId, page100 } read from the seeded database.

const COLUMNS = `p.id, p.display_name, p.lifecycle_stage, p.country, p.city, p.tags, p.source_channel, p.owner_id, p.created_at`;
const LOOKUPS = `(SELECT e.address FROM person_emails e WHERE e.person_id = r.id AND e.active ORDER BY e.is_primary DESC LIMIT 1) AS primary_email,
      (SELECT a.name FROM person_accounts pa JOIN accounts a ON a.id = pa.account_id WHERE pa.person_id = r.id ORDER BY pa.is_primary DESC LIMIT 1) AS account_name`;
const LIMIT = 50;

/** Parameters of one statement, as SearchService binds them. */
class Sql {
  constructor(params = []) {
    this.params = params;
  }
  p(v) {
    this.params.push(v);
    return `$${this.params.length}`;
  }
}

const armCondition = (b, arm) =>
  `(${[
    ...(arm.last !== undefined ? [`lower(p.last_name) = ${b.p(arm.last)}`] : []),
    ...(arm.first !== undefined ? [`lower(p.first_name) = ${b.p(arm.first)}`] : []),
  ].join(' AND ')})`;
const nameCondition = (b, arms) => (arms.length ? arms.map((a) => armCondition(b, a)).join(' OR ') : 'false');

/** nameArms() of SearchService: one word as last or first name; two as first + last in either order. */
function nameArms(words, score) {
  if (words.length === 1)
    return [
      { last: words[0], score },
      { first: words[0], score },
    ];
  return [
    { first: words[0], last: words[1], score },
    { first: words[1], last: words[0], score },
  ];
}

/** SearchService.armsSql(): each name arm from its btree index, newest first, merged by score then id. */
function armsSql(b, where, list, tier, lim) {
  const parts = list.map((arm, i) => {
    const cond = [...where, armCondition(b, arm)];
    if (i > 0) cond.push(`(${nameCondition(b, list.slice(0, i))}) IS NOT TRUE`);
    return `(SELECT ${COLUMNS}, ${arm.score.toFixed(3)}::real AS score, '${tier}' AS tier FROM people p WHERE ${cond.join(' AND ')} ORDER BY p.id DESC LIMIT ${lim})`;
  });
  return `SELECT * FROM (${parts.join(' UNION ALL ')}) c ORDER BY c.score DESC, c.id DESC LIMIT ${lim}`;
}

/**
 * SearchService.tierSql(): a tier of one score in two parts, the newest 1,000 people tested one by one,
 * then (only when they leave room) the older matches through the GIN bitmap behind a fence, newest first.
 */
const tierSql = (where, score, tier, lim) => {
  const cols = `${COLUMNS}, ${score}::real AS score, '${tier}' AS tier`;
  const window = `SELECT p.* FROM people p WHERE p.status = 'active' ORDER BY p.id DESC LIMIT 1000`;
  return [
    `SELECT ${cols} FROM (${window}) p WHERE ${where.join(' AND ')} ORDER BY p.id DESC LIMIT ${lim}`,
    `SELECT * FROM (SELECT ${cols} FROM people p WHERE ${where.join(' AND ')}
        AND (p.id < (SELECT p.id FROM people p WHERE p.status = 'active' ORDER BY p.id DESC OFFSET 999 LIMIT 1)) IS TRUE OFFSET 0) m
      ORDER BY m.id DESC LIMIT ${lim}`,
  ];
};

/** SearchService.runTiers(): the tiers' parts in one statement under the page's LIMIT, lookups for the rows returned. */
const runTiers = (b, parts, lim) => ({
  sql: `SELECT r.*, r.id::text AS sort_key, ${LOOKUPS}
      FROM (${parts.map((part) => `(${part})`).join(' UNION ALL ')}) r LIMIT ${lim}`,
  params: b.params,
});

/** The first statement of a relevance search: name arms, then full text without them. */
function nameAndText(filters, filterParams, words, tsq) {
  const names = nameArms(words, 3);
  const b = new Sql([...filterParams]);
  const where = [`p.status = 'active'`, ...filters];
  const lim = b.p(LIMIT + 1);
  const arms = armsSql(b, where, names, 'name', lim);
  const text = [
    ...where,
    `p.search_vector @@ to_tsquery('simple', ${b.p(tsq)})`,
    `(${nameCondition(b, names)}) IS NOT TRUE`,
  ];
  return runTiers(b, [arms, ...tierSql(text, 2, 'text', lim)], lim);
}

/** The statements of a misspelt single word with one known correction: name + text, dictionary, corrected name + text. */
function misspeltTiers(word, correction, similarity, filters = [], filterParams = []) {
  const names = nameArms([word], 3);
  const fuzzyNames = nameArms([correction], 1 + similarity);
  const b = new Sql([...filterParams]);
  const lim = b.p(LIMIT + 1);
  const known = [
    `p.status = 'active'`,
    ...filters,
    `(${nameCondition(b, names)}) IS NOT TRUE`,
    `(p.search_vector @@ to_tsquery('simple', ${b.p(`'${word}':*`)})) IS NOT TRUE`,
  ];
  const arms = armsSql(b, known, fuzzyNames, 'fuzzyname', lim);
  const fuzzy = [
    ...known,
    `p.search_vector @@ to_tsquery('simple', ${b.p(`('${word}':* | '${correction}')`)})`,
    `(${nameCondition(b, fuzzyNames)}) IS NOT TRUE`,
  ];
  return [
    nameAndText(filters, filterParams, [word], `'${word}':*`),
    corrections([word]),
    runTiers(b, [arms, ...tierSql(fuzzy, 1, 'fuzzy', lim)], lim),
  ];
}

/** The page statement of SearchService.page(), for a where, key and direction. */
function page({ where, params, key, dir, score = 'NULL::real', cap = false, after, threshold }) {
  const keyOf = (a) => (key === 'id' ? `${a}.id` : key === 'score' ? `${a}.score` : `lower(${a}.display_name)`);
  const orderOf = (a) => (key === 'id' ? `${a}.id ${dir}` : `${keyOf(a)} ${dir}, ${a}.id ${dir}`);
  const candidates = `SELECT ${COLUMNS}, ${score} AS score FROM people p WHERE ${where.join(' AND ')}${cap ? ' LIMIT 200' : ''}`;
  params.push(LIMIT + 1);
  const sql = `SELECT r.*, ${keyOf('r')}${key === 'id' ? '::text' : ''} AS sort_key,
      (SELECT e.address FROM person_emails e WHERE e.person_id = r.id AND e.active ORDER BY e.is_primary DESC LIMIT 1) AS primary_email,
      (SELECT a.name FROM person_accounts pa JOIN accounts a ON a.id = pa.account_id WHERE pa.person_id = r.id ORDER BY pa.is_primary DESC LIMIT 1) AS account_name
    FROM (SELECT * FROM (${candidates}) c ${after ?? ''} ORDER BY ${orderOf('c')} LIMIT $${params.length}) r ORDER BY ${orderOf('r')}`;
  return { sql, params, threshold };
}

const corrections = (words) => ({
  sql: `SELECT t.token, w.word, w.similarity FROM unnest($1::text[]) AS t(token)
         CROSS JOIN LATERAL (SELECT DISTINCT word, similarity(word, t.token) AS similarity FROM search_words
            WHERE word % t.token AND word <> t.token ORDER BY 2 DESC, 1 LIMIT 5) w
        WHERE w.similarity >= $2`,
  params: [words, 0.4],
});

function exact(probeSql, value) {
  return [
    { sql: `SELECT DISTINCT person_id FROM (${probeSql}) x LIMIT 1000`, params: [value], ids: true },
    // The ids of the probe go into the page; the floor sends the same statement with them.
    (ids) =>
      page({
        where: [`p.status = 'active'`, `p.id = ANY($1::uuid[])`],
        params: [ids],
        key: 'score',
        dir: 'DESC',
        score: '10::real',
      }),
  ];
}

export const SHAPES = [
  { name: 'newest', label: 'first page, newest (?limit=50)', path: () => '/contacts?limit=50' },
  { name: 'rare', label: 'rare surname (q=lovelace)', path: () => '/contacts?q=lovelace' },
  { name: 'misspelt', label: 'misspelt surname (q=lovelase)', path: () => '/contacts?q=lovelase' },
  { name: 'common', label: 'common surname (q=smith)', path: () => '/contacts?q=smith' },
  { name: 'fullname', label: 'full name (q=grace hopper)', path: () => '/contacts?q=grace%20hopper' },
  { name: 'email', label: 'exact email in q', path: (f) => `/contacts?q=${encodeURIComponent(f.email)}` },
  {
    name: 'filters',
    label: 'filters country + tag + stage',
    path: () => '/contacts?country=FR&tag=vip&stage=customer',
  },
  { name: 'name', label: 'sort by name', path: () => '/contacts?sort=name' },
  {
    name: 'phone',
    label: 'phone, national format in q',
    path: (f) => `/contacts?q=${encodeURIComponent(f.phoneNational)}`,
  },
  { name: 'external', label: 'external id in q', path: (f) => `/contacts?q=${encodeURIComponent(f.externalId)}` },
  { name: 'custom', label: 'custom field filter (cf.tier=gold)', path: () => '/contacts?cf.tier=gold' },
  { name: 'tagfuzzy', label: 'tag + fuzzy name (tag=vip&q=lovelase)', path: () => '/contacts?tag=vip&q=lovelase' },
  { name: 'deep', label: 'keyset page 100, newest', path: (f) => `/contacts?limit=50&cursor=${f.page100}` },
  { name: 'accounts', label: 'accounts by name (GET /accounts?q=hopper)', path: () => '/accounts?q=hopper' },
];

/** The statements of a shape, in order; a function entry gets the ids the statement before it found. */
export function floorStatements(name, f) {
  switch (name) {
    case 'newest':
      return [page({ where: [`p.status = 'active'`], params: [], key: 'id', dir: 'DESC' })];
    case 'rare':
      return [nameAndText([], [], ['lovelace'], `'lovelace':*`)];
    case 'misspelt':
      return misspeltTiers('lovelase', 'lovelace', 0.5);
    case 'common':
      return [nameAndText([], [], ['smith'], `'smith':*`)];
    case 'fullname':
      // The last word's completions from the dictionary, then the names and the text with them as whole words.
      return [
        {
          sql: `SELECT word FROM search_words WHERE word LIKE $1 ORDER BY word USING ~<~ LIMIT 64`,
          params: ['hopper%'],
        },
        (words) => nameAndText([], [], ['grace', 'hopper'], `'grace' & (${words.map((w) => `'${w}'`).join(' | ')})`),
      ];
    case 'email':
      return exact(`SELECT person_id FROM person_emails WHERE active AND address = $1`, f.email);
    case 'filters':
      return [
        page({
          where: [`p.status = 'active'`, `p.tags && $1::text[]`, `p.lifecycle_stage = $2`, `p.country = $3`],
          params: [['vip'], 'customer', 'FR'],
          key: 'id',
          dir: 'DESC',
        }),
      ];
    case 'name':
      return [page({ where: [`p.status = 'active'`], params: [], key: 'name', dir: 'ASC' })];
    case 'phone':
      return exact(`SELECT person_id FROM person_phones WHERE number = $1`, f.phone);
    case 'external':
      return exact(
        `SELECT person_id FROM person_external_ids WHERE active AND lower(external_id) = $1`,
        f.externalId.toLowerCase(),
      );
    case 'custom':
      return [
        page({
          where: [`p.status = 'active'`, `(p.custom_fields @> $1::jsonb)`],
          params: [JSON.stringify({ tier: 'gold' })],
          key: 'id',
          dir: 'DESC',
        }),
      ];
    case 'tagfuzzy':
      return misspeltTiers('lovelase', 'lovelace', 0.5, ['(p.tags && $1::text[]) IS TRUE'], [['vip']]);
    case 'deep':
      return [
        page({
          where: [`p.status = 'active'`],
          params: [f.page100Id],
          key: 'id',
          dir: 'DESC',
          after: 'WHERE c.id < $1::uuid',
        }),
      ];
    case 'accounts':
      return [
        {
          sql: `SELECT id FROM accounts WHERE name ILIKE $1 OR name % $2
                UNION SELECT account_id FROM account_external_ids WHERE lower(external_id) = lower($2) LIMIT 1000`,
          params: ['%hopper%', 'hopper'],
        },
        (ids) => ({
          sql: `SELECT a.* FROM accounts a WHERE a.id = ANY($1) ORDER BY a.id DESC LIMIT 51`,
          params: [ids],
        }),
      ];
    default:
      return undefined;
  }
}
