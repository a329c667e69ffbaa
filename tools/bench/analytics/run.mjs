// Analytics against its floors, in one run on this machine:
//   1. ingest: a backlog of --events order events (crm.sales.order.placed, one order each, --events/5
//      customers) on a private namespace, applied by the built analytics service started after them
//      (events/s from ready to the last order applied), against a plain COPY of the same order rows
//      into the same table in the same run (psql \copy);
//   2. scale: --customers customers with --orders-per-customer orders on average over three years,
//      loaded straight into the read model (orders, customer_orders, customer_facts), then
//      POST /analytics/scores/recompute (RFM + BG/NBD + Gamma-Gamma fit + every customer's scores,
//      publishing off), timed;
//   3. each report's p50/p99 over --requests sequential calls at that size, beside the same RFM
//      distribution query sent straight to Postgres (the floor).
// Targets (issue 11): ingest >= 10,000 events/s; RFM + CLV < 10 s; each report p99 < 200 ms.
//   node tools/bench/analytics/run.mjs [--events 100000] [--customers 100000] [--orders-per-customer 10]
//                                      [--requests 20] [--no-build] [--only ingest|scale]
//                                      [--batch 2000] [--workers 2] (ANALYTICS_INGEST_BATCH_SIZE, _WORKERS)
//                                      [--scored] (cut points and a model in place before the backlog, as after a
//                                      first full run: every touched customer is re-scored; also timed until the
//                                      re-scoring queue is empty)
//                                      [--random-ids] (UUIDv4 order, event and customer ids instead of the producers'
//                                      UUIDv7)
// The ingest prints where a batch's time went (the service's /metrics: inbox, handlers, commit, ack per batch
// transaction, and each statement of the order handler) and the load average before and after.
// Issue size: --events 1000000 --customers 1000000 --orders-per-customer 10
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  args,
  build,
  createDatabase,
  dropDatabase,
  migrate,
  freePort,
  WORKSPACE,
  devToken,
  percentile,
  fmt,
  runId,
  deleteStreams,
  NATS_URL,
} from '../lib/harness.mjs';

const opts = args({
  events: 100_000,
  customers: 100_000,
  'orders-per-customer': 10,
  requests: 20,
  build: true,
  only: '',
  batch: 0,
  workers: 0,
  scored: false,
  'random-ids': false,
});
const id = runId();
const namespace = `b${id}`;
const secret = randomBytes(32).toString('hex');
const names = { ingest: `bench_analytics_ingest_${id}`, scale: `bench_analytics_scale_${id}` };
const running = [];
const env = {
  NATS_URL,
  CRM_EVENT_NAMESPACE: namespace,
  AUTH_JWT_SECRET: secret,
  AUTH_ISSUER: 'crm-local',
  AUTH_AUDIENCE: 'crm',
  OTEL_SDK_DISABLED: 'true',
};
const day0 = Date.parse('2024-01-01T00:00:00Z');

/**
 * Ids as the producers make them (@crm/persistence's uuidv7: a millisecond time, then a counter within the
 * millisecond, then random bits), so the orders' and the inbox's primary keys grow at their right edge as in
 * production; --random-ids keeps UUIDv4 ids (every insert at a random place in those indexes).
 */
