// support: ticket creates against their floor, queue listings on 1,000,000 tickets, and the SLA
// breach detection lag with 100,000 running clocks, in one run on this machine.
//   1. floor (tools/bench/support/floor.mjs: bare Fastify + pg writing the same rows: the policy
//      lookup, ticket, two clocks, outbox event) and POST /tickets on the built service, in
//      alternating wrk rounds (C=32);
//   2. GET /tickets queue views (team, unassigned, mine, a priority filter, page 2 by cursor) on a
//      database seeded once with 1,000,000 tickets by COPY and kept (default crm_support_bench_1m;
//      --reseed rebuilds it), p99 from wrk;
//   3. breach lag: 100,000 running clocks (seeded by COPY), of which --due (1,000) fall due over
//      the minute after the service starts; lag = when crm.support.sla.breached reaches a NATS
//      subscriber minus the clock's due time.
//   node tools/bench/support/run.mjs [--seconds 5] [--rounds 3] [--c 32] [--no-build] [--tickets 1000000]
//        [--clocks 100000] [--due 1000] [--queue-db crm_support_bench_1m] [--reseed] [--only create,queue,lag]
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { connect } from 'nats';
import {
  WORKSPACE,
  NATS_URL,
  args,
  build,
  createDatabase,
  dropDatabase,
  deleteStreams,
  devToken,
  fmt,
  freePort,
  migrate,
  percentile,
  runId,
  withAdmin,
} from '../lib/harness.mjs';
import { averageRuns, wrk } from '../lib/wrk.mjs';

const opts = args({
  seconds: 5,
  rounds: 3,
  c: 32,
  build: true,
  tickets: 1_000_000,
  clocks: 100_000,
  due: 1000,
  'queue-db': 'crm_support_bench_1m',
  reseed: false,
  only: 'create,queue,lag',
});
const only = new Set(String(opts.only).split(','));
const id = runId();
const namespace = `b${id}`;
const secret = randomBytes(32).toString('hex');
const temporary = [];
const running = [];
const env = {
  NATS_URL,
  CRM_EVENT_NAMESPACE: namespace,
  AUTH_JWT_SECRET: secret,
  AUTH_ISSUER: 'crm-local',
  AUTH_AUDIENCE: 'crm',
};
const PG_BASE = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const urlOf = (db) => Object.assign(new URL(PG_BASE), { pathname: `/${db}` }).toString();

const CREATE_SCRIPT = `
local threads = 0
function setup(thread) threads = threads + 1 thread:set("tid", threads) end
function init(args) token = args[1] n = 0 end
function request()
  n = n + 1
  local body = string.format('{"subject":"Printer %d-%d jams","priority":"normal","channel":"web","tags":["bench"]}', tid, n)
  return wrk.format("POST", "/tickets", { ["authorization"] = "Bearer " .. token, ["content-type"] = "application/json" }, body)
end
`;

/** wrk POSTing unique tickets (the shared wrk helper posts contacts). */
function wrkCreate(url, token, seconds) {
  const dir = mkdtempSync(join(tmpdir(), 'crm-support-wrk-'));
  writeFileSync(join(dir, 'create.lua'), CREATE_SCRIPT);
  const argv = [
    '-t',
    '2',
    '-c',
    String(opts.c),
    '-d',
    `${seconds}s`,
    '--latency',
    '--timeout',
    '5s',
    '-s',
    join(dir, 'create.lua'),
    url,
    '--',
    token,
  ];
  return new Promise((resolve, reject) =>
    execFile('wrk', argv, (error, stdout, stderr) => {
      if (error) return reject(new Error(stderr || error.message));
      const num = (re) => Number((re.exec(stdout) ?? [])[1] ?? NaN);
      const pct = (p) => {
        const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(stdout);
        return m ? Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1) : NaN;
      };
      resolve({
        rps: num(/Requests\/sec:\s+([\d.]+)/),
        p50: pct(50),
        p99: pct(99),
        errors: num(/Non-2xx or 3xx responses: (\d+)/) || 0,
        raw: stdout,
      });
    }),
  );
}

