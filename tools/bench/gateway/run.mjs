// The gateway's cost: the same reads and writes straight to contacts and
// through the gateway, at equal concurrency, in one run.
// Load from wrk (apt-get install -y wrk).
//   node tools/bench/gateway/run.mjs [--seconds 5] [--c 32] [--rounds 4] [--no-build]
import { randomBytes } from 'node:crypto';
import {
  args,
  build,
  createDatabase,
  dropDatabase,
  startApp,
  devToken,
  load,
  fmt,
  runId,
  deleteStreams,
  NATS_URL,
} from '../lib/harness.mjs';
import { alternatingRounds } from '../lib/wrk.mjs';

const opts = args({ seconds: 5, c: 32, rounds: 4, build: true, target: 0.25 });
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
  const env = {
    NATS_URL,
    CRM_EVENT_NAMESPACE: namespace,
    AUTH_JWT_SECRET: secret,
    AUTH_ISSUER: 'crm-local',
    AUTH_AUDIENCE: 'crm',
  };
  const contacts = await startApp('contacts', { ...env, DATABASE_URL: contactsDb });
  apps.push(contacts);
  // The limit is per client and the bench is one client: lift it, so the figures measure forwarding.
  const gateway = await startApp('gateway', {
    ...env,
    DATABASE_URL: gatewayDb,
    CONTACTS_URL: contacts.url,
    RATE_LIMIT_PER_MINUTE: '1000000000',
    RATE_LIMIT_BURST: '1000000000',
    RATE_LIMIT_ADDRESS_PER_MINUTE: '1000000000',
    RATE_LIMIT_ADDRESS_BURST: '1000000000',
  });
  apps.push(gateway);
  const token = await devToken(secret);

  const ids = [];
  await load(200, 16, async (i) =>
    ids.push(JSON.parse(await send(`${contacts.url}/contacts`, token, 'POST', person('seed', i), 201)).id),
  );

  const read = ids[0];
  const cases = {
    readDirect: { url: contacts.url, method: 'GET', path: `/contacts/${read}` },
    readGateway: { url: gateway.url, method: 'GET', path: `/api/v1/contacts/${read}` },
    writeDirect: { url: contacts.url, method: 'POST', path: '/contacts' },
    writeGateway: { url: gateway.url, method: 'POST', path: '/api/v1/contacts' },
  };
  const s = await alternatingRounds(cases, {
    token,
    run: id,
    rounds: opts.rounds,
    seconds: opts.seconds,
    connections: opts.c,
  });
  const line = (label, r) =>
    `  ${label.padEnd(28)} ${fmt(r.rps, 0).padStart(6)} req/s   p50 ${fmt(r.p50).padStart(6)} ms   p99 ${fmt(r.p99).padStart(6)} ms`;
  const overhead = (label, direct, through) => {
    const cost = 1 - through.rps / direct.rps;
    return `  ${label.padEnd(6)} gateway throughput ${fmt((through.rps / direct.rps) * 100, 0)}% of direct (costs ${fmt(cost * 100, 0)}%, target <= ${fmt(opts.target * 100, 0)}%: ${cost <= opts.target ? 'MET' : 'MISSED'})   p50 +${fmt(through.p50 - direct.p50, 1)} ms`;
  };
  console.log(`gateway bench: wrk C=${opts.c}, ${opts.rounds} alternating rounds of ${opts.seconds} s per case`);
  console.log(line('GET /contacts/{id} direct', s.readDirect));
  console.log(line('GET via gateway', s.readGateway));
  console.log(line('POST /contacts direct', s.writeDirect));
  console.log(line('POST via gateway', s.writeGateway));
  console.log('overhead (gateway vs direct)');
  console.log(overhead('read', s.readDirect, s.readGateway));
  console.log(overhead('write', s.writeDirect, s.writeGateway));
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
