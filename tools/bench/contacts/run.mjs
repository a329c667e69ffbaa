// Contacts write path against its floor, in one run on this machine:
//   1. floor: a bare Fastify + pg server writing the same rows (person, email,
//      phone, outbox event) in one transaction, into a database migrated by
//      contacts (tools/bench/lib/floor-server.mjs);
//   2. POST /contacts on the built contacts service, default settings;
//   3. with --otel-compare, contacts again with OTEL_SDK_DISABLED=true;
//   4. analytics lag (event time -> applied) under a steady create load, measured first;
//   5. plain pg INSERTs of one row, for scale.
// Load comes from wrk (apt-get install -y wrk), unique bodies per request.
//   node tools/bench/contacts/run.mjs [--seconds 5] [--rounds 3] [--c 32] [--no-build] [--otel-compare]
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  args,
  build,
  createDatabase,
  dropDatabase,
  startApp,
  startFloor,
  migrate,
  devToken,
  load,
  percentile,
  fmt,
  runId,
  deleteStreams,
  NATS_URL,
} from '../lib/harness.mjs';
import { alternatingRounds, wrk } from '../lib/wrk.mjs';

const opts = args({ seconds: 5, rounds: 3, c: 32, build: true, 'otel-compare': false, target: 0.6 });
const id = runId();
const namespace = `b${id}`;
const secret = randomBytes(32).toString('hex');
const names = {
  floor: `bench_floor_${id}`,
  contacts: `bench_contacts_${id}`,
  plain: `bench_contacts_plain_${id}`,
  analytics: `bench_analytics_${id}`,
  baseline: `bench_baseline_${id}`,
};
const running = [];
const env = {
  NATS_URL,
  CRM_EVENT_NAMESPACE: namespace,
  AUTH_JWT_SECRET: secret,
  AUTH_ISSUER: 'crm-local',
  AUTH_AUDIENCE: 'crm',
};

/** POST /contacts on every target, in alternating rounds (tools/bench/lib/wrk.mjs). */
function measureCreates(targets, token) {
  const cases = Object.fromEntries(
    Object.entries(targets).map(([label, url]) => [label, { url, method: 'POST', path: '/contacts' }]),
  );
  return alternatingRounds(cases, {
    token,
    run: id,
    rounds: opts.rounds,
    seconds: opts.seconds,
    connections: opts.c,
    warmupSeconds: 3,
  });
}

async function plainInsert(url) {
  const pool = new pg.Pool({ connectionString: url, max: opts.c });
  await pool.query(`CREATE TABLE people (id uuid PRIMARY KEY, first_name text NOT NULL, last_name text NOT NULL, email text NOT NULL UNIQUE,
    country text, lifecycle_stage text, attributes jsonb NOT NULL DEFAULT '{}', created_at timestamptz NOT NULL DEFAULT now())`);
  const r = await load(10000, opts.c, (i) =>
    pool.query(
      'INSERT INTO people (id, first_name, last_name, email, country, lifecycle_stage, attributes) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [crypto.randomUUID(), 'Grace', `Hopper${i}`, `grace.${i}@example.com`, 'FR', 'lead', '{"channel":"web"}'],
    ),
  );
  await pool.end();
  return { rps: r.throughput, p50: percentile(r.latencies, 50), p99: percentile(r.latencies, 99) };
}

