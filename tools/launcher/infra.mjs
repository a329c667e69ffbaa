// Postgres and NATS for the launcher: reach them, start a local install that is
// stopped, or say exactly what to install; create the service databases.
// Imported after `npm ci` (it needs `pg` and `nats`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { connect as natsConnect } from 'nats';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const LOCAL = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const INSTALL_HINT = `  Install them:  sudo apt-get install -y postgresql nats-server
  or run them in Docker:  docker compose up -d postgres nats`;

export class InfraError extends Error {}

// ---------------------------------------------------------------- Postgres

/** Connection settings from the standard libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD). */
export function postgresSettings(env = process.env) {
  return {
    host: env.PGHOST || '127.0.0.1',
    port: Number(env.PGPORT || 5432),
    user: env.PGUSER || 'postgres',
    password: env.PGPASSWORD || undefined,
  };
}

/** postgres://user[:password]@host:port/<database> */
export function databaseUrl(pgs, database) {
  const auth = encodeURIComponent(pgs.user) + (pgs.password ? `:${encodeURIComponent(pgs.password)}` : '');
  const host = pgs.host.includes(':') && !pgs.host.startsWith('[') ? `[${pgs.host}]` : pgs.host;
  return `postgres://${auth}@${host}:${pgs.port}/${database}`;
}

function classifyPgError(error) {
  const code = error?.code;
  const message = String(error?.message ?? error);
  if (
    ['ECONNREFUSED', 'ENOENT', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET'].includes(code) ||
    /timeout|terminated unexpectedly/i.test(message)
  ) {
    return 'down';
  }
  if (code === '57P03') return 'starting'; // the database system is starting up
  if (code === '28P01' || code === '28000' || /SASL|password/i.test(message)) return 'auth';
  return 'other';
}

async function tryPostgres(pgs) {
  const client = new pg.Client({ ...pgs, database: 'postgres', connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query('SHOW server_version');
    return { ok: true, version: rows[0].server_version };
  } catch (error) {
    return { ok: false, kind: classifyPgError(error), error };
  } finally {
    await client.end().catch(() => {});
  }
}

/** Debian-style clusters (/etc/postgresql/<version>/<cluster>), newest version first, with their port. */
function localPostgresClusters() {
  if (!existsSync('/etc/postgresql')) return [];
  const versions = readdirSync('/etc/postgresql')
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  return versions.flatMap((v) =>
    readdirSync(`/etc/postgresql/${v}`)
      .filter((c) => existsSync(`/etc/postgresql/${v}/${c}/postgresql.conf`))
      .map((c) => {
        const conf = readFileSync(`/etc/postgresql/${v}/${c}/postgresql.conf`, 'utf8');
        const port = Number(/^\s*port\s*=\s*(\d+)/m.exec(conf)?.[1] ?? 5432);
        return { version: v, cluster: c, port };
      }),
  );
}

function authHelp(pgs, error) {
  if (/role .* does not exist/.test(error.message)) {
    return `PostgreSQL at ${pgs.host}:${pgs.port}: ${error.message}; set PGUSER to a role that may create databases (default postgres).`;
  }
  return `PostgreSQL at ${pgs.host}:${pgs.port} refused user "${pgs.user}": ${error.message}
  The suite expects trust auth for local connections (as on the dev machines). Either set
  PGUSER/PGPASSWORD for a role that may create databases, or allow local trust auth by putting
      host all all 127.0.0.1/32 trust
  first in pg_hba.conf (sudo -u postgres psql -Atc 'SHOW hba_file') and reloading
  (sudo pg_ctlcluster <version> main reload).`;
}

/** Makes sure Postgres answers; starts a stopped local cluster. Returns the server version. */
export async function ensurePostgres(pgs, say) {
  let r = await tryPostgres(pgs);
  if (r.ok) return r.version;
  if (r.kind === 'auth') throw new InfraError(authHelp(pgs, r.error));
  if (r.kind === 'down') {
    const clusters = LOCAL.has(pgs.host) ? localPostgresClusters() : [];
    if (!LOCAL.has(pgs.host)) {
      throw new InfraError(
        `PostgreSQL is not reachable at ${pgs.host}:${pgs.port} (${r.error.message}); start it or fix PGHOST/PGPORT.`,
      );
    }
    if (!clusters.length) {
      throw new InfraError(`PostgreSQL is not reachable at ${pgs.host}:${pgs.port} and is not installed here (no /etc/postgresql/*).
${INSTALL_HINT}`);
    }
    const match = clusters.find((c) => c.port === pgs.port);
    if (!match) {
      throw new InfraError(
        `PostgreSQL is not reachable at ${pgs.host}:${pgs.port}, and no local cluster is configured for port ${pgs.port} (${clusters.map((c) => `${c.version}/${c.cluster} on ${c.port}`).join(', ')}); fix PGPORT.`,
      );
    }
    const { version, cluster } = match;
    const cmd = ['pg_ctlcluster', '--skip-systemctl-redirect', version, cluster, 'start'];
    say(`PostgreSQL is installed but not running; starting it: ${cmd.join(' ')}`);
    const run = spawnSync(cmd[0], cmd.slice(1), { stdio: ['ignore', 'inherit', 'inherit'] });
    if (run.error || run.status !== 0) {
      throw new InfraError(`could not start PostgreSQL${run.error ? ` (${run.error.message})` : ''}; try it yourself:
  sudo ${cmd.join(' ')}
  and look at /var/log/postgresql/postgresql-${version}-${cluster}.log`);
    }
  }
  for (let i = 0; i < 60; i++) {
    r = await tryPostgres(pgs);
    if (r.ok) return r.version;
    if (r.kind === 'auth') throw new InfraError(authHelp(pgs, r.error));
    if (r.kind === 'other') break;
    await sleep(500);
  }
  throw new InfraError(`PostgreSQL at ${pgs.host}:${pgs.port} did not answer: ${r.error?.message ?? r.kind}`);
}

/** CREATE DATABASE for each name that does not exist yet; returns the names it created. */
export async function ensureDatabases(pgs, names) {
  const client = new pg.Client({ ...pgs, database: 'postgres', connectionTimeoutMillis: 5000 });
  await client.connect();
  const created = [];
  try {
    for (const name of names) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new InfraError(`unusable database name "${name}"`);
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount) continue;
      try {
        await client.query(`CREATE DATABASE "${name}"`);
        created.push(name);
      } catch (error) {
        if (error.code === '42P04') continue; // created meanwhile by someone else
        if (error.code === '42501') {
          throw new InfraError(
            `user "${pgs.user}" may not create databases (${error.message}); create ${name} yourself or use a role with CREATEDB`,
          );
        }
        throw error;
      }
    }
  } finally {
    await client.end().catch(() => {});
  }
  return created;
}

