import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { randomNamespace } from '@crm/messaging';
import { createTestDatabase, postgresOptions, runMigrations, type TestDatabase } from '@crm/persistence';
import { createServiceApp, signDevToken } from '@crm/platform';
import { AppModule, entities, migrations } from '../app.module';

const SECRET = 'contacts-spec-secret-0123456789abcdef';

export interface ContactsTestApp {
  base: string;
  db: Client;
  token(roles?: string[]): Promise<string>;
  call<T = Record<string, unknown>>(method: string, path: string, opts?: { token?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<{ status: number; body: T; headers: Headers }>;
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

/** The contacts app on a throwaway database, over real HTTP, with a private event namespace. */
export async function startContactsApp(name: string): Promise<ContactsTestApp> {
  const database: TestDatabase = await createTestDatabase(`contacts_${name}`);
  await runMigrations(postgresOptions({ url: database.url, entities, migrations }));
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    AUTH_JWT_SECRET: SECRET,
    NATS_URL: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222',
    CRM_EVENT_NAMESPACE: randomNamespace(),
  });
  const app: NestFastifyApplication = await createServiceApp({ name: 'contacts', appModule: AppModule, rpc: false });
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  const db = new Client({ connectionString: database.url });
  await db.connect();
  const admin = await signDevToken({ secret: SECRET, subject: 'spec-admin', roles: ['admin'] });
  return {
    base,
    db,
    token: (roles = ['admin']) => signDevToken({ secret: SECRET, subject: `spec-${roles.join('-')}`, roles }),
    async call(method, path, opts = {}) {
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
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as never, headers: res.headers };
    },
    async count(table) {
      return (await db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
    },
    async close() {
      await app.close();
      await db.end();
      await database.drop();
    },
  };
}
