// Orders CSV import (sales, issue 12) against its floor, in one run on this machine:
//   1. floor: plain COPY of the same CSV file into a bare table (psql \copy, CSV HEADER);
//   2. POST /orders/imports on the built sales service, straight to it: the file streamed as the body (one row per
//      order line, LINES lines per order), then the durable job until GET /orders/imports/{id} says completed,
//      then the outbox relay until every order.placed is on JetStream.
// Reports rows/s of both and the import's share of COPY's rate (targets: 1,000,000 lines < 60 s, >= 1/3 of COPY).
//   node tools/bench/import/orders.mjs [--rows 1000000] [--lines 4] [--batch 5000] [--no-build]
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import pg from 'pg';
import {
  args,
  build,
  createDatabase,
  deleteStreams,
  devToken,
  dropDatabase,
  fmt,
  NATS_URL,
  runId,
  startApp,
} from '../lib/harness.mjs';

const opts = args({ rows: 100_000, lines: 4, build: true, target: 1 / 3, batch: 5000 });
const id = runId();
const namespace = `b${id}`;
const secret = randomBytes(32).toString('hex');
const names = { sales: `bench_orders_import_${id}`, floor: `bench_orders_import_floor_${id}` };
const running = [];
const dir = mkdtempSync(join(tmpdir(), 'crm-orders-import-'));
const file = join(dir, 'orders.csv');
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

/** Lines of orders placed over three years, customers by external id (mirrored), SKUs of a 200-product catalogue. */
async function writeCsv(rows, perOrder) {
  const out = createWriteStream(file);
  out.write('Order,Channel,Placed,Status,Customer no,Currency,SKU,Qty,Price,Tax %\r\n');
  const start = Date.UTC(2023, 0, 1);
  for (let i = 0; i < rows; i++) {
    const o = Math.floor(i / perOrder);
    const placed = new Date(start + ((o * 7919) % (3 * 365 * 24 * 60)) * 60_000).toISOString();
    const line =
      `W-${o},${['web', 'store', 'phone'][o % 3]},${placed},${['paid', 'fulfilled'][o % 2]},C-${o % 50_000},EUR,` +
      `SEED-${1 + ((o + i) % 200)},${1 + (i % 3)},${(10 + (i % 90)).toFixed(2)},20\r\n`;
    if (!out.write(line)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
}

async function main() {
  if (opts.build) build(['sales']);
  await writeCsv(opts.rows, opts.lines);
  console.log(
    `CSV: ${opts.rows} lines (${Math.ceil(opts.rows / opts.lines)} orders), ${(statSync(file).size / 1e6).toFixed(1)} MB`,
  );

  const floorUrl = await createDatabase(names.floor);
  execFileSync('psql', [
    floorUrl,
    '-q',
    '-c',
    'CREATE TABLE lines (ext text, channel text, placed timestamptz, status text, customer text, currency text, sku text, qty int, price numeric, tax numeric)',
  ]);
  const loadBefore = load();
  let t0 = performance.now();
  execFileSync('psql', [floorUrl, '-q', '-c', `\\copy lines FROM '${file}' WITH (FORMAT csv, HEADER true)`]);
  const copySeconds = (performance.now() - t0) / 1000;

  const salesDb = await createDatabase(names.sales);
  const sales = await startApp('sales', {
    NATS_URL,
    CRM_EVENT_NAMESPACE: namespace,
    AUTH_JWT_SECRET: secret,
    AUTH_ISSUER: 'crm-local',
    AUTH_AUDIENCE: 'crm',
    DATABASE_URL: salesDb,
    ORDER_IMPORT_BATCH_ORDERS: String(opts.batch),
  });
  running.push(sales);
  const db = new pg.Client({ connectionString: salesDb });
  await db.connect();
  // The catalogue and the contacts sales knows (as contacts' events would have left its mirror).
  await db.query(
    `INSERT INTO products (id, sku, name) SELECT gen_random_uuid(), 'SEED-' || i, 'Seed product ' || i
       FROM generate_series(1, 200) i`,
  );
  await db.query(
    `INSERT INTO contact_mirror (contact_id, version, display_name, external_id)
     SELECT gen_random_uuid(), 1, 'Customer ' || i, 'C-' || i FROM generate_series(0, 49999) i`,
  );
  const auth = { authorization: `Bearer ${await devToken(secret)}` };
  const mapping = await (
    await fetch(`${sales.url}/orders/import-mappings`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'bench',
        columns: {
          Order: 'externalOrderId',
          Channel: 'channel',
          Placed: 'placedAt',
          Status: 'status',
          'Customer no': 'contactExternalId',
          Currency: 'currency',
          SKU: 'sku',
          Qty: 'quantity',
          Price: 'unitPrice',
          'Tax %': 'taxRatePercent',
        },
      }),
    })
  ).json();
  t0 = performance.now();
  const res = await fetch(`${sales.url}/orders/imports?mappingId=${mapping.id}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'text/csv' },
    body: Readable.toWeb(createReadStream(file)),
    duplex: 'half',
  });
  const started = await res.json();
  if (res.status !== 202) throw new Error(`upload refused: ${res.status} ${JSON.stringify(started)}`);
  const uploadSeconds = (performance.now() - t0) / 1000;
  let status;
  for (;;) {
    status = await (await fetch(`${sales.url}/orders/imports/${started.id}`, { headers: auth })).json();
    if (['completed', 'failed', 'cancelled'].includes(status.status)) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const importSeconds = (performance.now() - t0) / 1000;
  let relayedSeconds = null;
  for (let i = 0; i < 1200; i++) {
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`);
    if (rows[0].n === 0) {
      relayedSeconds = (performance.now() - t0) / 1000;
      break;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const events = (await db.query(`SELECT count(*)::int AS n FROM outbox WHERE type = 'crm.sales.order.placed'`)).rows[0]
    .n;
  await db.end();
  const copyRate = opts.rows / copySeconds;
  const importRate = opts.rows / importSeconds;
  console.log(
    `orders-import bench: ${opts.rows} order lines from one CSV, straight to sales (batches of ${opts.batch} orders)`,
  );
  console.log(`  floor: COPY of the file into a bare table   ${fmt(copySeconds, 2)} s   ${fmt(copyRate, 0)} rows/s`);
  console.log(
    `  POST /orders/imports (upload ${fmt(uploadSeconds, 1)} s, then the job)  ${fmt(importSeconds, 1)} s   ${fmt(importRate, 0)} rows/s   ` +
      `written ${status.written}, failed ${status.failed}, status ${status.status}`,
  );
  console.log(
    `  import / COPY rate = ${fmt((importRate / copyRate) * 100, 1)}% (target >= ${fmt(opts.target * 100, 0)}%)`,
  );
  console.log(`  1,000,000 lines at this rate: ${fmt(1_000_000 / importRate, 0)} s (target < 60 s)`);
  console.log(
    `  ${events} order.placed events; all published to JetStream ` +
      (relayedSeconds === null ? 'not within 600 s' : `${fmt(relayedSeconds, 1)} s after the upload began`),
  );
  console.log(`  load average (1, 5, 15 min) before: ${loadBefore}; after: ${load()}`);
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
    rmSync(dir, { recursive: true, force: true });
  });
