// Documents against floors measured in the same run on this machine:
//   1. upload throughput of 1 MB and 100 MB text files through the gateway
//      (POST /api/v1/documents/{id}/versions, streamed, hashed, sniffed, stored on local disk)
//      vs streaming the same bytes to a file on the same disk, flushed as it closes (the floor);
//   2. download throughput of the same files through the gateway vs reading the file back;
//   3. search p50/p99 over 100,000 indexed documents (seeded with generate_series, bounded),
//      through the service's HTTP API and the same SQL run directly on pg (the floor).
//   node tools/bench/documents/run.mjs [--small 20] [--large 3] [--docs 100000] [--queries 300] [--no-build]
//     [--no-uploads] [--no-search]
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { request } from 'undici';
import {
  args,
  build,
  createDatabase,
  dropDatabase,
  startApp,
  devToken,
  percentile,
  fmt,
  runId,
  deleteStreams,
  NATS_URL,
} from '../lib/harness.mjs';

const opts = args({ small: 20, large: 3, docs: 100_000, queries: 300, build: true, uploads: true, search: true });
const MB = 1024 * 1024;
const id = runId();
const namespace = `b${id}`;
const secret = randomBytes(32).toString('hex');
const names = { documents: `bench_documents_${id}`, gateway: `bench_documents_gw_${id}` };
const running = [];
const dirs = [];
const env = {
  NATS_URL,
  CRM_EVENT_NAMESPACE: namespace,
  AUTH_JWT_SECRET: secret,
  INTERNAL_TOKEN_SECRET: randomBytes(32).toString('hex'),
  AUTH_ISSUER: 'crm-local',
  AUTH_AUDIENCE: 'crm',
};

/** A text file of `size` bytes, distinct per `n` (so each upload is a new blob). */
function textFile(size, n) {
  const line = Buffer.from(`bench ${n} line of a long service report, nothing to find here.\n`);
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i += line.length) line.copy(out, i, 0, Math.min(line.length, size - i));
  return out;
}

function chunks(buffer) {
  return Readable.from(
    (function* () {
      for (let i = 0; i < buffer.length; i += MB) yield buffer.subarray(i, i + MB);
    })(),
  );
}

/**
 * Waits until no version waits for its text extraction: 1 MB text files are extracted and indexed
 * in the background (100 MB ones are past EXTRACT_MAX_BYTES), and that work must not run inside the
 * next phase's timing.
 */
async function extractionSettled(url) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    for (const deadline = Date.now() + 300_000; Date.now() < deadline; ) {
      const { rows } = await c.query(`SELECT count(*)::int AS n FROM document_versions WHERE text_status = 'pending'`);
      if (rows[0].n === 0) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('text extraction still pending after 300 s');
  } finally {
    await c.end();
  }
}

async function uploads(gw, token, size, count, settle) {
  const created = await fetch(`${gw}/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title: `bench ${size}`, type: 'report' }),
  });
  const doc = await created.json();
  const files = Array.from({ length: count }, (_, n) => textFile(size, `${size}-${n}-${id}`));
  const floorDir = await mkdtemp(join(tmpdir(), 'crm-bench-floor-'));
  dirs.push(floorDir);
  await settle();
  // Floor: the same bytes streamed to a file on the same disk, no HTTP, no hashing; flushed to the disk
  // as it closes (fsync), as the service's local store does before it commits a version.
  let t0 = performance.now();
  for (let n = 0; n < count; n++)
    await pipeline(chunks(files[n]), createWriteStream(join(floorDir, `f${n}`), { flush: true }));
  const floorUpload = (size * count) / MB / ((performance.now() - t0) / 1000);
  // The client sends a file of known length as Node streams (undici.request), as curl or a browser
  // would: fetch() with a stream body goes through web streams and measured itself, not the suite
  // (136 MB/s straight to documents where undici.request does 312).
  t0 = performance.now();
  for (let n = 0; n < count; n++) {
    const res = await request(`${gw}/documents/${doc.id}/versions?fileName=bench.txt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain', 'content-length': String(size) },
      body: chunks(files[n]),
    });
    if (res.statusCode !== 201) throw new Error(`upload answered ${res.statusCode}: ${await res.body.text()}`);
    const v = await res.body.json();
    if (v.sha256 !== createHash('sha256').update(files[n]).digest('hex')) throw new Error('sha-256 differs');
  }
  const upload = (size * count) / MB / ((performance.now() - t0) / 1000);
  await settle();
  // Downloads: the current version through the gateway vs the file read back.
  t0 = performance.now();
  for (let n = 0; n < count; n++) {
    let got = 0;
    for await (const c of createReadStream(join(floorDir, `f${n}`))) got += c.length;
    if (got !== size) throw new Error('floor read short');
  }
  const floorDownload = (size * count) / MB / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  for (let n = 0; n < count; n++) {
    const res = await request(`${gw}/documents/${doc.id}/content`, { headers: { authorization: `Bearer ${token}` } });
    let got = 0;
    for await (const c of res.body) got += c.length;
    if (got !== size) throw new Error(`download got ${got} of ${size}`);
  }
  const download = (size * count) / MB / ((performance.now() - t0) / 1000);
  return { upload, floorUpload, download, floorDownload };
}

