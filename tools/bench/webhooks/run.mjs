// Webhooks: events published to a service's stream, delivered by the gateway to a local HTTP
// receiver, against a floor measured in the same run: a bare JetStream consumer POSTing the same
// events to the same receiver (tools/bench/webhooks/floor-relay.mjs).
// Figures: delivered events/s and the lag from publish (the JetStream ack of the producer's relay,
// which follows the producer's commit) to the receiver, p50/p99, and the CPU (user + system) each
// process used per event while it ran (less dependent on the machine's load than latencies).
// Stages (from the deliveries table, before the database is dropped): event time to the delivery
// row (intake), and row to its recorded delivery (dispatch).
//   node tools/bench/webhooks/run.mjs [--rate 500] [--seconds 10] [--subjects 500] [--no-build]
//     [--cpu-prof DIR]  (the gateway writes a V8 CPU profile there on exit)
// Target: p99 < 500 ms at 500 events/s.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { connect } from 'nats';
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
  WORKSPACE,
} from '../lib/harness.mjs';

const opts = args({ rate: 500, seconds: 10, subjects: 500, build: true, target: 500, 'cpu-prof': '' });
const id = runId();
const namespace = `w${id}`;
const secret = randomBytes(32).toString('hex');
const running = [];

/** CPU seconds (user + system) a process has used so far, from /proc (Linux; NaN elsewhere). */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return NaN;
  }
}

/** CPU seconds of each Postgres backend serving the database, by pid. */
async function backendsCpu(databaseUrl) {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    return new Map(rows.map((r) => [r.pid, cpuSeconds(r.pid)]));
  } finally {
    await c.end();
  }
}

/** A receiver that records when each event arrived. */
async function receiver() {
  const arrived = new Map();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (!arrived.has(event.id)) arrived.set(event.id, performance.now());
      res.writeHead(200).end('ok');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { arrived, port: server.address().port, close: () => new Promise((r) => server.close(r)) };
}

/** Publishes `rate` events a second for `seconds` onto the stream's subject; returns publish times by id. */
async function publishLoad(js, subject) {
  const sent = new Map();
  const total = opts.rate * opts.seconds;
  const started = performance.now();
  const pending = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / opts.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const event = {
      specversion: '1.0',
      id: randomUUID(),
      source: 'crm/sales',
      type: 'crm.sales.order.placed',
      subject: `order-${i % opts.subjects}`,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      version: Math.floor(i / opts.subjects) + 1,
      data: { channel: 'web', total: 1000 + i, currency: 'EUR' },
    };
    const t = performance.now();
    pending.push(js.publish(subject, JSON.stringify(event), { msgID: event.id }).then(() => sent.set(event.id, t)));
    if (pending.length >= 256) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  return sent;
}

