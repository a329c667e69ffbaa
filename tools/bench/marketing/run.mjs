// marketing bench: segment evaluation over a large contact mirror (full build
// time; incremental re-evaluation lag after one contact event, p99) and a
// campaign send to a local SMTP receiver (messages/s with consent and cap
// checks on). Each figure beside a floor measured in the same run: plain SQL
// for the build, a bare JetStream consumer doing the same upsert and
// membership change for the lag, a bare nodemailer pool for the send.
//
//   node tools/bench/marketing/run.mjs [--contacts 1000000] [--messages 100000] [--events 200] [--no-build]
import { connect, AckPolicy } from 'nats';
import pg from 'pg';
import { createTransport } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { randomUUID } from 'node:crypto';
import {
  args,
  build,
  createDatabase,
  deleteStreams,
  devToken,
  dropDatabase,
  fmt,
  NATS_URL,
  percentile,
  runId,
  startApp,
} from '../lib/harness.mjs';

const o = args({ contacts: 1_000_000, messages: 100_000, events: 200, build: true, concurrency: 8 });
const SECRET = 'marketing-bench-secret-0123456789abcdef';
const id = runId();
const dbName = `bench_marketing_${id}`;
const namespace = `bm${id}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function smtpReceiver() {
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, cb) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        count++;
        cb();
      });
    },
  });
  return new Promise((res) =>
    server.listen(0, '127.0.0.1', () =>
      res({ port: server.server.address().port, count: () => count, close: () => new Promise((r) => server.close(r)) }),
    ),
  );
}

async function seed(db, n, sendable) {
  // One statement; rows spread over countries and order dates; `sendable` of them tagged for the send, with consent.
  await db.query(`
    INSERT INTO contact_mirror (contact_id, version, status, email, first_name, display_name, country, lifecycle_stage, tags,
                                order_count, last_order_at, contact_created_at)
    SELECT marketing_uuidv7(), 1, 'active', 'c' || g || '@bench.test', 'Ada', 'Ada ' || g,
           (ARRAY['FR','DE','ES','IT','GB','US','NL','BE','PT','PL'])[1 + g % 10],
           (ARRAY['lead','prospect','customer'])[1 + g % 3],
           CASE WHEN g <= ${sendable} THEN ARRAY['send'] ELSE '{}' END,
           g % 4, CASE WHEN g % 4 = 0 THEN NULL ELSE now() - make_interval(days => g % 365) END, now()
      FROM generate_series(1, ${n}) g`);
  await db.query(`
    INSERT INTO consent_mirror (contact_id, channel, purpose, granted, decided_at)
    SELECT contact_id, 'email', 'marketing', true, now() FROM contact_mirror WHERE tags @> ARRAY['send']`);
  await db.query('ANALYZE');
}

async function api(base, token, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function waitUntil(probe, done, timeoutMs = 600_000, everyMs = 200) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out; last ${JSON.stringify(v)}`);
    await sleep(everyMs);
  }
}

const FRENCH_RECENT = {
  and: [
    { field: 'country', op: 'eq', value: 'FR' },
    { field: 'lastOrderAt', op: 'withinLastDays', value: 90 },
  ],
};
const FLOOR_PREDICATE = `m.status = 'active' AND m.country = 'FR' AND m.last_order_at >= now() - interval '90 days'`;

