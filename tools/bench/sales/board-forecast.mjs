// sales: the pipeline board and the forecast over 100,000 deals (and, by default, 1,000,000 order
// lines beside them), p50/p99 over HTTP, against a floor measured in the same run: a bare
// Fastify + pg server (this file with --serve-floor) running the very SQL the service runs for the
// same answers, on the same database, with none of the suite's layers (no Nest, validation, auth,
// TypeORM, tracing). Target: p99 < 100 ms for the service.
//   node tools/bench/sales/board-forecast.mjs [--deals 100000] [--requests 200] [--c 1] [--no-orders] [--no-build]
//        [--keep] (keeps the seeded database, e.g. for EXPLAIN)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import pg from 'pg';

// The SQL below is the service's (board.service.ts, forecast.repository.ts, pipelines.repository.ts),
// copied so that the floor and the service do the same reads.
const SQL = {
  pipeline: `SELECT id, name, version, created_at, updated_at FROM pipelines WHERE id = $1`,
  stages: `SELECT id, pipeline_id, name, kind, probability, position, retired_at FROM stages WHERE pipeline_id = ANY($1) ORDER BY position, id`,
  sums: `SELECT t.stage_id, t.currency, sum(t.n)::int AS n, sum(t.amount)::text AS amount,
                round(sum(t.amount) * s.probability / 100.0)::text AS weighted
           FROM deal_board_totals t JOIN stages s ON s.id = t.stage_id
          WHERE t.pipeline_id = $1 AND t.stage_id = ANY($2) AND ($3::text IS NULL OR t.owner_key = $3) AND t.n > 0
          GROUP BY t.stage_id, s.probability, t.currency
          ORDER BY t.currency`,
  cards: `SELECT c.* FROM unnest($1::uuid[]) AS st(id)
               CROSS JOIN LATERAL (
                 SELECT d.id, d.stage_id, d.name, d.amount::text AS amount, d.currency, d.owner_id, d.contact_id,
                        cm.display_name AS contact_name, d.expected_close_date::text AS expected_close_date,
                        d.stage_entered_at, d.version
                   FROM deals d LEFT JOIN contact_mirror cm ON cm.contact_id = d.contact_id
                  WHERE d.pipeline_id = $2 AND d.stage_id = st.id AND ($3::text IS NULL OR d.owner_id = $3)
                  ORDER BY d.id DESC LIMIT $4) c`,
  open: (quarter, g) => `WITH c AS (
         SELECT date_trunc('${quarter ? 'quarter' : 'month'}', d.expected_close_date::timestamp) AS period, ${g} AS grp, d.currency,
                d.stage_id, count(*) AS n, sum(d.amount) AS amount
           FROM deals d
          WHERE d.status = 'open' AND d.expected_close_date IS NOT NULL AND d.currency = ANY($6::bpchar[])
            AND ($2::date IS NULL OR d.expected_close_date >= $2::date)
            AND ($3::date IS NULL OR d.expected_close_date <= $3::date)
            AND ($4::uuid IS NULL OR d.pipeline_id = $4::uuid)
            AND ($5::text IS NULL OR d.owner_id = $5::text)
          GROUP BY 1, 2, 3, 4)
       SELECT ${quarter ? `to_char(c.period, 'YYYY-"Q"Q')` : `to_char(c.period, 'YYYY-MM')`} AS period, c.grp,
              grouping(c.period) = 1 AS grand, sum(c.n)::int AS n,
              round(sum(c.amount * x.factor))::text AS amount,
              round(sum(c.amount * s.probability * x.factor) / 100)::text AS weighted
         FROM c
         JOIN stages s ON s.id = c.stage_id
         JOIN jsonb_to_recordset($1::jsonb) AS x(currency text, factor numeric) ON x.currency = c.currency
        GROUP BY GROUPING SETS ((c.period, c.grp), ())
        ORDER BY 3, 1, 2`,
  won: (quarter, g) => `WITH c AS (
         SELECT date_trunc('${quarter ? 'quarter' : 'month'}', (d.closed_at AT TIME ZONE 'UTC')) AS period, ${g} AS grp,
                d.currency, count(*) AS n, sum(d.amount) AS amount
           FROM deals d
          WHERE d.status = 'won' AND d.currency = ANY($6::bpchar[])
            AND ($2::date IS NULL OR d.closed_at >= ($2::date)::timestamp AT TIME ZONE 'UTC')
            AND ($3::date IS NULL OR d.closed_at < ($3::date + 1)::timestamp AT TIME ZONE 'UTC')
            AND ($4::uuid IS NULL OR d.pipeline_id = $4::uuid)
            AND ($5::text IS NULL OR d.owner_id = $5::text)
          GROUP BY 1, 2, 3)
       SELECT ${quarter ? `to_char(c.period, 'YYYY-"Q"Q')` : `to_char(c.period, 'YYYY-MM')`} AS period, c.grp,
              grouping(c.period) = 1 AS grand, sum(c.n)::int AS n,
              round(sum(c.amount * x.factor))::text AS amount, '0' AS weighted
         FROM c
         JOIN jsonb_to_recordset($1::jsonb) AS x(currency text, factor numeric) ON x.currency = c.currency
        GROUP BY GROUPING SETS ((c.period, c.grp), ())
        ORDER BY 3, 1, 2`,
  undated: `SELECT count(*)::int AS n FROM deals d
        WHERE d.status = 'open' AND d.expected_close_date IS NULL AND d.currency = ANY($1::bpchar[])
          AND ($2::uuid IS NULL OR d.pipeline_id = $2::uuid) AND ($3::text IS NULL OR d.owner_id = $3::text)`,
  rates: `SELECT currency, rate::text AS rate FROM currency_rates`,
  missing: `
  WITH RECURSIVE o AS (
    (SELECT currency FROM deals WHERE status = 'open' ORDER BY currency LIMIT 1)
    UNION ALL
    SELECT (SELECT d.currency FROM deals d WHERE d.status = 'open' AND d.currency > o.currency ORDER BY d.currency LIMIT 1)
      FROM o WHERE o.currency IS NOT NULL
  ), w AS (
    (SELECT currency FROM deals WHERE status = 'won' ORDER BY currency LIMIT 1)
    UNION ALL
    SELECT (SELECT d.currency FROM deals d WHERE d.status = 'won' AND d.currency > w.currency ORDER BY d.currency LIMIT 1)
      FROM w WHERE w.currency IS NOT NULL
  )
  SELECT currency FROM (SELECT currency FROM o UNION SELECT currency FROM w) AS u
   WHERE currency IS NOT NULL AND currency <> ALL($1::bpchar[])
   ORDER BY 1 LIMIT 50`,
  factors: `SELECT c AS currency, (r::numeric / $2::numeric * power(10::numeric, s))::text AS factor
         FROM unnest($1::text[], $3::text[], $4::int[]) AS x(c, r, s)`,
};