/** The built service, like the harness's startApp but waiting up to 3 minutes (a busy shared machine starts slowly). */
async function startSupport(extra) {
  migrate('support', { ...env, ...extra });
  const port = await freePort();
  const child = spawn(process.execPath, [join(WORKSPACE, 'dist/apps/support/main.js')], {
    env: { ...process.env, ...env, ...extra, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if ((await fetch(`${url}/health/ready`).catch(() => undefined))?.ok) break;
    if (child.exitCode !== null) throw new Error(`support exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('support not ready after 180 s');
    await new Promise((r) => setTimeout(r, 250));
  }
  const app = {
    url,
    stop: () =>
      new Promise((res) => {
        if (child.exitCode !== null) return res();
        child.once('exit', () => res());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
  running.push(app);
  return app;
}

async function startFloor(databaseUrl) {
  const port = await freePort();
  const child = spawn(process.execPath, [join(WORKSPACE, 'tools/bench/support/floor.mjs')], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if ((await fetch(`${url}/health/ready`).catch(() => undefined))?.ok)
      return {
        url,
        stop: () =>
          new Promise((r) => {
            if (child.exitCode !== null) return r();
            child.once('exit', r);
            child.kill('SIGTERM');
          }),
      };
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('floor not ready');
}

async function api(base, token, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => undefined);
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function policy(base, token) {
  const cal = await api(base, token, 'POST', '/calendars', {
    name: 'Paris',
    timeZone: 'Europe/Paris',
    hours: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '18:00' })),
    holidayCountry: 'FR',
  });
  await api(base, token, 'POST', '/sla-policies', {
    name: 'normal',
    calendarId: cal.id,
    priority: 'normal',
    firstResponseMinutes: 240,
    resolutionMinutes: 960,
  });
}

async function measureCreates(token) {
  const floorDb = `bench_support_floor_${id}`;
  const appDb = `bench_support_${id}`;
  temporary.push(floorDb, appDb);
  const floorUrl = await createDatabase(floorDb);
  migrate('support', { ...env, DATABASE_URL: floorUrl });
  const support = await startSupport({ ...env, DATABASE_URL: await createDatabase(appDb) });
  // The floor's policy is written by the service's own API on its database, so both look up the same row.
  const setup = await startSupport({ ...env, DATABASE_URL: floorUrl, CRM_EVENT_NAMESPACE: `${namespace}f` });
  await policy(setup.url, token);
  await setup.stop();
  await policy(support.url, token);
  const floor = await startFloor(floorUrl);
  running.push(floor);
  const targets = { floor: floor.url, support: support.url };
  for (const url of Object.values(targets)) await wrkCreate(url, token, 2);
  const results = { floor: [], support: [] };
  for (let r = 0; r < opts.rounds; r++) {
    for (const label of r % 2 === 0 ? ['floor', 'support'] : ['support', 'floor']) {
      const res = await wrkCreate(targets[label], token, opts.seconds);
      if (res.errors) throw new Error(`${label}: ${res.errors} creates failed\n${res.raw}`);
      results[label].push(res);
    }
  }
  await floor.stop();
  await support.stop();
  return { floor: averageRuns(results.floor), support: averageRuns(results.support) };
}

/** Streams lines into COPY through psql (no extra npm package). */
function copyInto(url, table, columns, lines) {
  return new Promise((resolve, reject) => {
    const psql = spawn('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', `COPY ${table} (${columns}) FROM STDIN`], {
      stdio: ['pipe', 'inherit', 'inherit'],
    });
    psql.on('error', reject);
    psql.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`COPY ${table}: psql exited ${code}`))));
    (async () => {
      let chunk = '';
      for (const line of lines) {
        chunk += line + '\n';
        if (chunk.length > 1 << 16) {
          if (!psql.stdin.write(chunk)) await new Promise((r) => psql.stdin.once('drain', r));
          chunk = '';
        }
      }
      psql.stdin.end(chunk);
    })().catch(reject);
  });
}

const uid = (prefix, n) => `${prefix}-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
const TEAMS = 20;
const AGENTS = 200;
const STATUSES = ['closed', 'closed', 'closed', 'solved', 'solved', 'open', 'open', 'new', 'pending', 'on-hold'];
const PRIORITIES = ['low', 'normal', 'normal', 'normal', 'high', 'urgent'];

function* ticketRows(total) {
  const start = Date.UTC(2025, 0, 1);
  for (let i = 1; i <= total; i++) {
    const status = STATUSES[i % STATUSES.length];
    const team = uid('0190a000', (i % TEAMS) + 1);
    // A tenth of the open tickets wait unassigned.
    const assignee = i % 10 === 3 ? '\\N' : uid('0190b000', (i % AGENTS) + 1);
    const at = new Date(start + i * 30_000).toISOString();
    const msHex = (start + i * 30_000).toString(16).padStart(12, '0');
    const ticketId = `${msHex.slice(0, 8)}-${msHex.slice(8, 12)}-7000-8000-${i.toString(16).padStart(12, '0')}`;
    yield [
      ticketId,
      i,
      `Printer ${i} jams`,
      '',
      uid('0190c000', (i % 50_000) + 1),
      status,
      PRIORITIES[i % PRIORITIES.length],
      'email',
      '{bench}',
      '{}',
      team,
      assignee,
      1,
      at,
      at,
    ].join('\t');
  }
}

async function seedQueueDb() {
  const name = opts['queue-db'];
  const exists = await withAdmin(
    async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount > 0,
  );
  const url = urlOf(name);
  if (exists && !opts.reseed) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const n = (await c.query('SELECT count(*)::int AS n FROM tickets')).rows[0].n;
    await c.end();
    if (n >= opts.tickets) return url;
  }
  await dropDatabase(name);
  await createDatabase(name);
  migrate('support', { ...env, DATABASE_URL: url });
  const t0 = Date.now();
  await copyInto(
    url,
    'teams',
    'id, name',
    Array.from({ length: TEAMS }, (_, i) => `${uid('0190a000', i + 1)}\tTeam ${i + 1}`),
  );
  await copyInto(
    url,
    'agents',
    'id, subject, name, capacity',
    Array.from({ length: AGENTS }, (_, i) => `${uid('0190b000', i + 1)}\tagent-${i + 1}\tAgent ${i + 1}\t100000`),
  );
  await copyInto(
    url,
    'tickets',
    'id, number, subject, description, requester_id, status, priority, channel, tags, custom_fields, team_id, assignee_id, version, created_at, updated_at',
    ticketRows(opts.tickets),
  );
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`SELECT setval('tickets_number_seq', $1)`, [opts.tickets]);
  await c.query('VACUUM ANALYZE tickets');
  await c.end();
  console.log(`  seeded ${opts.tickets} tickets by COPY in ${fmt((Date.now() - t0) / 1000, 0)} s (kept as ${name})`);
  return url;
}

async function measureQueues(token) {
  const url = await seedQueueDb();
  const support = await startSupport({ ...env, DATABASE_URL: url });
  const team = uid('0190a000', 7);
  const agentToken = await devTokenFor('agent-17');
  const first = await api(support.url, token, 'GET', `/tickets?view=team&teamId=${team}&limit=50`);
  const views = {
    'team (open, newest first)': [`/tickets?view=team&teamId=${team}&limit=50`, token],
    'team page 2 (cursor)': [`/tickets?view=team&teamId=${team}&limit=50&cursor=${first.nextCursor}`, token],
    'unassigned in a team': [`/tickets?view=unassigned&teamId=${team}&limit=50`, token],
    'mine (an agent)': ['/tickets?view=mine&limit=50', agentToken],
    'team + priority urgent': [`/tickets?view=team&teamId=${team}&priority=urgent&limit=50`, token],
    'all open': ['/tickets?limit=50', token],
  };
  const out = {};
  // A fresh process first compiles its hot paths and Postgres loads the pages of every view: one
  // pass over all the views before any is measured, so the first view measured is not the cold one.
  for (const [path, tok] of Object.values(views))
    await wrk({ url: support.url, method: 'GET', path, token: tok, run: `${id}qw0`, connections: 8, seconds: 2 });
  for (const [label, [path, tok]] of Object.entries(views)) {
    await wrk({ url: support.url, method: 'GET', path, token: tok, run: `${id}qw`, connections: 8, seconds: 2 });
    const runs = [];
    for (let r = 0; r < opts.rounds; r++) {
      const res = await wrk({
        url: support.url,
        method: 'GET',
        path,
        token: tok,
        run: `${id}q${r}`,
        connections: 8,
        seconds: opts.seconds,
      });
      if (res.errors) throw new Error(`${label}: ${res.errors} failed\n${res.raw}`);
      runs.push(res);
    }
    out[label] = averageRuns(runs);
  }
  await support.stop();
  return out;
}

async function devTokenFor(subject) {
  const { SignJWT } = await import('jose');
  return new SignJWT({ roles: ['support'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setIssuer('crm-local')
    .setAudience('crm')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(secret));
}

async function measureBreachLag() {
  const name = `bench_support_lag_${id}`;
  temporary.push(name);
  const url = await createDatabase(name);
  migrate('support', { ...env, DATABASE_URL: url });
  const calendar = uid('0190d000', 1);
  await copyInto(url, 'calendars', 'id, name, time_zone, hours', [
    `${calendar}\t24/7\tUTC\t${JSON.stringify([1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start: '00:00', end: '24:00' })))}`,
  ]);
  const total = opts.clocks;
  const now = Date.now();
  const windowMs = 60_000;
  // Every clock starts far off; once the service is up, --due of them are moved to the next minute.
  const dueAt = (i) => now + 3_600_000 + i * 800;
  const at = new Date(now).toISOString();
  await copyInto(
    url,
    'tickets',
    'id, subject, status, priority, channel, version, created_at, updated_at',
    (function* () {
      for (let i = 1; i <= total; i++) yield `${uid('0190e000', i)}\tT${i}\topen\tnormal\tweb\t1\t${at}\t${at}`;
    })(),
  );
  await copyInto(
    url,
    'sla_clocks',
    'ticket_id, target, calendar_id, target_seconds, warn_at_percent, state, running_since, due_at',
    (function* () {
      for (let i = 1; i <= total; i++)
        yield `${uid('0190e000', i)}\tfirst_response\t${calendar}\t3600\t100\trunning\t${at}\t${new Date(dueAt(i)).toISOString()}`;
    })(),
  );
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('VACUUM ANALYZE sla_clocks');
  await c.end();
  const nc = await connect({ servers: NATS_URL });
  const lags = [];
  const sub = nc.subscribe(`${namespace}.crm.support.sla.breached`);
  const done = (async () => {
    for await (const m of sub) {
      const e = m.json();
      lags.push(Date.now() - Date.parse(e.data.dueAt));
      if (lags.length >= opts.due) break;
    }
  })();
  const support = await startSupport({ ...env, DATABASE_URL: url });
  // As replies and new tickets would: these clocks now fall due over the next minute (one statement, one NOTIFY).
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  await db.query(
    `UPDATE sla_clocks
        SET due_at = now() + interval '5 seconds' + (('x' || substr(ticket_id::text, 25))::bit(48)::bigint * $2::float8 / $1) * interval '1 millisecond'
      WHERE ('x' || substr(ticket_id::text, 25))::bit(48)::bigint <= $1`,
    [opts.due, windowMs],
  );
  await db.end();
  await Promise.race([done, new Promise((r) => setTimeout(r, 5000 + windowMs + 60_000))]);
  sub.unsubscribe();
  await nc.close();
  await support.stop();
  return { n: lags.length, p50: percentile(lags, 50), p99: percentile(lags, 99), max: Math.max(...lags) };
}

async function main() {
  if (opts.build) build(['support']);
  const token = await devToken(secret);
  const row = (label, r, unit = 'req/s') =>
    `  ${label.padEnd(36)} ${fmt(r.rps, 0).padStart(6)} ${unit}   p50 ${fmt(r.p50)} ms   p99 ${fmt(r.p99)} ms`;
  console.log(`support bench: ${opts.rounds} rounds of ${opts.seconds} s per target`);
  if (only.has('create')) {
    const { floor, support } = await measureCreates(token);
    console.log(`ticket create, wrk C=${opts.c}, alternating rounds`);
    console.log(row('floor (bare Fastify + pg, same rows)', floor));
    console.log(row('POST /tickets', support));
    console.log(`  POST /tickets / floor = ${fmt((support.rps / floor.rps) * 100, 0)}%`);
  }
  if (only.has('queue')) {
    const views = await measureQueues(token);
    console.log(`queue listings on ${opts.tickets.toLocaleString('en')} tickets (wrk C=8), target p99 < 50 ms`);
    for (const [label, r] of Object.entries(views)) console.log(`${row(label, r)}   ${r.p99 < 50 ? 'MET' : 'MISSED'}`);
  }
  if (only.has('lag')) {
    const lag = await measureBreachLag();
    console.log(
      `breach lag with ${opts.clocks.toLocaleString('en')} running clocks, ${lag.n} falling due over 60 s: ` +
        `p50 ${fmt(lag.p50, 0)} ms   p99 ${fmt(lag.p99, 0)} ms   max ${fmt(lag.max, 0)} ms   (target p99 < 2000 ms: ${lag.p99 < 2000 && lag.n === opts.due ? 'MET' : 'MISSED'})`,
    );
  }
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await Promise.all(running.map((a) => a.stop().catch(() => undefined)));
    for (const name of temporary) await dropDatabase(name).catch(() => undefined);
    await deleteStreams(namespace).catch(() => undefined);
    await deleteStreams(`${namespace}f`).catch(() => undefined);
  });
