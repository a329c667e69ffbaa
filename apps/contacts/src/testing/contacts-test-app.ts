import { installJobSchema } from '@crm/jobs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connect } from 'nats';
import { Client } from 'pg';
import { deleteNamespaceStreams, randomNamespace, type CloudEvent } from '@crm/messaging';
import { createTestDatabase, postgresOptions, runMigrations, type TestDatabase } from '@crm/persistence';
import { createServiceApp, signDevToken } from '@crm/platform';
import { AppModule, entities, migrations } from '../app.module';

const SECRET = 'contacts-spec-secret-0123456789abcdef';
const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

export interface CallOptions {
  /** A bearer token; null sends none; default an admin's. */
  token?: string | null;
  body?: unknown;
  /** A body sent as is, with content-type application/json. */
  raw?: string;
  headers?: Record<string, string>;
}

export interface CallResult<T> {
  status: number;
  body: T;
  headers: Headers;
}

export interface OutboxRow {
  type: string;
  subject: string;
  payload: CloudEvent<Record<string, unknown>>;
}

export interface ContactsTestApp {
  app: NestFastifyApplication;
  base: string;
  db: Client;
  token(roles?: string[]): Promise<string>;
  call<T = Record<string, unknown>>(method: string, path: string, opts?: CallOptions): Promise<CallResult<T>>;
  count(table: string): Promise<number>;
  /** Outbox rows in the order written, optionally of one type and/or subject. */
  outbox(filter?: { type?: string; subject?: string }): Promise<OutboxRow[]>;
  close(): Promise<void>;
}

/** The contacts app on a throwaway database, over real HTTP, with a private event namespace dropped afterwards. */
export async function startContactsApp(name: string): Promise<ContactsTestApp> {
  const database: TestDatabase = await createTestDatabase(`contacts_${name}`);
  await runMigrations(postgresOptions({ url: database.url, entities, migrations }));
  await installJobSchema(database.url);
  const namespace = randomNamespace();
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    AUTH_JWT_SECRET: SECRET,
    NATS_URL,
    CRM_EVENT_NAMESPACE: namespace,
  });
  const app: NestFastifyApplication = await createServiceApp({ name: 'contacts', appModule: AppModule, rpc: false });
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  const db = new Client({ connectionString: database.url });
  await db.connect();
  const admin = await signDevToken({ secret: SECRET, subject: 'spec-admin', roles: ['admin'] });
  return {
    app,
    base,
    db,
    token: (roles = ['admin']) => signDevToken({ secret: SECRET, subject: `spec-${roles.join('-')}`, roles }),
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
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
    },
    async count(table) {
      return (await db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
    },
    async outbox(filter = {}) {
      const { rows } = await db.query(
        `SELECT type, subject, payload FROM outbox WHERE ($1::text IS NULL OR type = $1) AND ($2::text IS NULL OR subject = $2) ORDER BY seq`,
        [filter.type ?? null, filter.subject ?? null],
      );
      return rows as OutboxRow[];
    },
    async close() {
      await app.close();
      await db.end();
      await database.drop();
      const nc = await connect({ servers: NATS_URL });
      await deleteNamespaceStreams(await nc.jetstreamManager(), namespace);
      await nc.close();
    },
  };
}
