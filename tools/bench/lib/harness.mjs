// Shared pieces of the benchmarks: throwaway databases, the built apps as
// processes on a private event namespace, a load generator and percentiles.
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { SignJWT } from 'jose';
import { reexecUnderNode24 } from '../../node/ensure-node.mjs';

// The apps run under the same Node as the bench (process.execPath): make that Node 24.
reexecUnderNode24();

export const WORKSPACE = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const PG_BASE = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

export function args(defaults) {
  const out = { ...defaults };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (key.startsWith('no-')) out[key.slice(3)] = false;
    else if (typeof defaults[key] === 'boolean') out[key] = true;
    else out[key] = typeof defaults[key] === 'number' ? Number(argv[++i]) : argv[++i];
  }
  return out;
}

export function build(apps) {
  execFileSync('npx', ['nx', 'run-many', '-t', 'build', '-p', apps.join(','), '--parallel=2', '--outputStyle=static'], {
    cwd: WORKSPACE,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NX_DAEMON: 'false' },
  });
}

export async function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

export async function withAdmin(fn) {
  const c = new pg.Client({ connectionString: PG_BASE });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function createDatabase(name) {
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}"`));
  const u = new URL(PG_BASE);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function dropDatabase(name) {
  await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

export const runId = () => randomBytes(3).toString('hex');

/** Runs a built app's migrations against env.DATABASE_URL. */
export function migrate(app, env) {
  const main = join(WORKSPACE, 'dist/apps', app, 'main.js');
  execFileSync(process.execPath, [main, 'migrate'], {
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** A built app from dist/ with its own database, on a private event namespace. */
export async function startApp(app, env) {
  migrate(app, env);
  return startProcess(app, join(WORKSPACE, 'dist/apps', app, 'main.js'), env);
}

/** The bare Fastify + pg floor server (floor-server.mjs) on env.DATABASE_URL. */
export function startFloor(env) {
  return startProcess('floor', join(WORKSPACE, 'tools/bench/lib/floor-server.mjs'), env);
}

async function startProcess(app, main, env) {
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const r = await fetch(`${url}/health/ready`).catch(() => undefined);
    if (r?.ok) break;
    if (child.exitCode !== null) throw new Error(`${app} exited with ${child.exitCode}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL'); // not left running behind a failed bench
      throw new Error(`${app} not ready after 60 s`);
    }
    await new Promise((res) => setTimeout(res, 200));
  }
  return {
    url,
    pid: child.pid,
    stop: () =>
      new Promise((res) => {
        if (child.exitCode !== null) return res();
        child.once('exit', () => res());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

export function devToken(secret, roles = ['admin']) {
  return new SignJWT({ roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('bench')
    .setIssuer('crm-local')
    .setAudience('crm')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(secret));
}

/** Runs `total` calls of `one(i)` with `concurrency` in flight; returns per-call latencies in ms. */
export async function load(total, concurrency, one) {
  const latencies = new Array(total);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const t0 = performance.now();
      await one(i);
      latencies[i] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { latencies, seconds, throughput: total / seconds };
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

export async function deleteStreams(namespace) {
  const { connect } = await import('nats');
  const nc = await connect({ servers: NATS_URL });
  try {
    const jsm = await nc.jetstreamManager();
    for await (const s of jsm.streams.list()) {
      if (s.config.name.startsWith(`${namespace.toUpperCase()}_`)) await jsm.streams.delete(s.config.name);
    }
  } finally {
    await nc.close();
  }
}