async function serveFloor() {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const app = Fastify({ logger: false });
  app.get('/health/ready', async () => ({ ok: true }));
  app.get('/pipelines/:id/board', async (req) => {
    const id = req.params.id;
    const { rows: p } = await pool.query(SQL.pipeline, [id]);
    const { rows: stages } = await pool.query(SQL.stages, [[id]]);
    const active = stages.filter((s) => !s.retired_at).map((s) => s.id);
    const [sums, cards] = await Promise.all([
      pool.query(SQL.sums, [id, active, null]),
      pool.query(SQL.cards, [active, id, null, 20]),
    ]);
    return { pipeline: p[0], stages, sums: sums.rows, cards: cards.rows };
  });
  app.get('/forecast', async (req) => {
    const q = req.query;
    const quarter = q.period === 'quarter';
    const g = q.groupBy === 'owner' ? 'd.owner_id' : q.groupBy === 'pipeline' ? 'd.pipeline_id::text' : 'NULL::text';
    let factors = [{ currency: q.currency, factor: '1' }];
    if (q.convert === 'true') {
      const rates = new Map((await pool.query(SQL.rates)).rows.map((r) => [r.currency, r.rate]));
      rates.set('EUR', '1');
      await pool.query(SQL.missing, [[...rates.keys()]]);
      const cs = [...rates.keys()];
      const digits = (c) => (c === 'JPY' ? 0 : 2);
      factors = (
        await pool.query(SQL.factors, [
          cs,
          rates.get(q.currency),
          cs.map((c) => rates.get(c)),
          cs.map((c) => digits(q.currency) - digits(c)),
        ])
      ).rows;
    }
    const params = [JSON.stringify(factors), q.from ?? null, q.to ?? null, null, null, factors.map((f) => f.currency)];
    const [open, won, undated] = await Promise.all([
      pool.query(SQL.open(quarter, g), params),
      pool.query(SQL.won(quarter, g), params),
      pool.query(SQL.undated, [factors.map((f) => f.currency), null, null]),
    ]);
    return { open: open.rows, won: won.rows, undated: undated.rows[0].n };
  });
  process.on('SIGTERM', async () => {
    await app.close();
    await pool.end();
    process.exit(0);
  });
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
}

