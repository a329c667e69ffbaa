// The gateway's cost: the same reads and writes straight to contacts and
// through the gateway, at equal concurrency, in one run.
//   node tools/bench/gateway/run.mjs --n 5000 --c 32 [--rounds 4] [--no-build]
import { randomBytes } from 'node:crypto';
import {
  args, build, createDatabase, dropDatabase, startApp, devToken, load, percentile, fmt, runId, deleteStreams, NATS_URL,
} from '../lib/harness.mjs';

const opts = args({ n: 5000, c: 32, warmup: 300, rounds: 4, build: true });
const id = runId();
const namespace = `b${id}`;
const secret = randomBytes(32).toString('hex');
const names = { contacts: `bench_gw_contacts_${id}`, gateway: `bench_gw_gateway_${id}` };
const apps = [];

function person(tag, i) {
  return {
    firstName: `Grace${i}`,
    lastName: `Hopper${id}`,
    emails: [{ address: `grace.${id}.${tag}.${i}@example.com`, primary: true }],
    lifecycleStage: ['lead', 'prospect', 'customer'][i % 3],
    country: ['FR', 'DE', 'ES', 'IT', 'GB'][i % 5],
    source: { channel: ['web', 'referral', 'social', 'event'][i % 4] },
  };
}

async function send(url, token, method, body, expected) {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status !== expected) throw new Error(`${method} ${url} gave ${res.status}: ${text}`);
  return text;
}

async function main() {
  if (opts.build) build(['contacts', 'gateway']);
  const contactsDb = await createDatabase(names.contacts);
  const gatewayDb = await createDatabase(names.gateway);
  const env = { NATS_URL, CRM_EVENT_NAMESPACE: namespace, AUTH_JWT_SECRET: secret, AUTH_ISSUER: 'crm-local', AUTH_AUDIENCE: 'crm' };
  const contacts = await startApp('contacts', { ...env, DATABASE_URL: contactsDb });
  apps.push(contacts);
  // The limit is per client and the bench is one client: lift it, so the figures measure forwarding.
  const gateway = await startApp('gateway', {
    ...env,
    DATABASE_URL: gatewayDb,
    CONTACTS_URL: contacts.url,
    RATE_LIMIT_PER_MINUTE: '1000000000',
    RATE_LIMIT_BURST: '1000000000',
  });
  apps.push(gateway);
  const token = await devToken(secret);

  const ids = [];
  await load(200, 16, async (i) => ids.push(JSON.parse(await send(`${contacts.url}/contacts`, token, 'POST', person('seed', i), 201)).id));

  const targets = {
    direct: { read: (i) => `${contacts.url}/contacts/${ids[i % ids.length]}`, write: `${contacts.url}/contacts` },
    gateway: { read: (i) => `${gateway.url}/api/v1/contacts/${ids[i % ids.length]}`, write: `${gateway.url}/api/v1/contacts` },
  };
  const results = {};
  for (const [name, t] of Object.entries(targets)) {
    await load(opts.warmup, opts.c, (i) => send(t.read(i), token, 'GET', undefined, 200));
    await load(opts.warmup, opts.c, (i) => send(t.write, token, 'POST', person(`${name}-warm`, i), 201));
  }
  // Short rounds in alternating order, so a busy moment on the machine lands on both sides alike.
  const runs = {
    readDirect: (i) => send(targets.direct.read(i), token, 'GET', undefined, 200),
    readGateway: (i) => send(targets.gateway.read(i), token, 'GET', undefined, 200),
    writeDirect: (i) => send(targets.direct.write, token, 'POST', person('direct', i), 201),
    writeGateway: (i) => send(targets.gateway.write, token, 'POST', person('gateway', i), 201),
  };
  for (const name of Object.keys(runs)) results[name] = { latencies: [], seconds: 0 };
  const perRound = Math.ceil(opts.n / opts.rounds);
  for (let r = 0; r < opts.rounds; r++) {
    const order = r % 2 === 0 ? ['readDirect', 'readGateway', 'writeDirect', 'writeGateway'] : ['readGateway', 'readDirect', 'writeGateway', 'writeDirect'];
    for (const name of order) {
      const offset = r * perRound;
      const round = await load(perRound, opts.c, (i) => runs[name](offset + i));
      results[name].latencies.push(...round.latencies);
      results[name].seconds += round.seconds;
    }
  }
  for (const r of Object.values(results)) r.throughput = r.latencies.length / r.seconds;

  const line = (label, r) =>
    `  ${label.padEnd(28)} ${fmt(r.throughput, 0).padStart(6)} req/s   p50 ${fmt(percentile(r.latencies, 50)).padStart(6)} ms   p99 ${fmt(percentile(r.latencies, 99)).padStart(6)} ms`;
  const ratio = (label, direct, through) =>
    `  ${label.padEnd(28)} throughput direct/gateway ${fmt(direct.throughput / through.throughput, 2)}x   p50 gateway/direct ${fmt(percentile(through.latencies, 50) / percentile(direct.latencies, 50), 2)}x (${fmt(percentile(through.latencies, 50) - percentile(direct.latencies, 50), 1)} ms)   p99 ${fmt(percentile(through.latencies, 99) / percentile(direct.latencies, 99), 2)}x`;
  console.log(`gateway bench: N=${perRound * opts.rounds} per case in ${opts.rounds} alternating rounds, C=${opts.c}, warmup ${opts.warmup}`);
  console.log(line('GET /contacts/{id} direct', results.readDirect));
  console.log(line('GET via gateway', results.readGateway));
  console.log(line('POST /contacts direct', results.writeDirect));
  console.log(line('POST via gateway', results.writeGateway));
  console.log('overhead (gateway vs direct)');
  console.log(ratio('read', results.readDirect, results.readGateway));
  console.log(ratio('write', results.writeDirect, results.writeGateway));
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    for (const name of Object.values(names)) await dropDatabase(name).catch(() => undefined);
    await deleteStreams(namespace).catch(() => undefined);
  });
