// Seeds a contacts database with N people (default 1,000,000) straight through COPY, once:
// the database is kept (default name crm_contacts_bench_1m) and reused by every bench run,
// since seeding a million rows costs minutes on these 2 shared cores.
//
//   node tools/bench/contacts-search/seed.mjs [--rows 1000000] [--db crm_contacts_bench_1m] [--no-build] [--force]
//
// What it writes: people with Zipf-distributed names (138 first names x 180 surnames, smith
// common, lovelace and hopper rare), one email each (first.last.N@domain), a phone for every
// second person (+336..., E.164), 0-3 tags, a stage, a country, a city, an owner, a `tier`
// custom field, an acquisition channel; 10,000 accounts, 60% of people linked to one; an external
// id (source `legacy`) per person when the schema has external ids. It migrates the database with
// the built contacts service (dist/apps/contacts), drops the secondary indexes for the COPY,
// rebuilds them after, then VACUUM ANALYZE. Running it again on a seeded database only migrates
// it and tops up what newer migrations added.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { args, build, migrate, withAdmin } from '../lib/harness.mjs';
import { FIRST_NAMES, SURNAMES, cap, pick, prng, zipf } from './names.mjs';

const PG_BASE = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const STAGES = ['lead', 'lead', 'lead', 'prospect', 'prospect', 'customer', 'customer', 'churned'];
export const COUNTRIES = [
  'FR',
  'FR',
  'FR',
  'FR',
  'DE',
  'DE',
  'GB',
  'GB',
  'ES',
  'IT',
  'US',
  'US',
  'BE',
  'NL',
  'PT',
  'PL',
];
const CITIES = { FR: 'Paris', DE: 'Berlin', GB: 'London', ES: 'Madrid', IT: 'Rome', US: 'Boston', BE: 'Brussels' };
export const TAGS = [
  'vip',
  'newsletter',
  'b2b',
  'event-2025',
  'webinar',
  'partner',
  'churn-risk',
  'beta',
  'press',
  'trade-show',
];
const CHANNELS = ['web', 'web', 'referral', 'event', 'import', 'ads', 'social', 'partner'];
const DOMAINS = ['example.com', 'mail.test', 'inbox.test', 'corp.test'];
const TIERS = ['gold', 'silver', 'silver', 'bronze', 'bronze', 'bronze'];
export const ACCOUNTS = 10_000;

export function dbUrl(name) {
  const u = new URL(PG_BASE);
  u.pathname = `/${name}`;
  return u.toString();
}

/** uuidv7 text for a millisecond time, random tail. */
function uuidv7At(ms, rand) {
  const hex = ms.toString(16).padStart(12, '0') + rand.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Person i of a seed: the same person every time (the bench queries know who exists). */
export function person(i, total, rnd) {
  const firstZ = (person.firstZ ??= zipf(FIRST_NAMES.length, 0.7));
  const lastZ = (person.lastZ ??= zipf(SURNAMES.length, 0.9));
  const first = FIRST_NAMES[pick(firstZ, rnd())];
  const last = SURNAMES[pick(lastZ, rnd())];
  const country = COUNTRIES[Math.floor(rnd() * COUNTRIES.length)];
  const tags = TAGS.filter(() => rnd() < 0.12);
  return {
    first: cap(first),
    last: cap(last),
    email: `${first}.${last}.${i}@${DOMAINS[i % DOMAINS.length]}`,
    phone: i % 2 === 0 ? `+336${String(10_000_000 + i).slice(-8)}` : null,
    country,
    city: CITIES[country] ?? null,
    stage: STAGES[Math.floor(rnd() * STAGES.length)],
    tags,
    tier: TIERS[Math.floor(rnd() * TIERS.length)],
    channel: CHANNELS[Math.floor(rnd() * CHANNELS.length)],
    owner: `user-${1 + Math.floor(rnd() * 50)}`,
    account: rnd() < 0.6 ? Math.floor(rnd() * ACCOUNTS) : null,
    birth: `19${50 + Math.floor(rnd() * 50)}-0${1 + Math.floor(rnd() * 9)}-1${Math.floor(rnd() * 9)}`,
  };
}

/** Streams lines into `COPY table (columns) FROM STDIN` through psql (no extra npm package). */
function copyInto(url, table, columns, lines) {
  return new Promise((resolve, reject) => {
    const psql = spawn(
      'psql',
      [
        url,
        '-v',
        'ON_ERROR_STOP=1',
        '-q',
        '-c',
        'SET session_replication_role = replica',
        '-c',
        `COPY ${table} (${columns}) FROM STDIN`,
      ],
      { stdio: ['pipe', 'inherit', 'inherit'] },
    );
    psql.on('error', reject);
    psql.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`COPY ${table}: psql exited ${code}`))));
    const write = async () => {
      let chunk = '';
      for (const line of lines) {
        chunk += line + '\n';
        if (chunk.length > 1 << 16) {
          if (!psql.stdin.write(chunk)) await new Promise((r) => psql.stdin.once('drain', r));
          chunk = '';
        }
      }
      psql.stdin.end(chunk);
    };
    write().catch(reject);
  });
}