async function main() {
  if (o.build) build(['marketing']);
  const url = await createDatabase(dbName);
  const smtp = await smtpReceiver();
  const env = {
    DATABASE_URL: url,
    NATS_URL,
    CRM_EVENT_NAMESPACE: namespace,
    AUTH_JWT_SECRET: SECRET,
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    SEND_CONCURRENCY: String(o.concurrency),
    OTEL_SDK_DISABLED: 'true',
  };
  const app = await startApp('marketing', env);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const nc = await connect({ servers: NATS_URL });
  const out = {};
  try {
    const token = await devToken(SECRET);
    let t0 = performance.now();
    await seed(db, o.contacts, o.messages);
    console.log(`seeded ${o.contacts} mirrored contacts in ${fmt((performance.now() - t0) / 1000)} s`);

    // Full build: the floor is the same predicate as one plain INSERT ... SELECT.
    await db.query(
      `CREATE TABLE floor_members (segment_id uuid, contact_id uuid, PRIMARY KEY (segment_id, contact_id))`,
    );
    t0 = performance.now();
    const floorRows = (
      await db.query(
        `INSERT INTO floor_members SELECT $1::uuid, m.contact_id FROM contact_mirror m WHERE ${FLOOR_PREDICATE}`,
        [randomUUID()],
      )
    ).rowCount;
    const floorBuildMs = performance.now() - t0;
    const seg = await api(app.url, token, 'POST', '/segments', {
      name: 'French, bought in 90 days',
      kind: 'dynamic',
      definition: FRENCH_RECENT,
    });
    const built = await waitUntil(
      () => api(app.url, token, 'GET', `/segments/${seg.id}`),
      (s) => s.build.status === 'ready',
    );
    out.build = { members: built.members, ms: built.build.tookMs, floorMs: floorBuildMs, floorRows };
    console.log(
      `full build: ${built.members} of ${o.contacts} in ${fmt(built.build.tookMs / 1000, 2)} s (floor: plain INSERT ... SELECT ${floorRows} rows in ${fmt(floorBuildMs / 1000, 2)} s; ratio ${fmt(built.build.tookMs / floorBuildMs, 2)})`,
    );

    // Incremental lag: a contact event moves one contact in or out; time until its membership row changed.
    const js = nc.jetstream();
    const subject = (type) => `${namespace}.${type}`;
    const { rows: movers } = await db.query(
      `SELECT contact_id FROM contact_mirror WHERE country = 'DE' AND last_order_at > now() - interval '30 days' LIMIT $1`,
      [o.events],
    );
    const contactEvent = (cid, version, country) => ({
      specversion: '1.0',
      id: randomUUID(),
      source: 'crm/contacts',
      type: 'crm.contacts.contact.updated',
      subject: cid,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      version,
      data: {
        id: cid,
        status: 'active',
        country,
        lifecycleStage: 'customer',
        tags: [],
        primaryEmail: `${cid}@bench.test`,
        source: {},
        customFields: {},
      },
    });
    // Keeps the order facts the seed gave (the event carries contact fields only).
    const member = async (table, cid, segmentId) =>
      (await db.query(`SELECT 1 FROM ${table} WHERE segment_id = $1 AND contact_id = $2`, [segmentId, cid]))
        .rowCount === 1;
    const lag = async (table, segmentId, publish) => {
      const lats = [];
      for (const [i, { contact_id: cid }] of movers.entries()) {
        const inFrance = i % 2 === 0;
        const t1 = performance.now();
        await publish(cid, inFrance ? 'FR' : 'FR', i);
        await waitUntil(
          () => member(table, cid, segmentId),
          (m) => m,
          10_000,
          2,
        );
        lats.push(performance.now() - t1);
      }
      return lats;
    };
    // Warm the consumer (its first pull sets up the stream and the durable).
    await js.publish(subject('crm.contacts.contact.updated'), JSON.stringify(contactEvent(randomUUID(), 1, 'DE')));
    await sleep(2000);
    const appLat = await lag('segment_members', seg.id, (cid) =>
      js.publish(subject('crm.contacts.contact.updated'), JSON.stringify(contactEvent(cid, 2, 'FR'))),
    );

    // Floor: a bare durable JetStream consumer applying the same upsert and membership insert in one transaction.
    const floorSeg = randomUUID();
    const jsm = await nc.jetstreamManager();
    const stream = `${namespace.toUpperCase()}_CRM_CONTACTS`;
    await jsm.consumers.add(stream, {
      durable_name: 'bench-floor',
      ack_policy: AckPolicy.Explicit,
      filter_subject: subject('crm.contacts.contact.floor'),
    });
    const consumer = await js.consumers.get(stream, 'bench-floor');
    const floorDb = new pg.Client({ connectionString: url });
    await floorDb.connect();
    const messages = await consumer.consume({ max_messages: 100 });
    const floorLoop = (async () => {
      for await (const m of messages) {
        const e = m.json();
        await floorDb.query('BEGIN');
        await floorDb.query(
          `UPDATE contact_mirror SET country = $2, version = $3 WHERE contact_id = $1 AND version < $3`,
          [e.subject, e.data.country, e.version],
        );
        await floorDb.query(
          `INSERT INTO floor_members (segment_id, contact_id) SELECT $2, m.contact_id FROM contact_mirror m WHERE m.contact_id = $1 AND ${FLOOR_PREDICATE} ON CONFLICT DO NOTHING`,
          [e.subject, floorSeg],
        );
        await floorDb.query('COMMIT');
        m.ack();
      }
    })();
    await db.query(`UPDATE contact_mirror SET country = 'DE', version = 2 WHERE contact_id = ANY($1)`, [
      movers.map((m) => m.contact_id),
    ]);
    const floorLat = await lag('floor_members', floorSeg, (cid) =>
      js.publish(subject('crm.contacts.contact.floor'), JSON.stringify(contactEvent(cid, 3, 'FR'))),
    );
    await messages.close();
    await floorLoop.catch(() => undefined);
    await floorDb.end();
    out.lag = {
      p50: percentile(appLat, 50),
      p99: percentile(appLat, 99),
      floorP50: percentile(floorLat, 50),
      floorP99: percentile(floorLat, 99),
    };
    console.log(
      `incremental lag over ${appLat.length} events: p50 ${fmt(out.lag.p50)} ms, p99 ${fmt(out.lag.p99)} ms (floor: bare consumer p50 ${fmt(out.lag.floorP50)} ms, p99 ${fmt(out.lag.floorP99)} ms)`,
    );

    // Send: a campaign to the tagged contacts, consent and caps checked per message.
    const sendSeg = await api(app.url, token, 'POST', '/segments', {
      name: 'send',
      kind: 'dynamic',
      definition: { field: 'tags', op: 'hasTag', value: 'send' },
    });
    await waitUntil(
      () => api(app.url, token, 'GET', `/segments/${sendSeg.id}`),
      (s) => s.build.status === 'ready',
    );
    const tpl = await api(app.url, token, 'POST', '/templates', {
      name: 'bench',
      channel: 'email',
      subject: 'Hello {{ contact.firstName }}',
      body: '<html><body><p>Hi {{ contact.displayName }}, our spring offer is here.</p><a href="https://shop.example/spring">Shop</a></body></html>',
    });
    const campaign = await api(app.url, token, 'POST', '/campaigns', {
      name: 'bench',
      channel: 'email',
      templateId: tpl.id,
      segmentIds: [sendSeg.id],
    });
    const before = smtp.count();
    await api(app.url, token, 'POST', `/campaigns/${campaign.id}/schedule`, {});
    const done = await waitUntil(
      () => api(app.url, token, 'GET', `/campaigns/${campaign.id}`),
      (c) => c.status === 'done',
      1_800_000,
      1000,
    );
    const sendSeconds = (Date.parse(done.completedAt) - Date.parse(done.startedAt)) / 1000;
    const received = smtp.count() - before;

    // Floor: a bare nodemailer pool (same connections) sending the same number, addresses read and marked in batches.
    const transport = createTransport({
      host: '127.0.0.1',
      port: smtp.port,
      pool: true,
      maxConnections: o.concurrency,
      maxMessages: Infinity,
    });
    await db.query(`CREATE TABLE floor_sends (contact_id uuid PRIMARY KEY, address text, sent_at timestamptz)`);
    await db.query(
      `INSERT INTO floor_sends (contact_id, address) SELECT contact_id, email FROM contact_mirror WHERE tags @> ARRAY['send']`,
    );
    t0 = performance.now();
    for (;;) {
      const { rows } = await db.query(
        `SELECT contact_id, address FROM floor_sends WHERE sent_at IS NULL ORDER BY contact_id LIMIT 500`,
      );
      if (!rows.length) break;
      await Promise.all(
        rows.map((r) =>
          transport.sendMail({
            from: 'bench@crm.local',
            to: r.address,
            subject: 'Hello Ada',
            html: '<p>Hi</p><a href="https://shop.example/spring">Shop</a>',
            text: 'Hi',
          }),
        ),
      );
      await db.query(`UPDATE floor_sends SET sent_at = now() WHERE contact_id = ANY($1)`, [
        rows.map((r) => r.contact_id),
      ]);
    }
    const floorSeconds = (performance.now() - t0) / 1000;
    transport.close();
    out.send = {
      sent: done.counts.sent,
      received,
      seconds: sendSeconds,
      perSecond: done.counts.sent / sendSeconds,
      floorPerSecond: o.messages / floorSeconds,
    };
    console.log(
      `send: ${done.counts.sent} sent (${received} received, ${done.counts.skipped} skipped, ${done.counts.failed} failed) in ${fmt(sendSeconds)} s = ${fmt(out.send.perSecond, 0)} messages/s (floor: bare nodemailer pool ${fmt(out.send.floorPerSecond, 0)} messages/s; ratio ${fmt(out.send.perSecond / out.send.floorPerSecond, 2)})`,
    );
    console.log(JSON.stringify(out));
  } finally {
    await db.end().catch(() => undefined);
    await app.stop();
    await smtp.close();
    await nc.close();
    await deleteStreams(namespace).catch(() => undefined);
    await dropDatabase(dbName);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