/** 100,000 documents with a current version and its text, 60 words each from a 5,000-word vocabulary. */
async function seed(url, n) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(
    `INSERT INTO blobs (sha256, storage_key, size, ref_count) VALUES (repeat('0', 64), 'blobs/bench', 1, $1)`,
    [n],
  );
  const batch = 20_000;
  for (let from = 0; from < n; from += batch) {
    await c.query(
      `WITH g AS (
         SELECT i, gen_random_uuid() AS doc, gen_random_uuid() AS ver,
                /* correlated by the WHERE: one text per row */ (SELECT string_agg('w' || (1 + floor(random() * 5000))::int, ' ') FROM generate_series(1, 60) AS k WHERE k > i * 0) AS body
           FROM generate_series($1::int, $2::int) AS i),
       d AS (
         INSERT INTO documents (id, version, title, type, tags, language, created_by, created_at, updated_at,
                                current_version_id, version_count, last_version_number)
         SELECT doc, 1, 'bench document ' || i, 'report', '{}', 'english', 'bench', now(), now(), ver, 1, 1 FROM g),
       v AS (
         INSERT INTO document_versions (id, document_id, number, sha256, size, media_type, file_name, author_id,
                                        text_status, created_at)
         SELECT ver, doc, 1, repeat('0', 64), length(body), 'text/plain', 'bench.txt', 'bench', 'done', now() FROM g)
       INSERT INTO document_texts (version_id, content) SELECT ver, body FROM g`,
      [from, Math.min(from + batch, n) - 1],
    );
  }
  await c.query(`UPDATE documents d SET search_vector =
      setweight(to_tsvector('english', d.title), 'A') || setweight(to_tsvector('english', t.content), 'D')
     FROM document_texts t WHERE t.version_id = d.current_version_id`);
  await c.query('VACUUM ANALYZE documents');
  await c.end();
}

async function searches(service, token, dbUrl, count) {
  const words = () => `w${1 + Math.floor(Math.random() * 5000)}`;
  const queries = Array.from({ length: count }, (_, i) =>
    i % 3 === 0 ? words() : i % 3 === 1 ? `${words()} or ${words()}` : `${words()} -${words()}`,
  );
  const http = [];
  for (const q of queries) {
    const t0 = performance.now();
    const res = await fetch(`${service}/documents/search?q=${encodeURIComponent(q)}&limit=20`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await res.json();
    if (res.status !== 200) throw new Error(`search answered ${res.status}`);
    http.push(performance.now() - t0);
  }
  // Floor: the ranking query alone (one language, no snippets, no HTTP) on pg.
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  const floor = [];
  for (const q of queries) {
    const t0 = performance.now();
    await c.query(
      `SELECT id, ts_rank_cd(search_vector, websearch_to_tsquery('english', $1)) AS rank FROM documents
        WHERE search_vector @@ websearch_to_tsquery('english', $1) ORDER BY rank DESC, id DESC LIMIT 21`,
      [q],
    );
    floor.push(performance.now() - t0);
  }
  await c.end();
  return { http, floor };
}

async function main() {
  if (opts.build) build(['documents', 'gateway']);
  const storage = await mkdtemp(join(tmpdir(), 'crm-bench-documents-'));
  dirs.push(storage);
  const documentsDb = await createDatabase(names.documents);
  const documents = await startApp('documents', {
    ...env,
    DATABASE_URL: documentsDb,
    STORAGE_DIR: storage,
    DOCUMENT_MAX_BYTES: String(512 * MB),
  });
  running.push(documents);
  const gateway = await startApp('gateway', {
    ...env,
    DATABASE_URL: await createDatabase(names.gateway),
    DOCUMENTS_URL: documents.url,
    CONTACTS_URL: 'http://127.0.0.1:9',
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_BURST: '100000',
  });
  running.push(gateway);
  const token = await devToken(secret);
  const gw = `${gateway.url}/api/v1`;

  if (opts.uploads) {
    // Each timed phase starts with no extraction pending and no dirty pages left by the one before
    // (the floor's 300 MB written back to disk while the uploads run halved their rate).
    const settle = async () => {
      await extractionSettled(documentsDb);
      execFileSync('sync');
    };
    const small = await uploads(gw, token, MB, opts.small, settle);
    const large = await uploads(gw, token, 100 * MB, opts.large, settle);
    console.log('\nupload and download through the gateway vs the same bytes to/from local disk (MB/s)');
    for (const [label, r] of [
      ['1 MB', small],
      ['100 MB', large],
    ]) {
      console.log(
        `  ${label.padEnd(7)} upload ${fmt(r.upload)} vs ${fmt(r.floorUpload)} (${fmt((100 * r.upload) / r.floorUpload)}%)` +
          `   download ${fmt(r.download)} vs ${fmt(r.floorDownload)} (${fmt((100 * r.download) / r.floorDownload)}%)`,
      );
    }
    console.log(
      `  target: 100 MB upload >= 50% of the local copy: ${large.upload >= large.floorUpload / 2 ? 'met' : 'NOT met'}`,
    );
  }
  if (!opts.search) return;

  const t0 = performance.now();
  await seed(documentsDb, opts.docs);
  console.log(`\nseeded ${opts.docs} documents in ${fmt((performance.now() - t0) / 1000)} s`);
  const s = await searches(documents.url, token, documentsDb, opts.queries);
  console.log(`search over ${opts.docs} documents, ${opts.queries} queries (one word, a or b, a -b), one at a time:`);
  console.log(`  service HTTP  p50 ${fmt(percentile(s.http, 50))} ms  p99 ${fmt(percentile(s.http, 99))} ms`);
  console.log(`  pg floor      p50 ${fmt(percentile(s.floor, 50))} ms  p99 ${fmt(percentile(s.floor, 99))} ms`);
  console.log(`  target: p99 < 100 ms: ${percentile(s.http, 99) < 100 ? 'met' : 'NOT met'}`);
}

try {
  await main();
} finally {
  for (const p of running.reverse()) await p.stop();
  for (const name of Object.values(names)) await dropDatabase(name).catch(() => undefined);
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  await deleteStreams(namespace).catch(() => undefined);
}