async function analyticsLag(contactsUrl, token) {
  const analyticsUrl = await createDatabase(names.analytics);
  const analytics = await startApp('analytics', { ...env, DATABASE_URL: analyticsUrl });
  running.push(analytics);
  const facts = new pg.Client({ connectionString: analyticsUrl });
  await facts.connect();
  const waitFor = async (n) => {
    const deadline = Date.now() + 600_000;
    for (;;) {
      const { rows } = await facts.query('SELECT count(*)::int AS n FROM customer_facts');
      if (rows[0].n >= n) return;
      if (Date.now() > deadline) throw new Error(`analytics applied only ${rows[0].n} of ${n} events in 10 minutes`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const people = new pg.Client({ connectionString: contactsUrl.db });
  await people.connect();
  const count = async () => (await people.query('SELECT count(*)::int AS n FROM people')).rows[0].n;
  const since = new Date();
  // A steady load well under saturation: the lag a user sees on a busy day, not a backlog.
  await wrk({
    url: contactsUrl.http,
    method: 'POST',
    path: '/contacts',
    token,
    run: `${id}lag`,
    connections: 4,
    seconds: 10,
  });
  await waitFor(await count());
  const { rows } = await facts.query(
    'SELECT extract(epoch FROM (updated_at - last_event_at)) * 1000 AS lag_ms FROM customer_facts WHERE last_event_at >= $1',
    [since],
  );
  await facts.end();
  await people.end();
  // Stopped before the throughput rounds, which compare contacts alone with the floor.
  await analytics.stop();
  const lags = rows.map((r) => Number(r.lag_ms));
  return { n: lags.length, p50: percentile(lags, 50), p99: percentile(lags, 99) };
}

async function main() {
  if (opts.build) build(['contacts', 'analytics']);
  const token = await devToken(secret);

  const floorUrl = await createDatabase(names.floor);
  migrate('contacts', { ...env, DATABASE_URL: floorUrl });
  const floorServer = await startFloor({ DATABASE_URL: floorUrl });
  running.push(floorServer);
  const contactsDb = await createDatabase(names.contacts);
  const contacts = await startApp('contacts', { ...env, DATABASE_URL: contactsDb });
  running.push(contacts);
  const lag = await analyticsLag({ http: contacts.url, db: contactsDb }, token);
  const targets = { floor: floorServer.url, contacts: contacts.url };
  if (opts['otel-compare']) {
    const plainDb = await createDatabase(names.plain);
    const untracedApp = await startApp('contacts', { ...env, DATABASE_URL: plainDb, OTEL_SDK_DISABLED: 'true' });
    running.push(untracedApp);
    targets.untraced = untracedApp.url;
  }
  const { floor, contacts: create, untraced } = await measureCreates(targets, token);
  await floorServer.stop();

  const plain = await plainInsert(await createDatabase(names.baseline));

  const row = (label, r, unit = 'req/s') =>
    `  ${label.padEnd(34)} ${fmt(r.rps, 0).padStart(6)} ${unit}   p50 ${fmt(r.p50)} ms   p99 ${fmt(r.p99)} ms`;
  const ratio = create.rps / floor.rps;
  console.log(`contacts bench: wrk C=${opts.c}, ${opts.rounds} alternating rounds of ${opts.seconds} s per target`);
  console.log(row('floor (bare Fastify + pg, same rows)', floor));
  console.log(row('POST /contacts', create));
  if (untraced) console.log(row('POST /contacts, OTEL_SDK_DISABLED', untraced));
  console.log(row('plain pg INSERT (one row)', plain, 'rows/s'));
  console.log(
    `  analytics lag (C=4 steady load)    p50 ${fmt(lag.p50)} ms   p99 ${fmt(lag.p99)} ms   over ${lag.n} events`,
  );
  console.log(
    `  POST /contacts / floor = ${fmt(ratio * 100, 0)}% (target >= ${fmt(opts.target * 100, 0)}%): ${ratio >= opts.target ? 'MET' : 'MISSED'}`,
  );
  if (untraced)
    console.log(`  tracing cost with no exporter: ${fmt((1 - create.rps / untraced.rps) * 100, 1)}% of throughput`);
  console.log(`  POST /contacts / plain INSERT = ${fmt((create.rps / plain.rps) * 100, 1)}%`);
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await Promise.all(running.map((a) => a.stop()));
    for (const name of Object.values(names)) await dropDatabase(name).catch(() => undefined);
    await deleteStreams(namespace).catch(() => undefined);
  });