async function waitAll(arrived, sent, label) {
  const deadline = Date.now() + 120_000;
  while ([...sent.keys()].some((k) => !arrived.has(k))) {
    if (Date.now() > deadline) throw new Error(`${label}: ${arrived.size} of ${sent.size} delivered in 2 minutes`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function figures(sent, arrived) {
  const lags = [...sent].map(([k, t]) => arrived.get(k) - t);
  const first = Math.min(...sent.values());
  const last = Math.max(...[...sent.keys()].map((k) => arrived.get(k)));
  return {
    n: lags.length,
    rps: lags.length / ((last - first) / 1000),
    p50: percentile(lags, 50),
    p99: percentile(lags, 99),
  };
}

/** Per-stage lags from the deliveries table (times from the event's `time` and Postgres' clock, same machine). */
async function stageLags(databaseUrl) {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query(
      `SELECT EXTRACT(EPOCH FROM created_at - (event->>'time')::timestamptz) * 1000 AS intake,
              EXTRACT(EPOCH FROM delivered_at - created_at) * 1000 AS dispatch,
              last_latency_ms AS attempt
         FROM webhook_deliveries WHERE status = 'delivered'`,
    );
    const of = (k) => {
      const v = rows.map((r) => Number(r[k]));
      return { p50: percentile(v, 50), p99: percentile(v, 99) };
    };
    return { intake: of('intake'), dispatch: of('dispatch'), attempt: of('attempt') };
  } finally {
    await c.end();
  }
}

async function main() {
  if (opts.build) build(['gateway']);
  const nc = await connect({ servers: NATS_URL });
  const js = nc.jetstream();

  // Floor: the bare consumer, on a stream of its own.
  const floorRx = await receiver();
  const floorStream = `${namespace.toUpperCase()}_FLOOR`;
  const floor = spawn(process.execPath, [join(WORKSPACE, 'tools/bench/webhooks/floor-relay.mjs')], {
    env: {
      ...process.env,
      STREAM: floorStream,
      SUBJECTS: `${namespace}.floor.>`,
      TARGET_URL: `http://127.0.0.1:${floorRx.port}/hook`,
      NATS_URL,
      CONCURRENCY: '32',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running.push({ stop: async () => floor.kill('SIGTERM') });
  await new Promise((r) => floor.stdout.once('data', r));
  const floorCpu = cpuSeconds(floor.pid);
  const floorSent = await publishLoad(js, `${namespace}.floor.crm.sales.order.placed`);
  await waitAll(floorRx.arrived, floorSent, 'floor');
  const f = { ...figures(floorSent, floorRx.arrived), cpu: cpuSeconds(floor.pid) - floorCpu };

  // The gateway.
  const rx = await receiver();
  const dbName = `bench_webhooks_${id}`;
  const databaseUrl = await createDatabase(dbName);
  const gateway = await startApp('gateway', {
    DATABASE_URL: databaseUrl,
    NATS_URL,
    CRM_EVENT_NAMESPACE: namespace,
    AUTH_JWT_SECRET: secret,
    WEBHOOK_STREAMS: 'sales',
    WEBHOOK_ALLOWED_TARGETS: `127.0.0.1:${rx.port}`,
    WEBHOOK_ALLOW_HTTP: 'true',
    ...(opts['cpu-prof'] ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${opts['cpu-prof']}` } : {}),
  });
  running.push(gateway);
  const token = await devToken(secret);
  const res = await fetch(`${gateway.url}/api/v1/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: `http://127.0.0.1:${rx.port}/hook`, events: ['crm.sales.order.*'] }),
  });
  if (res.status !== 201) throw new Error(`subscribing failed: ${res.status} ${await res.text()}`);
  const gatewayCpu = cpuSeconds(gateway.pid);
  const dbCpu = await backendsCpu(databaseUrl);
  const sent = await publishLoad(js, `${namespace}.crm.sales.order.placed`);
  await waitAll(rx.arrived, sent, 'gateway');
  const g = { ...figures(sent, rx.arrived), cpu: cpuSeconds(gateway.pid) - gatewayCpu };
  let pgCpu = 0;
  for (const [pid, now] of await backendsCpu(databaseUrl)) pgCpu += now - (dbCpu.get(pid) ?? 0);
  const stages = await stageLags(databaseUrl);

  const row = (label, r) =>
    `  ${label.padEnd(40)} ${fmt(r.rps, 0).padStart(6)} events/s   p50 ${fmt(r.p50).padStart(7)} ms   p99 ${fmt(r.p99).padStart(7)} ms` +
    `   CPU ${fmt((r.cpu * 1000) / r.n, 2)} ms/event`;
  console.log(`webhooks bench: ${opts.rate} events/s for ${opts.seconds} s over ${opts.subjects} subjects`);
  console.log(row('floor (bare JetStream consumer -> POST)', f));
  console.log(row('gateway webhooks (inbox, queue, sign, POST)', g));
  console.log(
    `  gateway p99 ${fmt(g.p99)} ms (target < ${opts.target} ms at ${opts.rate} events/s: ${g.p99 < opts.target ? 'MET' : 'MISSED'}); ` +
      `p99 vs floor ${fmt(g.p99 / f.p99, 1)}x, throughput ${fmt((g.rps / f.rps) * 100, 0)}% of the floor`,
  );
  console.log(`  Postgres backends of the gateway's database: CPU ${fmt((pgCpu * 1000) / g.n, 2)} ms/event`);
  console.log(
    `  stages: intake (event time -> delivery row) p50 ${fmt(stages.intake.p50)} p99 ${fmt(stages.intake.p99)} ms; ` +
      `dispatch (row -> delivered) p50 ${fmt(stages.dispatch.p50)} p99 ${fmt(stages.dispatch.p99)} ms; ` +
      `of which the POST (as the gateway timed it) p50 ${fmt(stages.attempt.p50)} p99 ${fmt(stages.attempt.p99)} ms`,
  );
  await nc.close();
  await floorRx.close();
  await rx.close();
  for (const r of running.splice(0).reverse()) await r.stop();
  await dropDatabase(dbName);
  await deleteStreams(namespace);
}

main().catch(async (error) => {
  console.error(error);
  for (const r of running.reverse()) await r.stop().catch(() => undefined);
  await deleteStreams(namespace).catch(() => undefined);
  process.exit(1);
});