const accountId = (a) => `00000000-0000-7000-8000-${String(a).padStart(12, '0')}`;
export const accountName = (a) =>
  `${cap(SURNAMES[a % SURNAMES.length])} ${['Labs', 'Group', 'Partners', 'Systems', 'Foods', 'Retail'][a % 6]} ${a}`;

function* peopleRows(total, start) {
  const rnd = prng(42);
  const rand = Buffer.alloc(10);
  const span = 3 * 365 * 86_400_000;
  for (let i = 0; i < total; i++) {
    const p = person(i, total, rnd);
    const ms = start + Math.floor((i / total) * span);
    randomBytes(10).copy(rand);
    const id = uuidv7At(ms, rand);
    const at = new Date(ms).toISOString();
    const search = [p.first, p.last, p.email, p.account === null ? null : accountName(p.account)]
      .filter(Boolean)
      .join(' ')
      .toLowerCase();
    yield {
      id,
      p,
      line: [
        id,
        p.first,
        p.last,
        `${p.first} ${p.last}`,
        p.birth,
        p.country,
        p.city ?? '\\N',
        p.stage,
        p.owner,
        `{${p.tags.join(',')}}`,
        JSON.stringify({ tier: p.tier }),
        JSON.stringify({ channel: p.channel, firstTouchAt: at }),
        search,
        at,
        at,
      ].join('\t'),
    };
  }
}

async function secondaryIndexes(c) {
  const { rows } = await c.query(
    `SELECT i.indexname, i.indexdef FROM pg_indexes i
      WHERE i.schemaname = 'public' AND i.tablename IN ('people', 'person_emails', 'person_phones', 'person_accounts', 'accounts', 'person_external_ids', 'account_external_ids')
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)`,
  );
  return rows;
}

