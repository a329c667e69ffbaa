// The query shapes of the contacts-search bench: the GET /contacts path sent to the service, and the
// statements the service sends Postgres for it (the floor server sends the same ones).
// fixtures: { email, phone, phoneNational, externalId, page100 } read from the seeded database.

const COLUMNS = `p.id, p.display_name, p.lifecycle_stage, p.country, p.city, p.tags, p.source_channel, p.owner_id, p.created_at`;
const LIMIT = 50;

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

function textSearch(q, tsq, extraWhere = [], extraParams = []) {
  const params = [...extraParams, tsq, q, q];
  const n = extraParams.length;
  return page({
    where: [`p.status = 'active'`, ...extraWhere, `p.search_vector @@ to_tsquery('simple', $${n + 1})`],
    params,
    key: 'score',
    dir: 'DESC',
    cap: true,
    score: `(ts_rank(p.search_vector, to_tsquery('simple', $${n + 1})) + CASE WHEN p.search_vector @@ plainto_tsquery('simple', $${n + 2}) THEN 0.5 ELSE 0 END + CASE WHEN lower(p.display_name) = $${n + 3} THEN 2 ELSE 0 END)::real`,
  });
}

const corrections = (words) => ({
  sql: `SELECT t.token, w.word, w.similarity FROM unnest($1::text[]) AS t(token)
         CROSS JOIN LATERAL (SELECT DISTINCT word, similarity(word, t.token) AS similarity FROM search_words
            WHERE word % t.token AND word <> t.token ORDER BY 2 DESC, 1 LIMIT 5) w
        WHERE w.similarity >= $2`,
  params: [words, 0.4],
});

/** The fuzzy pass for one misspelt word and its known correction. */
function fuzzySearch(word, correction, similarity, extraWhere = [], extraParams = []) {
  const n = extraParams.length;
  const params = [...extraParams, `('${word}':* | '${correction}')`, `'${word}':*`, `'${correction}'`];
  return page({
    where: [`p.status = 'active'`, ...extraWhere, `p.search_vector @@ to_tsquery('simple', $${n + 1})`],
    params,
    key: 'score',
    dir: 'DESC',
    cap: true,
    score: `(ts_rank(p.search_vector, to_tsquery('simple', $${n + 1})) + CASE WHEN p.search_vector @@ to_tsquery('simple', $${n + 2}) THEN 1 ELSE 0 END + CASE WHEN p.search_vector @@ to_tsquery('simple', $${n + 3}) THEN ${similarity} ELSE 0 END)::real`,
  });
}

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
      return [textSearch('lovelace', `'lovelace':*`)];
    case 'misspelt':
      return [
        textSearch('lovelase', `'lovelase':*`),
        corrections(['lovelase']),
        fuzzySearch('lovelase', 'lovelace', '0.500'),
      ];
    case 'common':
      return [textSearch('smith', `'smith':*`)];
    case 'fullname':
      return [textSearch('grace hopper', `'grace':* & 'hopper':*`)];
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
      return [
        textSearch('lovelase', `'lovelase':*`, ['(p.tags && $1::text[]) IS TRUE'], [['vip']]),
        corrections(['lovelase']),
        fuzzySearch('lovelase', 'lovelace', '0.500', ['(p.tags && $1::text[]) IS TRUE'], [['vip']]),
      ];
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