let lastMs = 0;
let counter = 0;
function uuidv7() {
  const now = Date.now();
  if (now <= lastMs) {
    counter += 1;
    if (counter > 0xfff) {
      lastMs += 1;
      counter = 0;
    }
  } else {
    lastMs = now;
    counter = 0;
  }
  const b = randomBytes(16);
  b.writeUIntBE(lastMs, 0, 6);
  b[6] = 0x70 | (counter >> 8);
  b[7] = counter & 0xff;
  b[8] = 0x80 | (b[8] & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
const newId = () => (opts['random-ids'] ? randomUUID() : uuidv7());
const dayOf = (i) => new Date(day0 + (i % 1000) * 86_400_000).toISOString();

function orderEvent(i, customers) {
  const orderId = newId();
  const at = dayOf((i * 7919) % 1000);
  const total = 1000 + ((i * 37) % 9000);
  return {
    specversion: '1.0',
    id: newId(),
    source: 'crm/sales',
    type: 'crm.sales.order.placed',
    subject: orderId,
    time: at,
    datacontenttype: 'application/json',
    version: 1,
    data: {
      id: orderId,
      version: 1,
      number: `SO-${i}`,
      status: 'placed',
      channel: 'web',
      currency: 'EUR',
      currencyDigits: 2,
      totalMinor: total,
      refundedMinor: 0,
      contactId: customers[i % customers.length],
      dealId: null,
      lines: [
        { lineNo: 1, productId: null, sku: null, quantity: 1, netMinor: total, totalMinor: total, refundedMinor: 0 },
      ],
      placedAt: at,
    },
  };
}

async function publishBacklog(events) {
  const { connect } = await import('nats');
  const nc = await connect({ servers: NATS_URL });
  const jsm = await nc.jetstreamManager();
  const stream = `${namespace.toUpperCase()}_CRM_SALES`;
  await jsm.streams.add({ name: stream, subjects: [`${namespace}.crm.sales.>`], max_age: 0 });
  const js = nc.jetstream();
  const customers = Array.from({ length: Math.max(1, Math.floor(events / 5)) }, () => newId());
  const rows = [];
  const started = performance.now();
  for (let i = 0; i < events; i += 1000) {
    const batch = [];
    for (let j = i; j < Math.min(events, i + 1000); j++) {
      const e = orderEvent(j, customers);
      rows.push(e);
      batch.push(js.publish(`${namespace}.${e.type}`, JSON.stringify(e), { msgID: e.id }));
    }
    await Promise.all(batch);
  }
  await nc.close();
  return { rows, publishSeconds: (performance.now() - started) / 1000 };
}

async function count(url, sql) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return Number((await c.query(sql)).rows[0].n);
  } finally {
    await c.end();
  }
}

/** The floor: the same order rows into the same table by a plain COPY (psql \copy), in the same database. */
function copyFloor(url, rows) {
  const dir = mkdtempSync(join(tmpdir(), 'analytics-bench-'));
  const file = join(dir, 'orders.csv');
  writeFileSync(
    file,
    rows
      .map((e) => {
        const o = e.data;
        return [
          newId(),
          1,
          o.contactId,
          o.status,
          o.channel,
          o.currency,
          o.totalMinor,
          0,
          o.placedAt,
          o.placedAt.slice(0, 10),
          `"${JSON.stringify(o.lines).replaceAll('"', '""')}"`,
        ].join(',');
      })
      .join('\n'),
  );
  const started = performance.now();
  execFileSync('psql', [
    url,
    '-q',
    '-c',
    `\\copy orders (order_id, version, customer_id, status, channel, currency, total_minor, refunded_minor, placed_at, placed_day, lines) FROM '${file}' CSV`,
  ]);
  const seconds = (performance.now() - started) / 1000;
  rmSync(dir, { recursive: true, force: true });
  return { seconds, rps: rows.length / seconds };
}

/**
 * The built service, migrated, waited for up to 180 s (the harness's startApp gives 30 s, which a loaded
 * 2-core machine misses) and killed if it does not come up.
 */