// ---------------------------------------------------------------- NATS

function natsServers(natsUrl) {
  return natsUrl
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

async function tryNats(natsUrl) {
  let nc;
  try {
    nc = await natsConnect({
      servers: natsServers(natsUrl),
      timeout: 3000,
      reconnect: false,
      name: 'crm-launcher',
    });
  } catch (error) {
    return {
      ok: false,
      kind: /CONNECTION_REFUSED|ECONNREFUSED|TIMEOUT/i.test(`${error.code} ${error.message}`) ? 'down' : 'other',
      error,
    };
  }
  try {
    const info = nc.info ?? {};
    let jetstream = Boolean(info.jetstream);
    if (jetstream) {
      try {
        await (await nc.jetstreamManager({ timeout: 3000 })).getAccountInfo();
      } catch (error) {
        return { ok: false, kind: 'no-jetstream', version: info.version, error };
      }
    }
    return jetstream ? { ok: true, version: info.version } : { ok: false, kind: 'no-jetstream', version: info.version };
  } finally {
    await nc.close().catch(() => {});
  }
}

/** Makes sure NATS answers with JetStream enabled; starts a local nats-server. Returns the server version. */
export async function ensureNats(natsUrl, say) {
  let r = await tryNats(natsUrl);
  if (r.ok) return r.version;
  if (r.kind === 'no-jetstream') {
    throw new InfraError(`NATS at ${natsUrl} (v${r.version}) runs without JetStream${r.error ? ` (${r.error.message})` : ''}.
  Restart it with JetStream on: nats-server -js -sd /var/lib/nats-server (docker: nats:2.10 -js)`);
  }
  if (r.kind !== 'down') throw new InfraError(`cannot talk to NATS at ${natsUrl}: ${r.error.message}`);
  const url = new URL(natsServers(natsUrl)[0]);
  if (!LOCAL.has(url.hostname)) {
    throw new InfraError(`NATS is not reachable at ${natsUrl}; start it or fix NATS_URL.`);
  }
  if (!existsSync('/usr/sbin/nats-server')) {
    throw new InfraError(`NATS is not reachable at ${natsUrl} and is not installed here (no /usr/sbin/nats-server).
${INSTALL_HINT}`);
  }
  const port = url.port || '4222';
  const cmd = [
    'start-stop-daemon',
    '--start',
    '--oknodo',
    '--background',
    '--exec',
    '/usr/sbin/nats-server',
    '--',
    '-a',
    '127.0.0.1',
    '-p',
    port,
    '-js',
    '-sd',
    '/var/lib/nats-server',
    '-l',
    '/var/log/nats-server.log',
  ];
  say(`NATS is installed but not running; starting it with JetStream: ${cmd.join(' ')}`);
  try {
    mkdirSync('/var/lib/nats-server', { recursive: true });
  } catch {
    /* reported by the start below */
  }
  const run = spawnSync(cmd[0], cmd.slice(1), { stdio: ['ignore', 'inherit', 'inherit'] });
  if (run.error || run.status !== 0) {
    throw new InfraError(`could not start nats-server${run.error ? ` (${run.error.message})` : ''}; try it yourself:
  sudo ${cmd.join(' ')}`);
  }
  for (let i = 0; i < 40; i++) {
    await sleep(250);
    r = await tryNats(natsUrl);
    if (r.ok) return r.version;
    if (r.kind === 'no-jetstream') break;
  }
  throw new InfraError(`nats-server did not come up with JetStream at ${natsUrl} (${r.error?.message ?? r.kind}).
  Is another nats-server already running (start-stop-daemon starts none then)? See /var/log/nats-server.log`);
}