async function bench() {
  const h = await import('../lib/harness.mjs');
  const opts = h.args({ deals: 100_000, requests: 200, c: 1, orders: true, build: true, target: 100, keep: false });
  const id = h.runId();
  const namespace = `b${id}`;
  const secret = randomBytes(32).toString('hex');
  const env = {
    NATS_URL: h.NATS_URL,
    CRM_EVENT_NAMESPACE: namespace,
    AUTH_JWT_SECRET: secret,
    OTEL_SDK_DISABLED: 'false',
  };
  const dbName = `bench_sales_board_${id}`;
  const running = [];
  const cleanup = async () => {
    for (const p of running.reverse()) await p.stop();
    running.length = 0;
    if (opts.keep) console.log(`  database kept: ${dbName}`);
    else await h.dropDatabase(dbName);
    await h.deleteStreams(namespace);
  };
  // Interrupted (Ctrl-C, a timeout): still stop the servers and drop the database.
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => cleanup().finally(() => process.exit(130)));
  try {
    if (opts.build) h.build(['sales']);
    const url = await h.createDatabase(dbName);
    h.migrate('sales', { ...env, DATABASE_URL: url });
    const sales = await startServer(
      join(h.WORKSPACE, 'dist/apps/sales/main.js'),
      [],
      { ...env, DATABASE_URL: url, LOG_LEVEL: 'warn' },
      running,
    );
    const token = await h.devToken(secret);
    const auth = { authorization: `Bearer ${token}` };
    const pipelines = [];
    for (const name of ['New business', 'Renewals', 'Partners']) {
      const r = await fetch(`${sales.url}/pipelines`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      });
      if (r.status !== 201) throw new Error(`pipeline: ${r.status} ${await r.text()}`);
      pipelines.push(await r.json());
    }
    for (const [currency, rate] of [
      ['USD', '0.92'],
      ['GBP', '1.17'],
    ])
      await fetch(`${sales.url}/currency-rates/${currency}`, {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ rate }),
      });
    const seeded = await seedDeals(url, pipelines, opts.deals);
    let orderSeed;
    if (opts.orders) {
      const { seedOrders } = await import('./seed.mjs');
      orderSeed = await seedOrders(url, { orders: 250_000, linesPerOrder: 4 });
    }
    await analyse(url);
    const floor = await startServer(fileURLToPath(import.meta.url), ['--serve-floor'], { DATABASE_URL: url }, running);

    const main = pipelines[0].id;
    const month = new Date().toISOString().slice(0, 8) + '01';
    const inAYear = new Date(Date.now() + 365 * 864e5).toISOString().slice(0, 10);
    const queries = [
      ['board (pipeline of 60% of the deals, 20 per stage)', `/pipelines/${main}/board`],
      ['forecast EUR by month, next 12 months', `/forecast?currency=EUR&from=${month}&to=${inAYear}`],
      ['forecast EUR by quarter and owner, all deals', `/forecast?currency=EUR&period=quarter&groupBy=owner`],
      ['forecast converted to EUR by month, all deals', `/forecast?currency=EUR&convert=true`],
    ];
    const measure = async (base, path, headers) => {
      const one = async () => {
        const r = await fetch(`${base}${path}`, { headers });
        if (r.status !== 200) throw new Error(`${base}${path}: ${r.status} ${await r.text()}`);
        await r.arrayBuffer();
      };
      await h.load(20, opts.c, one);
      return (await h.load(opts.requests, opts.c, one)).latencies;
    };
    console.log(
      `sales board and forecast: ${seeded.deals} deals (${seeded.seconds} s to seed)` +
        (orderSeed ? `, ${orderSeed.lines ?? 1_000_000} order lines beside them` : '') +
        `; C=${opts.c}, ${opts.requests} requests each after 20 warm-up, service and floor alternating`,
    );
    let worst = 0;
    for (const [label, path] of queries) {
      const floorRuns = [];
      const salesRuns = [];
      for (let r = 0; r < 2; r++) {
        for (const target of r % 2 === 0 ? ['floor', 'sales'] : ['sales', 'floor']) {
          if (target === 'floor') floorRuns.push(...(await measure(floor.url, path, {})));
          else salesRuns.push(...(await measure(sales.url, path, auth)));
        }
      }
      const [fp50, fp99, sp50, sp99] = [
        h.percentile(floorRuns, 50),
        h.percentile(floorRuns, 99),
        h.percentile(salesRuns, 50),
        h.percentile(salesRuns, 99),
      ];
      worst = Math.max(worst, sp99);
      console.log(`  ${label}`);
      console.log(`    floor (bare Fastify + pg, same SQL)  p50 ${h.fmt(fp50)} ms   p99 ${h.fmt(fp99)} ms`);
      console.log(`    sales                                p50 ${h.fmt(sp50)} ms   p99 ${h.fmt(sp99)} ms`);
    }
    console.log(
      `  worst sales p99 ${h.fmt(worst)} ms (target < ${opts.target} ms): ${worst < opts.target ? 'met' : 'NOT met'}`,
    );
  } finally {
    await cleanup();
  }
}

