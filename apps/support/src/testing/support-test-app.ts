import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connect, type NatsConnection } from 'nats';
import { Client } from 'pg';
import { deleteNamespaceStreams, EventNaming, randomNamespace, readStream, type CloudEvent } from '@crm/messaging';
import { createTestDatabase, postgresOptions, runMigrations, type TestDatabase } from '@crm/persistence';
import { answerViolations, createServiceApp, signDevToken, type OpenApiDocument } from '@crm/platform';
import { AppModule, entities, migrations } from '../app.module';

export const SECRET = 'support-spec-secret-0123456789abcdef';
const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

export interface CallResult<T> {
  status: number;
  body: T;
  headers: Headers;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface SupportTestApp {
  app: NestFastifyApplication;
  base: string;
  db: Client;
  nc: NatsConnection;
  naming: EventNaming;
  token(roles?: string[], subject?: string): Promise<string>;
  call<T = Json>(method: string, path: string, opts?: CallOptions): Promise<CallResult<T>>;
  count(table: string): Promise<number>;
  /** Where `body` strays from the answer schema the service's own /openapi.json declares for `method route`. */
  answerViolations(method: string, route: string, body: unknown): Promise<string[]>;
  /** Events on support's stream, in order. */
  streamEvents(type?: string): Promise<CloudEvent<Json>[]>;
  /** Stops the app and starts a new one on the same database and namespace (a restart). */
  restart(env?: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
  close(): Promise<void>;
  /** Common fixtures: a calendar, a policy per priority, a team. */
  fixtures(opts?: { minutes?: number; allDay?: boolean; pauseOnPending?: boolean }): Promise<Fixtures>;
}

export interface Fixtures {
  calendarId: string;
  policyId: string;
  teamId: string;
}

/** The support app on a throwaway database, over real HTTP and real NATS, with a private event namespace. */
export async function startSupportApp(name: string, env: Record<string, string> = {}): Promise<SupportTestApp> {
  const database: TestDatabase = await createTestDatabase(`support_${name}`);
  await runMigrations(postgresOptions({ url: database.url, entities, migrations }));
  const namespace = randomNamespace();
  const naming = new EventNaming(namespace);
  const settings = {
    DATABASE_URL: database.url,
    AUTH_JWT_SECRET: SECRET,
    NATS_URL,
    CRM_EVENT_NAMESPACE: namespace,
    SLA_POLL_MS: '200',
    OUTBOX_POLL_MS: '200',
    ...env,
  };
  const nc = await connect({ servers: NATS_URL });
  let app: NestFastifyApplication | undefined;
  let base = '';
  const boot = async (extra: Record<string, string> = {}) => {
    Object.assign(process.env, settings, extra);
    app = await createServiceApp({ name: 'support', appModule: AppModule, rpc: env['RPC'] === 'true' });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  };
  await boot();
  const db = new Client({ connectionString: database.url });
  await db.connect();
  let document: OpenApiDocument | undefined;
  const admin = await signDevToken({ secret: SECRET, subject: 'spec-admin', roles: ['admin'] });
  const t: SupportTestApp = {
    get app() {
      return app as NestFastifyApplication;
    },
    get base() {
      return base;
    },
    db,
    nc,
    naming,
    token: (roles = ['admin'], subject) =>
      signDevToken({ secret: SECRET, subject: subject ?? `spec-${roles.join('-')}`, roles }),
    async call<T>(method: string, path: string, opts: CallOptions = {}): Promise<CallResult<T>> {
      const token = opts.token === undefined ? admin : opts.token;
      const body = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...opts.headers,
        },
        body,
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: kept as text
      }
      return { status: res.status, body: parsed as T, headers: res.headers };
    },
    async answerViolations(method, route, body) {
      document ??= (await (await fetch(`${base}/openapi.json`)).json()) as OpenApiDocument;
      return answerViolations(document, method, route, body);
    },
    async count(table) {
      return (await db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
    },
    async streamEvents(type) {
      const msgs = await readStream(await nc.jetstreamManager(), naming.streamFor('support')).catch(() => []);
      return msgs.map((m) => m.json() as CloudEvent<Json>).filter((e) => !type || e.type === type);
    },
    async restart(extra) {
      await app?.close();
      app = undefined;
      await boot(extra);
    },
    async stop() {
      await app?.close();
      app = undefined;
    },
    async close() {
      await app?.close();
      await db.end();
      await database.drop();
      await deleteNamespaceStreams(await nc.jetstreamManager(), namespace);
      await nc.close();
    },
    async fixtures(o = {}) {
      const days = o.allDay ? [1, 2, 3, 4, 5, 6, 7] : [1, 2, 3, 4, 5];
      const cal = await t.call('POST', '/calendars', {
        body: {
          name: 'Paris office',
          timeZone: 'Europe/Paris',
          hours: days.map((day) =>
            o.allDay ? { day, start: '00:00', end: '24:00' } : { day, start: '09:00', end: '18:00' },
          ),
          holidayCountry: 'FR',
        },
      });
      if (cal.status !== 201) throw new Error(`calendar: ${cal.status} ${JSON.stringify(cal.body)}`);
      const minutes = o.minutes ?? 240;
      let policyId = '';
      for (const priority of ['low', 'normal', 'high', 'urgent']) {
        const p = await t.call('POST', '/sla-policies', {
          body: {
            name: `${priority} ${minutes} min`,
            calendarId: cal.body.id,
            priority,
            firstResponseMinutes: minutes,
            nextResponseMinutes: minutes,
            resolutionMinutes: minutes * 4,
            pauseOnPending: o.pauseOnPending ?? true,
          },
        });
        if (p.status !== 201) throw new Error(`policy: ${p.status} ${JSON.stringify(p.body)}`);
        if (priority === 'normal') policyId = p.body.id;
      }
      const team = await t.call('POST', '/teams', { body: { name: 'Devices', autoAssign: false } });
      return { calendarId: cal.body.id, policyId, teamId: team.body.id };
    },
  };
  return t;
}
