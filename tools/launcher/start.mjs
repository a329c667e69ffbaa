// `npm start`: checks (or starts) Postgres and NATS, builds the apps, creates
// and migrates each service's database, starts every app, waits until each is
// ready and prints where to go and a dev token. Ctrl-C stops everything.
//   node tools/launcher/start.mjs [--no-build] [--only contacts,analytics] [--check-only]
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICES, gatewayEnv } from './services.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1].split(',') : null;
const PGHOST = process.env.PGHOST ?? '127.0.0.1';
const PGPORT = Number(process.env.PGPORT ?? 5432);
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const RUN = join(ROOT, '.run');
const say = (msg) => console.log(`\x1b[1m[launcher]\x1b[0m ${msg}`);
const fail = (msg) => {
  console.error(`\x1b[31m[launcher]\x1b[0m ${msg}`);
  process.exit(1);
};

function portOpen(port, host = '127.0.0.1') {
  return new Promise((res) => {
    const s = tcpConnect(port, host);
    s.once('connect', () => (s.destroy(), res(true)));
    s.once('error', () => res(false));
  });
}

async function waitPort(port, host, seconds) {
  for (let i = 0; i < seconds * 4; i++) {
    if (await portOpen(port, host)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

async function ensurePostgres() {
  if (await portOpen(PGPORT, PGHOST)) return;
  const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
  if (!versions.length) {
    fail(`PostgreSQL is not reachable at ${PGHOST}:${PGPORT} and not installed here.
  Install it:   apt-get install -y postgresql      (or: docker compose up -d postgres nats)`);
  }
  say(`starting PostgreSQL ${versions.sort().at(-1)}`);
  spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', versions.sort().at(-1), 'main', 'start'], { stdio: 'inherit' });
  if (!(await waitPort(PGPORT, PGHOST, 30))) fail('PostgreSQL did not start; see /var/log/postgresql/');
}

async function ensureNats() {
  const url = new URL(NATS_URL);
  const port = Number(url.port || 4222);
  if (!(await portOpen(port, url.hostname))) {
    if (!existsSync('/usr/sbin/nats-server')) {
      fail(`NATS is not reachable at ${NATS_URL} and not installed here.
  Install it:   apt-get install -y nats-server      (or: docker compose up -d postgres nats)`);
    }
    say('starting NATS with JetStream');
    mkdirSync('/var/lib/nats-server', { recursive: true });
    spawnSync('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', '/usr/sbin/nats-server', '--',
      '-a', '127.0.0.1', '-p', String(port), '-js', '-sd', '/var/lib/nats-server', '-l', '/var/log/nats-server.log'], { stdio: 'inherit' });
    if (!(await waitPort(port, url.hostname, 15))) fail('NATS did not start; see /var/log/nats-server.log');
  }
  const { connect } = await import('nats');
  const nc = await connect({ servers: NATS_URL, timeout: 5000 });
  try {
    await (await nc.jetstreamManager()).getAccountInfo();
  } catch {
    fail(`NATS at ${NATS_URL} runs without JetStream; restart it with -js`);
  } finally {
    await nc.close();
  }
}

function databaseUrl(db) {
  return `postgres://${process.env.PGUSER ?? 'postgres'}@${PGHOST}:${PGPORT}/${db}`;
}

function secret() {
  mkdirSync(RUN, { recursive: true });
  const file = join(RUN, 'secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

async function devToken(key) {
  const { SignJWT } = await import('jose');
  return new SignJWT({ roles: ['admin'], name: 'Local admin' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('dev-admin')
    .setIssuer('crm-local')
    .setAudience('crm')
    .setIssuedAt()
    .setExpirationTime('12h')
    .sign(new TextEncoder().encode(key));
}

const children = [];
let stopping = false;

function startApp(svc, env) {
  mkdirSync(join(RUN, 'logs'), { recursive: true });
  const log = createWriteStream(join(RUN, 'logs', `${svc.name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, [join(ROOT, 'dist/apps', svc.name, 'main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `\x1b[36m[${svc.name}]\x1b[0m `;
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.on('data', (d) => {
      log.write(d);
      const lines = (rest + d).split('\n');
      rest = lines.pop();
      for (const line of lines) process.stdout.write(prefix + line + '\n');
    });
  }
  child.on('exit', (code, signal) => {
    if (!stopping) say(`${svc.name} exited (${signal ?? code}); its log: .run/logs/${svc.name}.log`);
  });
  children.push({ svc, child });
}

async function waitReady(svc) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${svc.port}/health/ready`).catch(() => undefined);
    if (res?.ok) return;
    const entry = children.find((c) => c.svc === svc);
    if (entry?.child.exitCode !== null || Date.now() > deadline) {
      const logFile = join(RUN, 'logs', `${svc.name}.log`);
      const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
      fail(`${svc.name} did not become ready${res ? ` (${res.status}: ${await res.text()})` : ''}\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function stopAll() {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise((res) => {
          if (child.exitCode !== null) return res();
          const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => (clearTimeout(t), res()));
          child.kill('SIGTERM');
        }),
    ),
  );
  process.exit(0);
}

async function main() {
  if (!existsSync(join(ROOT, 'node_modules'))) {
    say('installing dependencies (npm ci)');
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' });
  }
  await ensurePostgres();
  await ensureNats();
  say(`PostgreSQL at ${PGHOST}:${PGPORT} and NATS (JetStream) at ${NATS_URL} are up`);
  const services = SERVICES.filter((s) => !only || only.includes(s.name));
  if (flag('build') || !flag('no-build')) {
    say(`building ${services.map((s) => s.name).join(', ')}`);
    execFileSync('npx', ['nx', 'run-many', '-t', 'build', '-p', services.map((s) => s.name).join(','), '--parallel=2', '--outputStyle=static'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, NX_DAEMON: 'false' },
    });
  }
  const key = process.env.AUTH_JWT_SECRET ?? secret();
  const base = { ...process.env, NATS_URL, AUTH_JWT_SECRET: key, AUTH_ISSUER: 'crm-local', AUTH_AUDIENCE: 'crm', ...gatewayEnv() };
  const runnable = services.filter((s) => {
    const ok = existsSync(join(ROOT, 'dist/apps', s.name, 'main.js'));
    if (!ok) say(`skipping ${s.name}: dist/apps/${s.name}/main.js is missing (build failed or not built)`);
    return ok;
  });
  for (const svc of runnable) {
    say(`migrating ${svc.database}`);
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/apps', svc.name, 'main.js'), 'migrate'], {
      env: { ...base, DATABASE_URL: databaseUrl(svc.database), LOG_LEVEL: 'warn' },
      stdio: 'inherit',
    });
    if (r.status !== 0) fail(`migrating ${svc.name} failed`);
  }
  if (flag('check-only')) return say('check done: services reachable, databases migrated');
  process.on('SIGINT', stopAll);
  process.on('SIGTERM', stopAll);
  for (const svc of runnable) startApp(svc, { ...base, PORT: String(svc.port), DATABASE_URL: databaseUrl(svc.database) });
  await Promise.all(runnable.map(waitReady));
  const token = await devToken(key);
  const gw = runnable.find((s) => s.gateway);
  console.log(`
\x1b[1mCRM suite is running.\x1b[0m
${gw ? `  Gateway:   http://localhost:${gw.port}/api/v1/contacts   API docs: http://localhost:${gw.port}/api/docs\n` : ''}${runnable
    .filter((s) => !s.gateway)
    .map((s) => `  ${s.name.padEnd(10)} http://localhost:${s.port}   (OpenAPI: http://localhost:${s.port}/openapi.json)`)
    .join('\n')}
  Logs:      .run/logs/<app>.log

  Dev admin token (12 h):
  ${token}

  Try:  curl -H "Authorization: Bearer $TOKEN" http://localhost:${gw ? `${gw.port}/api/v1` : '3001'}/contacts
  Ctrl-C stops everything.
`);
}

main().catch((error) => fail(error.stack ?? String(error)));