/** `n` deals by generate_series over the three pipelines (60/25/15 %), five stages, three currencies, 50 owners. */
async function seedDeals(url, pipelines, n) {
  const started = Date.now();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`SET synchronous_commit = off`);
    const stages = pipelines.map((p) => p.stages.map((s) => s.id));
    const kinds = pipelines[0].stages.map((s) => s.kind);
    await c.query(
      `INSERT INTO deals (id, pipeline_id, stage_id, status, name, contact_id, owner_id, amount, currency,
              expected_close_date, tags, stage_entered_at, closed_at, closed_by, version, created_at, updated_at)
       SELECT ('01900000-0000-7000-8000-' || lpad(to_hex(i), 12, '0'))::uuid,
              ($2::uuid[])[pi], ($3::uuid[])[(pi - 1) * 5 + si],
              ($4::text[])[si], 'Deal ' || i,
              ('00000000-0000-7000-a000-' || lpad(to_hex(1 + i % 50000), 12, '0'))::uuid,
              'owner-' || (i % 50), 100 + (i * 7919) % 10000000,
              (ARRAY['EUR','EUR','EUR','EUR','EUR','EUR','EUR','USD','USD','GBP'])[1 + i % 10],
              CASE WHEN i % 20 = 0 THEN NULL ELSE current_date + (i % 730) - 180 END,
              '{}', now() - make_interval(hours => i % 5000),
              CASE WHEN ($4::text[])[si] <> 'open' THEN now() - make_interval(days => i % 700) END,
              CASE WHEN ($4::text[])[si] <> 'open' THEN 'owner-' || (i % 50) END,
              1, now() - make_interval(days => i % 900), now()
         FROM generate_series(1, $1) i,
              LATERAL (SELECT CASE WHEN i % 20 < 12 THEN 1 WHEN i % 20 < 17 THEN 2 ELSE 3 END AS pi,
                              1 + (i / 7) % 5 AS si) x`,
      [n, pipelines.map((p) => p.id), stages.flat(), kinds],
    );
    await c.query(
      `INSERT INTO deal_stage_history (id, deal_id, from_stage_id, to_stage_id, moved_by, moved_at)
       SELECT ('01900000-0000-7000-9000-' || substr(d.id::text, 25))::uuid, d.id, NULL, d.stage_id, d.owner_id, d.created_at
         FROM deals d`,
    );
    return { deals: n, seconds: Math.round((Date.now() - started) / 100) / 10 };
  } finally {
    await c.end();
  }
}

async function analyse(url) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`VACUUM ANALYZE deals`);
  await c.query(`ANALYZE`);
  await c.end();
}

/**
 * Starts a server process and waits for /health/ready (up to 3 minutes: a loaded machine starts Nest slowly);
 * it is in `running` from the start, so a server that never gets ready is stopped too.
 */
async function startServer(main, argv, env, running) {
  const h = await import('../lib/harness.mjs');
  const port = await h.freePort();
  const child = spawn(process.execPath, [main, ...argv], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const server = {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((r) => {
        if (child.exitCode !== null) return r();
        child.once('exit', r);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
  running.push(server);
  const deadline = Date.now() + 180_000;
  while (!(await fetch(`${server.url}/health/ready`).catch(() => undefined))?.ok) {
    if (child.exitCode !== null) throw new Error(`${main} exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${main} not ready after 180 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return server;
}

if (process.argv.includes('--serve-floor')) await serveFloor();
else await bench();
