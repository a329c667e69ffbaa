// GET /contacts at a million people, every query shape of issue 16, against its floor in one run:
//   1. floor: a bare Fastify + pg server sending the same statements as the service for each shape
//      (floor.mjs, shapes.mjs), on the same database;
//   2. GET /contacts on the built contacts service (dist/apps/contacts), straight to the service;
//   3. with --before <main.js>, an older build of contacts (e.g. one copied from dist before a change)
//      on the same database, for a before/after table; each shape measured on the three back to back.
// The database is the one seed.mjs keeps (default crm_contacts_bench_1m; seeded once, reused): this run
// migrates it with the built service first (the new indexes are built CONCURRENTLY) and tops up what
// newer migrations added. EXPLAIN (ANALYZE, BUFFERS) of every floor statement goes to --explain.
//   node tools/bench/contacts-search/run.mjs [--db crm_contacts_bench_1m] [--seconds 5] [--c 16]
//        [--before dist/bench-before/contacts/main.js] [--only newest,rare] [--no-build]
//        [--explain tools/bench/contacts-search/explain-1m.txt] [--cpu 200]
// --cpu N (default 200, 0 to skip): after wrk, N requests one after the other per target and shape, with the
// CPU time they cost the target's process and the Postgres backends (/proc): a figure the other work on
// this shared machine changes much less than latency.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import {
  args,
  build,
  devToken,
  fmt,
  freePort,
  migrate,
  deleteStreams,
  NATS_URL,
  runId,
  WORKSPACE,
} from '../lib/harness.mjs';
import { wrk } from '../lib/wrk.mjs';
import { dbUrl, topUp } from './seed.mjs';
import { SHAPES, floorStatements } from './shapes.mjs';

const opts = args({
  db: 'crm_contacts_bench_1m',
  seconds: 5,
  c: 16,
  build: true,
  before: '',
  only: '',
  explain: 'tools/bench/contacts-search/explain-1m.txt',
  target: 50,
  cpu: 200,
});
const id = runId();
const namespace = `b${id}`;
const secret = randomBytes(32).toString('hex');
const env = {
  NATS_URL,
  CRM_EVENT_NAMESPACE: namespace,
  AUTH_JWT_SECRET: secret,
  AUTH_ISSUER: 'crm-local',
  AUTH_AUDIENCE: 'crm',
};
const running = [];

async function start(label, main, extraEnv) {
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, ...env, ...extraEnv, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const r = await fetch(`${url}/health/ready`).catch(() => undefined);
    if (r?.ok) break;
    if (child.exitCode !== null) throw new Error(`${label} exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${label} not ready after 60 s`);
    await new Promise((res) => setTimeout(res, 250));
  }
  const proc = {
    url,
    pid: child.pid,
    stop: () =>
      new Promise((res) => {
        if (child.exitCode !== null) return res();
        child.once('exit', () => res());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
  running.push(proc);
  return proc;
}

/** Values the shapes need, read from the seeded database: an email, a phone, an external id, page 100's cursor. */
async function fixtures(url, contactsUrl, token) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const one = async (sql) => (await c.query(sql)).rows[0];
    const email = (await one(`SELECT address FROM person_emails WHERE active ORDER BY id OFFSET 500000 LIMIT 1`))
      .address;
    const phone = (await one(`SELECT number FROM person_phones ORDER BY id OFFSET 250000 LIMIT 1`)).number;
    const ext = await one(
      `SELECT external_id FROM person_external_ids WHERE active ORDER BY person_id OFFSET 700000 LIMIT 1`,
    );
    // Page 100 newest first: the id after which it starts, as the service's cursor carries it.
    const page100Id = (
      await one(`SELECT id FROM people WHERE status = 'active' ORDER BY id DESC OFFSET ${99 * 50 - 1} LIMIT 1`)
    ).id;
    const page100 = Buffer.from(JSON.stringify(['-createdAt', page100Id, page100Id])).toString('base64url');
    const check = await fetch(`${contactsUrl}/contacts?limit=50&cursor=${page100}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!check.ok) throw new Error(`page 100 cursor refused: ${check.status} ${await check.text()}`);
    return {
      email,
      phone,
      // As a user types it: national format with spaces (+33 6 12 34 56 78 -> 06 12 34 56 78).
      phoneNational: `0${phone.slice(3, 4)} ${phone.slice(4).replace(/(\d\d)(?=\d)/g, '$1 ')}`,
      externalId: ext?.external_id ?? 'L700000',
      page100,
      page100Id,
    };
  } finally {
    await c.end();
  }
}

async function explainAll(url, f, shapes) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const out = [`EXPLAIN (ANALYZE, BUFFERS) of each shape's statements on ${opts.db}, ${new Date().toISOString()}`, ''];
  try {
    for (const shape of shapes) {
      out.push(`=== ${shape.name}: ${shape.label}  (${shape.path(f)})`);
      let rows = [];
      for (const entry of floorStatements(shape.name, f)) {
        const s = typeof entry === 'function' ? entry(rows.map((r) => r.person_id ?? r.id ?? r.word)) : entry;
        await c.query('BEGIN');
        if (s.threshold !== undefined)
          await c.query(`SELECT set_config('pg_trgm.word_similarity_threshold', $1, true)`, [String(s.threshold)]);
        rows = (await c.query(s.sql, s.params)).rows;
        const plan = await c.query(`EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`, s.params);
        await c.query('COMMIT');
        out.push(...plan.rows.map((r) => r['QUERY PLAN']), '');
      }
    }
  } finally {
    await c.end();
  }
  return out.join('\n');
}

async function cancelRunning(url) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(
      `SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()`,
    );
  } finally {
    await c.end();
  }
}

