// sales: order placement over HTTP against its floor, in one run on this machine.
//   1. floor (tools/bench/sales/floor.mjs: bare Fastify + pg doing the same work as POST /orders
//      for these bodies: replay lookup by external id, the lines' products, order, lines, outbox
//      event, one transaction) on a database migrated by sales;
//   2. POST /orders on the built sales service (default settings, auth, validation, telemetry);
//   both loaded by wrk at C=32 with unique bodies (a Lua script numbers each request's external
//   order id), warmed up, then in alternating rounds. Target: sales >= 50 % of the floor.
//   3. with --seed-lines N, also seeds N order lines (tools/bench/sales/seed.mjs) into the sales
//      database afterwards and reports how long it took (the forecast/board bench uses the seed).
//   node tools/bench/sales/orders.mjs [--seconds 5] [--rounds 3] [--c 32] [--no-build] [--target 0.5]
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import pg from 'pg';
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
  runId,
  startApp,
} from '../lib/harness.mjs';
import { averageRuns } from '../lib/wrk.mjs';
import { seedOrders } from './seed.mjs';

const opts = args({ seconds: 5, rounds: 3, c: 32, build: true, target: 0.5, 'seed-lines': 0 });
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
const PRODUCTS = [randomUUID(), randomUUID()];

// Two lines per order, prices given (as a web shop sends them), a unique external id per request.
const SCRIPT = `
local threads = 0
function setup(thread) threads = threads + 1 thread:set("tid", threads) end
function init(args) token, run, p1, p2 = args[1], args[2], args[3], args[4] n = 0 end
function request()
  n = n + 1
  local body = string.format('{"channel":"web","externalOrderId":"B-%s-%d-%d","currency":"EUR",'
    .. '"contactId":"0190f0f0-0000-7000-8000-%012d","lines":['
    .. '{"productId":"%s","quantity":2,"unitPriceMinor":1999,"discountPercent":10,"taxRatePercent":20},'
    .. '{"productId":"%s","quantity":1,"unitPriceMinor":129900,"taxRatePercent":20}]}', run, tid, n, n % 1000, p1, p2)
  return wrk.format("POST", "/orders", { ["authorization"] = "Bearer " .. token, ["content-type"] = "application/json" }, body)
end
`;

let scriptPath;
function wrkOrders(url, token, run, seconds) {
  if (!scriptPath) {
    scriptPath = join(mkdtempSync(join(tmpdir(), 'crm-sales-wrk-')), 'orders.lua');
    writeFileSync(scriptPath, SCRIPT);
  }
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
    scriptPath,
    url,
  ];
  argv.push('--', token, run, ...PRODUCTS);
  return new Promise((resolve, reject) =>
    execFile('wrk', argv, { maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`wrk failed (apt-get install -y wrk): ${stderr || error.message}`));
      const num = (re) => Number((re.exec(stdout) ?? [])[1] ?? NaN);
      const pct = (p) => {
        const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(stdout);
        return m ? Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1) : NaN;
      };
      const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
      resolve({
        rps: num(/Requests\/sec:\s+([\d.]+)/),
        p50: pct(50),
        p99: pct(99),
        requests: num(/(\d+) requests in/),
        errors:
          (num(/Non-2xx or 3xx responses: (\d+)/) || 0) +
          (socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0),
        raw: stdout,
      });
    }),
  );
}

async function startFloor(databaseUrl) {
  const port = await freePort();
  const child = spawn(process.execPath, [join(WORKSPACE, 'tools/bench/sales/floor.mjs')], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    if ((await fetch(`${url}/health/ready`).catch(() => undefined))?.ok)
      return {
        url,
        stop: () =>
          new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', r), child.kill('SIGTERM')))),
      };
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error('floor not ready');
}

/** The same two products (same ids) in a database, as the catalogue would hold them. */
async function seedCatalogue(url) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(
    `INSERT INTO products (id, sku, name, model) VALUES ($1, 'BENCH-CABLE', 'HDMI cable', 'H2'), ($2, 'BENCH-TV', 'OLED TV', 'OLED55')`,
    PRODUCTS,
  );
  await c.end();
}