async function main() {
  const opts = args({ rows: 1_000_000, db: 'crm_contacts_bench_1m', build: true, force: false });
  if (opts.build) build(['contacts']);
  const url = dbUrl(opts.db);
  const exists = await withAdmin(
    async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [opts.db])).rowCount,
  );
  if (exists && opts.force) await withAdmin((c) => c.query(`DROP DATABASE "${opts.db}" WITH (FORCE)`));
  if (!exists || opts.force) await withAdmin((c) => c.query(`CREATE DATABASE "${opts.db}"`));
  const t0 = Date.now();
  migrate('contacts', {
    DATABASE_URL: url,
    AUTH_JWT_SECRET: 'seed-only-migrations-need-no-real-secret',
    AUTH_ISSUER: 'crm-local',
    AUTH_AUDIENCE: 'crm',
  });
  console.log(`migrated ${opts.db} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(
      `CREATE TABLE IF NOT EXISTS bench_seed (rows int NOT NULL, seeded_at timestamptz NOT NULL DEFAULT now())`,
    );
    const seeded = (await c.query('SELECT rows FROM bench_seed')).rows[0];
    if (seeded) {
      console.log(`${opts.db} already holds ${seeded.rows} seeded people: kept`);
    } else {
      await seed(c, url, opts.rows);
    }
    await topUp(c, url);
  } finally {
    await c.end();
  }
}

async function seed(c, url, total) {
  const t0 = Date.now();
  const lap = (what) => console.log(`  ${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const indexes = await secondaryIndexes(c);
  for (const ix of indexes) await c.query(`DROP INDEX ${ix.indexname}`);
  await copyInto(
    url,
    'accounts',
    'id, name, domain, industry, size_band, country, city',
    (function* () {
      for (let a = 0; a < ACCOUNTS; a++)
        yield [
          accountId(a),
          accountName(a),
          `acct${a}.test`,
          'retail',
          '11-50',
          COUNTRIES[a % COUNTRIES.length],
          '\\N',
        ].join('\t');
    })(),
  );
  const start = Date.now() - 3 * 365 * 86_400_000;
  const rows = peopleRows(total, start);
  const emails = [];
  const phones = [];
  const links = [];
  // One pass generates people; the side tables are written from what it kept.
  await copyInto(
    url,
    'people',
    'id, first_name, last_name, display_name, birth_date, country, city, lifecycle_stage, owner_id, tags, custom_fields, source, search_text, created_at, updated_at',
    (function* () {
      let i = 0;
      for (const r of rows) {
        emails.push(`${uuidLike(i, 1)}\t${r.id}\t${r.p.email}\tt`);
        if (r.p.phone) phones.push(`${uuidLike(i, 2)}\t${r.id}\t${r.p.phone}\tmobile\tt`);
        if (r.p.account !== null) links.push(`${r.id}\t${accountId(r.p.account)}\tt`);
        i++;
        yield r.line;
      }
    })(),
  );
  lap(`${total} people`);
  await copyInto(url, 'person_emails', 'id, person_id, address, is_primary', emails);
  await copyInto(url, 'person_phones', 'id, person_id, number, type, is_primary', phones);
  await copyInto(url, 'person_accounts', 'person_id, account_id, is_primary', links);
  lap('emails, phones, account links');
  await c.query(
    `INSERT INTO custom_field_definitions (key, label, type, options) VALUES ('tier', 'Tier', 'enum', '{gold,silver,bronze}') ON CONFLICT DO NOTHING`,
  );
  await c.query(`SET maintenance_work_mem = '512MB'`);
  for (const ix of indexes) {
    await c.query(ix.indexdef);
    lap(`index ${ix.indexname}`);
  }
  await c.query('VACUUM ANALYZE');
  await c.query('INSERT INTO bench_seed (rows) VALUES ($1)', [total]);
  lap('vacuum analyze');
}

/** What newer migrations added to a database seeded before them. */
export async function topUp(c) {
  const has = async (table) => (await c.query(`SELECT to_regclass($1) AS t`, [table])).rows[0].t !== null;
  if ((await has('person_external_ids')) && !(await c.query('SELECT 1 FROM person_external_ids LIMIT 1')).rowCount) {
    const t0 = Date.now();
    // The seed's external id of person i is legacy:L<i>, i by creation order.
    await c.query(`INSERT INTO person_external_ids (person_id, source, external_id)
      SELECT id, 'legacy', 'L' || (row_number() OVER (ORDER BY id) - 1) FROM people WHERE status = 'active'`);
    await c.query('VACUUM ANALYZE person_external_ids');
    console.log(`  external ids topped up: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  // The COPY ran with session_replication_role = replica, so the trigger that keeps the dictionary of
  // search words (migration 1764100001000) did not fire: fill it as the migration does for existing people.
  if ((await has('search_words')) && !(await c.query('SELECT 1 FROM search_words LIMIT 1')).rowCount) {
    const t0 = Date.now();
    await c.query(`INSERT INTO search_words (word)
      SELECT DISTINCT w FROM people, unnest(tsvector_to_array(search_vector)) w
       WHERE status = 'active' AND w ~ '^[[:alpha:]][[:alpha:]''-]{1,39}$'`);
    await c.query('VACUUM ANALYZE search_words');
    console.log(`  search words topped up: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
}

/** Deterministic distinct ids for the side tables' own keys. */
function uuidLike(i, kind) {
  return `00000000-0000-7000-${8000 + kind}-${String(i).padStart(12, '0')}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