/** CPU seconds (user + system) a process has used, from /proc (Linux). */
function cpuOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/**
 * CPU per request of one target, the service's process and the Postgres backends of the bench database
 * apart, over `opts.cpu` requests sent one after the other. CPU time is what a request costs whatever
 * else the shared machine runs (wall-clock latency is not): at C=16 on 2 cores a request may cost about
 * 3 ms of the two together for a p99 under 50 ms.
 */
async function cpuPerRequest(target, path, token, pg$) {
  const backends = async () =>
    (
      await pg$.query(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
      )
    ).rows.map((r) => r.pid);
  const sample = async () => {
    const pids = await backends();
    return { node: cpuOf(target.pid), pg: new Map(pids.map((p) => [p, cpuOf(p)])) };
  };
  const t0 = await sample();
  for (let i = 0; i < opts.cpu; i++) {
    const r = await fetch(`${target.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    await r.arrayBuffer();
  }
  const t1 = await sample();
  let pgCpu = 0;
  for (const [p, c] of t1.pg) pgCpu += c - (t0.pg.get(p) ?? 0);
  return { node: ((t1.node - t0.node) * 1000) / opts.cpu, pg: (pgCpu * 1000) / opts.cpu };
}

async function measure(label, url, path, token) {
  const r = await wrk({
    url,
    method: 'GET',
    path,
    token,
    run: `${id}${label}`,
    connections: opts.c,
    seconds: opts.seconds,
  });
  return { ...r, failed: r.errors };
}

async function main() {
  if (opts.build) build(['contacts']);
  const url = dbUrl(opts.db);
  const seeded = new pg.Client({ connectionString: url });
  await seeded.connect().catch(() => {
    throw new Error(`no database ${opts.db}: run node tools/bench/contacts-search/seed.mjs first`);
  });
  const count = (await seeded.query('SELECT rows FROM bench_seed')).rows[0]?.rows;
  await seeded.query('ANALYZE');
  let t0 = Date.now();
  migrate('contacts', { ...env, DATABASE_URL: url });
  console.log(`migrations on ${opts.db} (${count} people): ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  t0 = Date.now();
  await topUp(seeded);
  await seeded.end();

  const token = await devToken(secret);
  const contacts = await start('contacts', join(WORKSPACE, 'dist/apps/contacts/main.js'), { DATABASE_URL: url });
  const f = await fixtures(url, contacts.url, token);
  const floor = await start('floor', join(WORKSPACE, 'tools/bench/contacts-search/floor.mjs'), {
    DATABASE_URL: url,
    BENCH_FIXTURES: JSON.stringify(f),
  });
  const before = opts.before ? await start('before', resolve(opts.before), { DATABASE_URL: url }) : undefined;
  const shapes = SHAPES.filter((s) => !opts.only || opts.only.split(',').includes(s.name));

  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const results = [];
  for (const shape of shapes) {
    const path = shape.path(f);
    // Each shape's targets back to back (the older build first, the floor, the service), so a change in
    // the load of this shared machine weighs on all three alike. The older build's slow statements
    // outlive wrk's timeout: they are cancelled before the floor and the service are measured.
    const r = { shape };
    if (before) {
      await fetch(`${before.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      r.before = await measure(`b${shape.name}`, before.url, path, token);
      await cancelRunning(url);
    }
    // Warm each target once (caches, plans).
    await fetch(`${contacts.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    r.floor = await measure(`f${shape.name}`, floor.url, `/contacts?shape=${shape.name}`, token);
    r.after = await measure(`a${shape.name}`, contacts.url, path, token);
    if (opts.cpu) {
      if (before) r.before.cpu = await cpuPerRequest(before, path, token, admin);
      r.floor.cpu = await cpuPerRequest(floor, `/contacts?shape=${shape.name}`, token, admin);
      r.after.cpu = await cpuPerRequest(contacts, path, token, admin);
    }
    results.push(r);
    console.log(
      `  measured ${shape.name} (load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')})`,
    );
  }
  await admin.end();
  if (opts.explain) {
    writeFileSync(resolve(WORKSPACE, opts.explain), await explainAll(url, f, shapes));
  }

  const cell = (r) =>
    r
      ? `${fmt(r.rps, 0).padStart(6)} | ${fmt(r.p50).padStart(7)} | ${fmt(r.p99).padStart(7)}${r.failed ? ` (${r.failed} failed)` : ''}`
      : '';
  console.log(
    `\ncontacts-search bench: ${count} people in ${opts.db}, wrk -c${opts.c} -d${opts.seconds}s per shape, straight to the service; load at the end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `| query | ${before ? 'before req/s | p50 ms | p99 ms | ' : ''}after req/s | p50 ms | p99 ms | floor req/s | p50 ms | p99 ms |`,
  );
  console.log(`| --- |${before ? ' --- | --- | --- |' : ''} --- | --- | --- | --- | --- | --- |`);
  for (const r of results) {
    console.log(`| ${r.shape.label} | ${before ? `${cell(r.before)} | ` : ''}${cell(r.after)} | ${cell(r.floor)} |`);
  }
  const missed = results.filter((r) => !(r.after.p99 < opts.target) || r.after.failed);
  console.log(
    `\np99 < ${opts.target} ms: ${results.length - missed.length} of ${results.length} shapes${missed.length ? ` (missed: ${missed.map((r) => r.shape.name).join(', ')})` : ''}`,
  );
  if (opts.cpu) {
    const c = (r) => (r?.cpu ? `${r.cpu.node.toFixed(2)} | ${r.cpu.pg.toFixed(2)}` : ' | ');
    console.log(`\nCPU ms per request (${opts.cpu} requests one after the other): the target's process | Postgres`);
    console.log(`| query | ${before ? 'before node | pg | ' : ''}after node | pg | floor node | pg |`);
    console.log(`| --- |${before ? ' --- | --- |' : ''} --- | --- | --- | --- |`);
    for (const r of results) {
      console.log(`| ${r.shape.label} | ${before ? `${c(r.before)} | ` : ''}${c(r.after)} | ${c(r.floor)} |`);
    }
  }
  if (opts.explain) console.log(`EXPLAIN (ANALYZE, BUFFERS) of each shape: ${opts.explain}`);
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await Promise.all(running.map((a) => a.stop()));
    await deleteStreams(namespace).catch(() => undefined);
  });