async function start(appEnv, beforeStart = async () => undefined) {
  migrate('analytics', appEnv);
  await beforeStart();
  const port = await freePort();
  const child = spawn(process.execPath, [join(WORKSPACE, 'dist/apps/analytics/main.js')], {
    env: { ...process.env, ...appEnv, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise((res) => {
      if (child.exitCode !== null) return res();
      child.once('exit', () => res());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
  const deadline = Date.now() + 180_000;
  for (;;) {
    const r = await fetch(`${url}/health/ready`).catch(() => undefined);
    if (r?.ok) return { url, pid: child.pid, stop };
    if (child.exitCode !== null) throw new Error(`analytics exited with ${child.exitCode}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error('analytics not ready after 180 s');
    }
    await new Promise((res) => setTimeout(res, 500));
  }
}

/** As a first full run leaves them: RFM cut points and a BG/NBD + Gamma-Gamma fit (the paper's parameters). */
async function seedScoring(url) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`INSERT INTO rfm_cutpoints (id, calibration_end, recency, frequency, monetary)
      VALUES (1, CURRENT_DATE, '{-400,-200,-100,-30}', '{1,2,3,5}', '{2000,4000,6000,9000}')`);
    const model = {
      model: 'bg-nbd',
      calibrationEnd: new Date().toISOString().slice(0, 10),
      unit: 'week',
      params: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
      logLikelihood: -9582.43,
      customers: 2357,
      repeatCustomers: 1000,
      repeatTransactions: 3000,
      distinctHistories: 1000,
      spend: { model: 'gamma-gamma', params: { p: 6.25, q: 3.74, v: 15.44 }, customers: 946 },
      fittedAt: new Date().toISOString(),
    };
    await c.query(`INSERT INTO clv_fits (calibration_end, unit, result) VALUES (CURRENT_DATE, 'week', $1)`, [model]);
  } finally {
    await c.end();
  }
}

async function ingest() {
  const url = await createDatabase(names.ingest);
  const { rows, publishSeconds } = await publishBacklog(opts.events);
  const app = await start(
    {
      ...env,
      DATABASE_URL: url,
      ANALYTICS_RESCORE_ON_ORDER: 'true',
      ...(opts.batch ? { ANALYTICS_INGEST_BATCH_SIZE: String(opts.batch) } : {}),
      ...(opts.workers ? { ANALYTICS_INGEST_WORKERS: String(opts.workers) } : {}),
    },
    opts.scored ? () => seedScoring(url) : undefined,
  );
  running.push(app);
  const started = performance.now();
  for (;;) {
    const n = await count(url, 'SELECT count(*) AS n FROM orders');
    if (n >= opts.events) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const seconds = (performance.now() - started) / 1000;
  let scoredSeconds = null;
  if (opts.scored) {
    for (;;) {
      const n = await count(url, 'SELECT count(*) AS n FROM rescore_queue');
      if (n === 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    scoredSeconds = (performance.now() - started) / 1000;
  }
  const scores = opts.scored ? await count(url, 'SELECT count(*) AS n FROM customer_scores') : null;
  const profile = parseMetrics(await (await fetch(`${app.url}/metrics`)).text());
  await app.stop();
  running.splice(running.indexOf(app), 1);
  const floor = copyFloor(url, rows);
  return { publishSeconds, seconds, rps: opts.events / seconds, floor, profile, scoredSeconds, scores };
}

/** Sums and counts of the batch histograms (per phase, per statement) from a Prometheus text exposition. */
function parseMetrics(text) {
  const out = { phases: {}, statements: {}, batches: { committed: {}, failed: {} } };
  for (const line of text.split('\n')) {
    const m = /^(\w+)_(sum|count)\{([^}]*)\} ([\d.e+-]+)$/.exec(line);
    if (!m) continue;
    const [, name, kind, labelText, value] = m;
    const labels = Object.fromEntries([...labelText.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (name === 'crm_event_batch_seconds' && labels.stream === 'sales')
      (out.phases[labels.phase] ??= {})[kind] = Number(value);
    else if (name === 'analytics_ingest_statement_seconds')
      (out.statements[labels.statement] ??= {})[kind] = Number(value);
    else if (name === 'crm_event_batch_events' && labels.stream === 'sales')
      out.batches[labels.outcome][kind] = Number(value);
  }
  return out;
}

/** Customers and orders written straight into the read model, as the consumers would have left them. */
async function seedScale(url) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const started = performance.now();
  try {
    await c.query(`SET synchronous_commit = off`);
    // Ids shaped like UUIDv4 (version and variant set), as the routes' id checks want.
    await c.query(`CREATE FUNCTION pg_temp.uid(t text) RETURNS uuid IMMUTABLE LANGUAGE sql
      AS $$ SELECT overlay(overlay(md5(t) placing '4' from 13) placing '8' from 17)::uuid $$`);
    await c.query(
      `INSERT INTO customer_facts (contact_id, version, lifecycle_stage, country, acquisition_channel, status, contact_created_at, updated_at)
      SELECT pg_temp.uid('c' || g), 1, 'customer', (ARRAY['FR','DE','IT','ES','GB'])[1 + g % 5],
             (ARRAY['web','referral','event','social'])[1 + g % 4], 'active', '2024-01-01'::timestamptz + (g % 1000) * interval '1 day', now()
        FROM generate_series(1, $1::int) g`,
      [opts.customers],
    );
    // Each customer's orders: a count from 1 up to about twice the mean, on days spread over three years.
    await c.query(
      `INSERT INTO orders (order_id, version, customer_id, status, channel, currency, total_minor, refunded_minor, placed_at, placed_day, lines)
      SELECT pg_temp.uid('o' || g || '-' || k), 1, pg_temp.uid('c' || g), 'placed', 'web', 'EUR', 1000 + (g * 31 + k * 17) % 9000, 0,
             d::timestamptz, d, '[]'
        FROM generate_series(1, $1::int) g
        CROSS JOIN LATERAL generate_series(1, 1 + (abs(hashint4(g)) % (2 * $2::int - 1))) k
        CROSS JOIN LATERAL (SELECT ('2024-01-01'::date + (g % 400) + ((abs(hashint4(g * 7 + k)) % 700) * k / (1 + k)))::date AS d) x`,
      [opts.customers, opts['orders-per-customer']],
    );
    await c.query(`INSERT INTO customer_orders (customer_id, first_day, last_day, orders, purchase_days, monetary_minor, repeat_minor)
      SELECT customer_id, min(day), max(day), sum(n)::int, count(*)::int, sum(amount)::bigint,
             COALESCE(sum(amount) FILTER (WHERE day > first_day), 0)::bigint
        FROM (SELECT customer_id, placed_day AS day, count(*) AS n, sum(total_minor) AS amount,
                     min(placed_day) OVER (PARTITION BY customer_id) AS first_day
                FROM orders GROUP BY customer_id, placed_day) d GROUP BY customer_id`);
    await c.query(`VACUUM ANALYZE orders`);
    await c.query(`VACUUM ANALYZE customer_orders`);
    await c.query(`VACUUM ANALYZE customer_facts`);
    const n = (await c.query(`SELECT count(*)::int AS n FROM orders`)).rows[0].n;
    return { orders: n, seconds: (performance.now() - started) / 1000 };
  } finally {
    await c.end();
  }
}

async function timed(n, fn) {
  const latencies = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    latencies.push(performance.now() - t0);
  }
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function scale() {
  const url = await createDatabase(names.scale);
  const app = await start({ ...env, DATABASE_URL: url, ANALYTICS_RESCORE_ON_ORDER: 'false' });
  running.push(app);
  const seeded = await seedScale(url);
  const token = await devToken(secret, ['admin']);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const t0 = performance.now();
  const res = await fetch(`${app.url}/analytics/scores/recompute`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ publish: false, calibrationEnd: '2027-01-31' }),
  });
  const recompute = { ...(await res.json()), wallSeconds: (performance.now() - t0) / 1000, status: res.status };
  const model = await (await fetch(`${app.url}/analytics/clv/model?calibrationEnd=2027-01-31`, { headers })).json();
  const someone = await (async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query(`SELECT customer_id FROM customer_scores ORDER BY clv_minor DESC NULLS LAST LIMIT 1`))
        .rows[0]?.customer_id;
    } finally {
      await c.end();
    }
  })();
  const reports = {
    rfm: '/analytics/rfm',
    'rfm ?country=FR': '/analytics/rfm?country=FR',
    'clv/model (cached)': '/analytics/clv/model?calibrationEnd=2027-01-31',
    'clv/distribution': '/analytics/clv/distribution',
    'clv/top': '/analytics/clv/top?limit=50',
    'customer clv': `/analytics/customers/${someone}/clv?calibrationEnd=2027-01-31`,
    'customer scores': `/analytics/customers/${someone}/scores`,
    cohorts: '/analytics/cohorts?from=2024-01-01&to=2024-12-31&months=12',
    'trends country': '/analytics/trends?dimension=country&from=2025-07-01&to=2027-01-31',
    attribution: '/analytics/attribution?from=2026-01-01&to=2027-01-31',
    roi: '/analytics/roi?from=2026-01-01&to=2027-01-31',
    'funnels lifecycle': '/analytics/funnels/lifecycle',
    'funnels deals': '/analytics/funnels/deals',
    'support kpis': '/analytics/support/kpis',
  };
  const results = {};
  for (const [label, path] of Object.entries(reports)) {
    let status = 0;
    results[label] = {
      ...(await timed(opts.requests, async () => {
        const r = await fetch(`${app.url}${path}`, { headers });
        status = r.status;
        await r.arrayBuffer();
      })),
      status,
    };
  }
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  results['floor: rfm SQL straight to Postgres'] = {
    ...(await timed(opts.requests, () =>
      pool.query(`SELECT segment, count(*), sum(monetary_minor) FROM customer_scores GROUP BY segment`),
    )),
    status: 'sql',
  };
  await pool.end();
  await app.stop();
  running.splice(running.indexOf(app), 1);
  return { seeded, recompute, model, results };
}

async function main() {
  if (opts.build) build(['analytics']);
  console.log(
    `analytics bench: ${opts.events} events; ${opts.customers} customers x ~${opts['orders-per-customer']} orders`,
  );
  if (opts.only !== 'scale') await reportIngest();
  if (opts.only !== 'ingest') await reportScale();
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

async function reportIngest() {
  const before = load();
  const i = await ingest();
  console.log(`ingest: backlog of ${opts.events} published in ${fmt(i.publishSeconds)} s`);
  console.log(
    `  analytics applied ${fmt(i.rps, 0)} events/s (${fmt(i.seconds)} s); plain COPY of the same rows ${fmt(i.floor.rps, 0)} rows/s (${fmt(i.floor.seconds, 2)} s): ${fmt((100 * i.rps) / i.floor.rps)} % of the floor; target >= 10,000 events/s`,
  );
  if (i.scoredSeconds !== null)
    console.log(
      `  re-scoring live: every touched customer scored (${i.scores} scores) after ${fmt(i.scoredSeconds)} s: ${fmt(opts.events / i.scoredSeconds, 0)} events/s applied and scored`,
    );
  const { phases, statements, batches } = i.profile;
  const c = batches.committed;
  console.log(
    `  ${c.count ?? 0} batch transactions committed (${fmt((c.sum ?? 0) / (c.count || 1), 0)} events each), ${batches.failed.count ?? 0} failed; per batch (ms):`,
  );
  for (const [phase, v] of Object.entries(phases))
    console.log(
      `    ${phase.padEnd(24)} ${fmt((1000 * v.sum) / (v.count || 1)).padStart(8)}  (total ${fmt(v.sum, 2)} s)`,
    );
  console.log(`  order handler statements (ms per call):`);
  for (const [statement, v] of Object.entries(statements))
    console.log(
      `    ${statement.padEnd(24)} ${fmt((1000 * v.sum) / (v.count || 1)).padStart(8)}  (${v.count} calls, total ${fmt(v.sum, 2)} s)`,
    );
  console.log(`  load average (1, 5, 15 min): before ${before}; after ${load()}`);
}

async function reportScale() {
  const s = await scale();
  console.log(`scale: seeded ${s.seeded.orders} orders for ${opts.customers} customers in ${fmt(s.seeded.seconds)} s`);
  console.log(
    `  recompute (status ${s.recompute.status}): fit ${fmt(s.recompute.timings?.fitMs / 1000, 2)} s, scores ${fmt(s.recompute.timings?.scoresMs / 1000, 2)} s, wall ${fmt(s.recompute.wallSeconds, 2)} s for ${s.recompute.customers} customers; target RFM + CLV < 10 s`,
  );
  console.log(
    `  model: r=${fmt(s.model.params?.r, 3)} alpha=${fmt(s.model.params?.alpha, 3)} a=${fmt(s.model.params?.a, 3)} b=${fmt(s.model.params?.b, 3)} on ${s.model.distinctHistories} distinct histories`,
  );
  for (const [label, r] of Object.entries(s.results))
    console.log(
      `  ${label.padEnd(38)} p50 ${fmt(r.p50).padStart(8)} ms  p99 ${fmt(r.p99).padStart(8)} ms  (${r.status})`,
    );
}

try {
  await main();
} finally {
  for (const p of running) await p.stop();
  await deleteStreams(namespace).catch(() => undefined);
  for (const n of Object.values(names)) await dropDatabase(n).catch(() => undefined);
}
