// Contacts write path end to end: N people created over HTTP at concurrency C,
// the lag until analytics has applied each contact.created event, and a
// baseline of plain pg INSERTs at the same concurrency.
//   node tools/bench/contacts/run.mjs --n 10000 --c 32 [--no-build]
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  args, build, createDatabase, dropDatabase, startApp, devToken, load, percentile, fmt, runId, deleteStreams, NATS_URL,
} from '../lib/harness.mjs';

const opts = args({ n: 10000, c: 32, build: true });
const id = runId();
const namespace = `b${id}`;
const secret = randomBytes(32).toString('hex');
const names = { contacts: `bench_contacts_${id}`, analytics: `bench_analytics_${id}`, baseline: `bench_baseline_${id}` };
const apps = [];

function person(i) {
  return {
    firstName: `Grace${i}`,
    lastName: `Hopper${id}`,
    emails: [{ address: `grace.${id}.${i}@example.com`, primary: true }],
    phones: [{ number: `+3361234${String(i).padStart(4, '0')}` }],
    lifecycleStage: ['lead', 'prospect', 'customer'][i % 3],
    country: ['FR', 'DE', 'ES', 'IT', 'GB'][i % 5],
    city: 'Paris',
    tags: ['bench'],
    source: { channel: ['web', 'referral', 'social', 'event'][i % 4], utmSource: 'bench' },
  };
}

async function baseline(url) {
  const pool = new pg.Pool({ connectionString: url, max: opts.c });
  await pool.query(`CREATE TABLE people (
    id uuid PRIMARY KEY, first_name text NOT NULL, last_name text NOT NULL, email text NOT NULL UNIQUE,
    country text, lifecycle_stage text, attributes jsonb NOT NULL DEFAULT '{}', created_at timestamptz NOT NULL DEFAULT now())`);
  const result = await load(opts.n, opts.c, (i) => {
    const p = person(i);
    return pool.query(
      'INSERT INTO people (id, first_name, last_name, email, country, lifecycle_stage, attributes) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [crypto.randomUUID(), p.firstName, p.lastName, p.emails[0].address, p.country, p.lifecycleStage, JSON.stringify(p.source)],
    );
  });
  await pool.end();
  return result;
}

async function main() {
  if (opts.build) build(['contacts', 'analytics']);
  const contactsUrl = await createDatabase(names.contacts);
  const analyticsUrl = await createDatabase(names.analytics);
  const baselineUrl = await createDatabase(names.baseline);
  const env = { NATS_URL, CRM_EVENT_NAMESPACE: namespace, AUTH_JWT_SECRET: secret, AUTH_ISSUER: 'crm-local', AUTH_AUDIENCE: 'crm' };
  const contacts = await startApp('contacts', { ...env, DATABASE_URL: contactsUrl });
  apps.push(contacts);
  const analytics = await startApp('analytics', { ...env, DATABASE_URL: analyticsUrl });
  apps.push(analytics);
  const token = await devToken(secret);

  const ids = new Array(opts.n);
  const http = await load(opts.n, opts.c, async (i) => {
    const res = await fetch(`${contacts.url}/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(person(i)),
    });
    const body = await res.json();
    if (res.status !== 201) throw new Error(`POST /contacts gave ${res.status}: ${JSON.stringify(body)}`);
    ids[i] = body.id;
  });

  const facts = new pg.Client({ connectionString: analyticsUrl });
  await facts.connect();
  const deadline = Date.now() + 600_000;
  for (;;) {
    const { rows } = await facts.query('SELECT count(*)::int AS n FROM customer_facts');
    if (rows[0].n >= opts.n) break;
    if (Date.now() > deadline) throw new Error(`analytics applied only ${rows[0].n} of ${opts.n} events in 10 minutes`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const { rows: lagRows } = await facts.query(
    'SELECT extract(epoch FROM (updated_at - last_event_at)) * 1000 AS lag_ms FROM customer_facts',
  );
  await facts.end();
  const lags = lagRows.map((r) => Number(r.lag_ms));

  const base = await baseline(baselineUrl);

  const p = (v, q) => fmt(percentile(v, q));
  console.log(`contacts bench: N=${opts.n} C=${opts.c}`);
  console.log(`  POST /contacts      ${fmt(http.throughput, 0)} req/s   p50 ${p(http.latencies, 50)} ms   p99 ${p(http.latencies, 99)} ms`);
  console.log(`  analytics lag       p50 ${p(lags, 50)} ms   p99 ${p(lags, 99)} ms   (event time -> applied in analytics)`);
  console.log(`  plain pg INSERT     ${fmt(base.throughput, 0)} rows/s  p50 ${p(base.latencies, 50)} ms   p99 ${p(base.latencies, 99)} ms`);
  console.log(`  ratio               HTTP create is ${fmt(base.throughput / http.throughput, 2)}x slower than a plain INSERT (throughput); p50 ${fmt(percentile(http.latencies, 50) / percentile(base.latencies, 50), 2)}x`);
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    for (const name of Object.values(names)) await dropDatabase(name).catch(() => undefined);
    await deleteStreams(namespace).catch(() => undefined);
  });