async function countOrders(url) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const { rows } = await c.query(
    `SELECT (SELECT count(*)::int FROM orders) AS orders, (SELECT count(*)::int FROM order_lines) AS lines,
            (SELECT count(*)::int FROM outbox WHERE type = 'crm.sales.order.placed') AS events`,
  );
  await c.end();
  return rows[0];
}

async function main() {
  if (opts.build) build(['sales']);
  const token = await devToken(secret);
  const floorDb = `bench_sales_floor_${id}`;
  const appDb = `bench_sales_${id}`;
  temporary.push(floorDb, appDb);
  const floorUrl = await createDatabase(floorDb);
  migrate('sales', { ...env, DATABASE_URL: floorUrl });
  await seedCatalogue(floorUrl);
  const appUrl = await createDatabase(appDb);
  const sales = await startApp('sales', { ...env, DATABASE_URL: appUrl });
  running.push(sales);
  await seedCatalogue(appUrl);
  const floor = await startFloor(floorUrl);
  running.push(floor);

  const targets = { floor: floor.url, sales: sales.url };
  for (const [label, url] of Object.entries(targets)) {
    const warm = await wrkOrders(url, token, `${id}w${label}`, 3);
    if (warm.errors) throw new Error(`${label} warm-up: ${warm.errors} of ${warm.requests} failed\n${warm.raw}`);
  }
  const results = { floor: [], sales: [] };
  for (let r = 0; r < opts.rounds; r++) {
    for (const label of r % 2 === 0 ? ['floor', 'sales'] : ['sales', 'floor']) {
      const res = await wrkOrders(targets[label], token, `${id}r${r}${label}`, opts.seconds);
      if (res.errors) throw new Error(`${label}: ${res.errors} of ${res.requests} orders failed\n${res.raw}`);
      results[label].push(res);
    }
  }
  await floor.stop();
  running.splice(running.indexOf(floor), 1);
  const f = averageRuns(results.floor);
  const s = averageRuns(results.sales);
  const written = await countOrders(appUrl);
  let seeded;
  if (opts['seed-lines'] > 0)
    seeded = await seedOrders(appUrl, { orders: Math.ceil(opts['seed-lines'] / 4), linesPerOrder: 4 });

  const row = (label, r) =>
    `  ${label.padEnd(40)} ${fmt(r.rps, 0).padStart(6)} orders/s   p50 ${fmt(r.p50)} ms   p99 ${fmt(r.p99)} ms`;
  const ratio = s.rps / f.rps;
  console.log(
    `sales order placement: wrk C=${opts.c}, ${opts.rounds} alternating rounds of ${opts.seconds} s per target, 2 lines per order`,
  );
  console.log(row('floor (bare Fastify + pg, same rows)', f));
  console.log(row('POST /orders (sales)', s));
  console.log(
    `  sales / floor ${fmt(ratio * 100, 0)} % (target >= ${fmt(opts.target * 100, 0)} %): ${ratio >= opts.target ? 'met' : 'NOT met'}`,
  );
  console.log(
    `  sales wrote ${written.orders} orders, ${written.lines} lines, ${written.events} order.placed events (one each)`,
  );
  if (seeded) console.log(`  seeded ${seeded.orders} orders / ${seeded.lines} order lines in ${fmt(seeded.seconds)} s`);
  if (written.orders !== written.events || written.lines !== written.orders * 2)
    throw new Error('an order without its lines or its event');
}

try {
  await main();
} finally {
  for (const p of running) await p.stop().catch(() => undefined);
  for (const db of temporary) await dropDatabase(db).catch(() => undefined);
  await deleteStreams(namespace).catch(() => undefined);
}
