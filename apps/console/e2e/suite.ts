import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@crm/persistence';
import { signDevToken } from '@crm/platform';

export const WORKSPACE = resolve(__dirname, '../../..');

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, logs?: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} not up after ${timeoutMs} ms\n${logs?.() ?? ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(t);
      res();
    });
    child.kill('SIGTERM');
  });
}

export interface ConsoleSuite {
  /** Starts everything; call teardown() afterwards even when this failed or timed out. */
  start(): Promise<void>;
  baseUrl: string;
  token(roles: string[], subject?: string): Promise<string>;
  logs(app: string): string;
  teardown(): Promise<void>;
}

/**
 * The built gateway (serving the built console) and every service behind it, each on a throwaway
 * database, on a NATS server of the suite's own (request-reply subjects are not namespaced).
 */
export function consoleSuite(): ConsoleSuite {
  // While writing a spec: CONSOLE_E2E_URL and CONSOLE_E2E_SECRET point it at a suite already running.
  const running = process.env['CONSOLE_E2E_URL'];
  if (running)
    return {
      start: async () => undefined,
      baseUrl: running,
      token: (roles, subject = `e2e-${roles.join('-')}`) =>
        signDevToken({
          secret: process.env['CONSOLE_E2E_SECRET'] ?? '',
          subject,
          roles,
          issuer: 'crm-local',
          audience: 'crm',
        }),
      logs: () => '',
      teardown: async () => undefined,
    };
  const secret = randomBytes(32).toString('hex');
  const storeDir = mkdtempSync(join(tmpdir(), 'crm-console-nats-'));
  const children: Record<string, ChildProcess> = {};
  const output: Record<string, string[]> = {};
  const databases: TestDatabase[] = [];
  const logs = (app: string) => (output[app] ?? []).join('');
  const ports: Record<string, number> = {};
  const teardown = async () => {
    stopped = true;
    // The gateway first, so nothing is asked of services that are already gone.
    await stop(children['gateway']);
    await Promise.all(Object.values(children).map(stop));
    for (const db of databases) await db.drop().catch(() => undefined);
    rmSync(storeDir, { recursive: true, force: true });
  };
  let stopped = false;
  const start = async () => {
    const natsPort = await freePort();
    children['nats'] = spawn(
      process.env['NATS_SERVER_BIN'] ?? '/usr/sbin/nats-server',
      ['-a', '127.0.0.1', '-p', String(natsPort), '-js', '-sd', storeDir],
      { stdio: 'ignore' },
    );
    await waitFor(
      'NATS',
      () =>
        new Promise((res) => {
          const c = connect(natsPort, '127.0.0.1');
          c.once('connect', () => (c.destroy(), res(true)));
          c.once('error', () => res(false));
        }),
      15_000,
    );
    const common = {
      NATS_URL: `nats://127.0.0.1:${natsPort}`,
      AUTH_JWT_SECRET: secret,
      AUTH_ISSUER: 'crm-local',
      AUTH_AUDIENCE: 'crm',
      CRM_EVENT_NAMESPACE: `tc${randomBytes(3).toString('hex')}`,
      OUTBOX_POLL_MS: '200',
      LOG_LEVEL: 'warn',
      OTEL_SDK_DISABLED: 'true',
      INTERNAL_TOKEN_SECRET: randomBytes(32).toString('hex'),
    };
    // Every service the console has screens for, the gateway last.
    const apps = ['contacts', 'analytics', 'sales', 'support', 'marketing', 'documents', 'gateway'];
    const urls: Record<string, string> = {};
    for (const app of apps) {
      const db = await createTestDatabase(`console_${app}`);
      databases.push(db);
      if (stopped) throw new Error('torn down while starting');
      ports[app] = await freePort();
      urls[app] = db.url;
    }
    const main = (app: string) => join(WORKSPACE, 'dist/apps', app, 'main.js');
    // Migrations one after another (they are CPU-bound on a shared machine), then the apps together.
    for (const app of apps) {
      await new Promise<void>((res, rej) => {
        const c = spawn(process.execPath, [main(app), 'migrate'], {
          env: { ...process.env, ...common, DATABASE_URL: urls[app] },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let err = '';
        c.stderr?.on('data', (d) => (err += d));
        c.once('exit', (code) => (code === 0 ? res() : rej(new Error(`${app} migrate exited ${code}: ${err}`))));
      });
    }
    for (const app of apps) {
      const env: Record<string, string> = { ...common, DATABASE_URL: urls[app], PORT: String(ports[app]) };
      if (app === 'documents') env['STORAGE_DIR'] = join(storeDir, 'documents');
      if (app === 'marketing') {
        // Nothing is mailed by these tests: a closed port, never someone's catcher.
        env['SMTP_URL'] = 'smtp://127.0.0.1:9';
        env['TRACKING_BASE_URL'] = 'http://tracking.invalid';
      }
      if (app === 'gateway') {
        for (const s of apps.filter((a) => a !== 'gateway'))
          env[`${s.toUpperCase()}_URL`] = `http://127.0.0.1:${ports[s]}`;
        env['CONSOLE_LOCAL_SIGNIN'] = 'true';
        env['CONSOLE_DIR'] = join(WORKSPACE, 'dist/apps/console');
      }
      const child = spawn(process.execPath, [main(app)], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children[app] = child;
      output[app] = [];
      const keep = (d: Buffer) => {
        output[app].push(d.toString());
        if (output[app].length > 300) output[app].shift();
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
    }
    for (const app of apps)
      await waitFor(
        app,
        async () => {
          if (children[app].exitCode !== null) throw new Error(`${app} exited:\n${logs(app)}`);
          return (await fetch(`http://127.0.0.1:${ports[app]}/health/ready`)).ok;
        },
        120_000,
        () => logs(app),
      );
  };
  return {
    start,
    get baseUrl() {
      return `http://127.0.0.1:${ports['gateway']}`;
    },
    token: (roles, subject = `e2e-${roles.join('-')}`) =>
      signDevToken({ secret, subject, roles, issuer: 'crm-local', audience: 'crm' }),
    logs,
    teardown,
  };
}

/** A call to the suite's API with a bearer token (setting up what a screen then shows). */
export async function apiCall<T>(
  baseUrl: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as T };
}
