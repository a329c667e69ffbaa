// Contacts CSV import against its floor, in one run on this machine:
//   1. floor: plain COPY of the same CSV file into a bare table (psql \copy, CSV HEADER);
//   2. POST /imports on the built contacts service, straight to it (not through the gateway): the file
//      streamed as the body, then the durable job until GET /imports/{id} says completed.
// Reports rows/s of both, the upload and job times, and the import's share of COPY's rate.
//   node tools/bench/contacts-import/run.mjs [--rows 100000] [--batch 20000] [--no-build]   (the issue's figure: --rows 1000000)
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
import { prng } from '../contacts-search/names.mjs';
import { person } from '../contacts-search/seed.mjs';

const opts = args({ rows: 100_000, build: true, target: 1 / 3, batch: 20_000 });
const id = runId();
const namespace = `b${id}`;
const secret = randomBytes(32).toString('hex');
const names = { contacts: `bench_import_${id}`, floor: `bench_import_floor_${id}` };
const running = [];
const dir = mkdtempSync(join(tmpdir(), 'crm-import-'));
const file = join(dir, 'contacts.csv');

async function writeCsv(rows) {
  const out = createWriteStream(file);
  const rnd = prng(7);
  out.write('First name,Surname,E-mail,Phone,Country,Stage,Tags,Customer no\r\n');
  for (let i = 0; i < rows; i++) {
    const p = person(i, rows, rnd);
    const line = `${p.first},${p.last},${p.email},${p.phone ?? ''},${p.country},${p.stage},${p.tags.join('|')},L${i}\r\n`;
    if (!out.write(line)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
}

async function main() {
  if (opts.build) build(['contacts']);
  await writeCsv(opts.rows);
  console.log(`CSV: ${opts.rows} rows, ${(statSync(file).size / 1e6).toFixed(1)} MB`);

  const floorUrl = await createDatabase(names.floor);
  execFileSync('psql', [
    floorUrl,
    '-q',
    '-c',
    'CREATE TABLE people (first_name text, last_name text, email text, phone text, country text, stage text, tags text, external_id text)',
  ]);
  const loadBefore = loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
  let t0 = performance.now();
  execFileSync('psql', [floorUrl, '-q', '-c', `\\copy people FROM '${file}' WITH (FORMAT csv, HEADER true)`]);
  const copySeconds = (performance.now() - t0) / 1000;

  const env = {
    NATS_URL,
    CRM_EVENT_NAMESPACE: namespace,
    AUTH_JWT_SECRET: secret,
    AUTH_ISSUER: 'crm-local',
    AUTH_AUDIENCE: 'crm',
  };
  const contactsDb = await createDatabase(names.contacts);
  const contacts = await startApp('contacts', {
    ...env,
    DATABASE_URL: contactsDb,
    IMPORT_BATCH_ROWS: String(opts.batch),
  });
  running.push(contacts);
  const token = await devToken(secret);
  const auth = { authorization: `Bearer ${token}` };
  const mapping = await (
    await fetch(`${contacts.url}/import-mappings`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'bench',
        externalSource: 'legacy',
        columns: {
          'First name': 'firstName',
          Surname: 'lastName',
          'E-mail': 'email',
          Phone: 'phone',
          Country: 'country',
          Stage: 'lifecycleStage',
          Tags: 'tags',
          'Customer no': 'externalId',
        },
      }),
    })
  ).json();
  t0 = performance.now();
  const res = await fetch(`${contacts.url}/imports?mappingId=${mapping.id}`, {
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
    status = await (await fetch(`${contacts.url}/imports/${started.id}`, { headers: auth })).json();
    if (['completed', 'failed', 'cancelled'].includes(status.status)) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const importSeconds = (performance.now() - t0) / 1000;
  // The outbox relay publishing the contact.created events to JetStream, after the import's last commit.
  const db = new pg.Client({ connectionString: contactsDb });
  await db.connect();
  let relayedSeconds = null;
  for (let i = 0; i < 600; i++) {
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`);
    if (rows[0].n === 0) {
      relayedSeconds = (performance.now() - t0) / 1000;
      break;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const events = (await db.query(`SELECT count(*)::int AS n FROM outbox WHERE type = 'crm.contacts.contact.created'`))
    .rows[0].n;
  await db.end();
  const copyRate = opts.rows / copySeconds;
  const importRate = opts.rows / importSeconds;
  console.log(
    `contacts-import bench: ${opts.rows} contacts from one CSV, straight to the service (batches of ${opts.batch})`,
  );
  console.log(`  floor: COPY of the file into a bare table   ${fmt(copySeconds, 2)} s   ${fmt(copyRate, 0)} rows/s`);
  console.log(
    `  POST /imports (upload ${fmt(uploadSeconds, 1)} s, then the job)  ${fmt(importSeconds, 1)} s   ${fmt(importRate, 0)} rows/s   ` +
      `written ${status.written}, failed ${status.failed}, status ${status.status}`,
  );
  console.log(
    `  import / COPY rate = ${fmt((importRate / copyRate) * 100, 1)}% (target >= ${fmt(opts.target * 100, 0)}%)`,
  );
  console.log(`  1,000,000 contacts at this rate: ${fmt(1_000_000 / importRate, 0)} s (target < 60 s)`);
  console.log(
    `  ${events} contact.created events; all published to JetStream ` +
      (relayedSeconds === null ? 'not within 300 s' : `${fmt(relayedSeconds, 1)} s after the upload began`),
  );
  console.log(
    `  load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
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
