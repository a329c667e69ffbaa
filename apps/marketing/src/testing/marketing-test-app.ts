import { installJobSchema } from '@crm/jobs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connect, type NatsConnection } from 'nats';
import { Client } from 'pg';
import {
  buildCloudEvent,
  deleteNamespaceStreams,
  ensureStream,
  EventNaming,
  randomNamespace,
  readStream,
  type CloudEvent,
} from '@crm/messaging';
import { createTestDatabase, postgresOptions, runMigrations, uuidv7, type TestDatabase } from '@crm/persistence';
import { answerViolations, createServiceApp, signDevToken, type OpenApiDocument } from '@crm/platform';
import { AppModule, entities, migrations } from '../app.module';

export const SPEC_SECRET = 'marketing-spec-secret-0123456789abcdef';
const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  redirect?: 'manual' | 'follow';
}

export interface CallResult<T> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

export interface MarketingTestApp {
  app: NestFastifyApplication;
  base: string;
  db: Client;
  dbUrl: string;
  nc: NatsConnection;
  naming: EventNaming;
  token(roles?: string[]): Promise<string>;
  call<T = Record<string, unknown>>(method: string, path: string, opts?: CallOptions): Promise<CallResult<T>>;
  count(table: string): Promise<number>;
  /** Publishes an event as another service would (its stream, its namespace). */
  publish(service: string, e: { type: string; subject: string; version: number; data: unknown }): Promise<CloudEvent>;
  contact(id: string, version: number, data: Record<string, unknown>, type?: string): Promise<CloudEvent>;
  /** Events marketing put on its own stream. */
  published(type?: string): Promise<CloudEvent<Record<string, unknown>>[]>;
  /**
   * Where an answer strays from its route's declared 200/201 schema in the service's own
   * /openapi.json (route as the document spells it: `/campaigns/{id}`); specs expect [].
   */
  answerViolations(method: string, route: string, body: unknown): Promise<string[]>;
  restart(env?: Record<string, string>): Promise<void>;
  /** Stops the app without a drain: what a crash leaves behind (the process stays for the spec). */
  close(): Promise<void>;
}

export function contactData(id: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    status: 'active',
    displayName: 'Ada Lovelace',
    firstName: 'Ada',
    lastName: 'Lovelace',
    primaryEmail: `${id.slice(-12)}@example.com`,
    primaryPhone: null,
    lifecycleStage: 'customer',
    country: 'FR',
    region: null,
    city: 'Paris',
    locale: 'fr-FR',
    birthDate: null,
    ownerId: null,
    accountId: null,
    tags: [],
    source: { channel: 'web', campaign: null, utmSource: null, utmMedium: null, utmCampaign: null, referrer: null },
    customFields: {},
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    ...over,
  };
}

/** The marketing app on a throwaway database and a private event namespace, dropped afterwards. */
export async function startMarketingApp(name: string, env: Record<string, string> = {}): Promise<MarketingTestApp> {
  const database: TestDatabase = await createTestDatabase(`marketing_${name}`);
  await runMigrations(postgresOptions({ url: database.url, entities, migrations }));
  await installJobSchema(database.url);
  const naming = new EventNaming(randomNamespace());
  const nc = await connect({ servers: NATS_URL });
  const jsm = await nc.jetstreamManager();
  for (const s of ['contacts', 'sales', 'analytics', 'marketing'])
    await ensureStream(jsm, naming.streamFor(s), [naming.streamSubjects(s)]);
  const setEnv = (extra: Record<string, string>) =>
    Object.assign(process.env, {
      DATABASE_URL: database.url,
      AUTH_JWT_SECRET: SPEC_SECRET,
      NATS_URL,
      CRM_EVENT_NAMESPACE: naming.namespace,
      OUTBOX_POLL_MS: '200',
      SEND_POLL_MS: '100',
      ...env,
      ...extra,
    });
  setEnv({});
  const boot = async () => {
    const app = await createServiceApp({ name: 'marketing', appModule: AppModule, rpc: false });
    await app.listen(0, '127.0.0.1');
    return app;
  };
  let app = await boot();
  const db = new Client({ connectionString: database.url });
  await db.connect();
  const admin = await signDevToken({ secret: SPEC_SECRET, subject: 'spec-admin', roles: ['admin'] });
  let document: OpenApiDocument | undefined;
  const t: MarketingTestApp = {
    app,
    base: await app.getUrl(),
    db,
    dbUrl: database.url,
    nc,
    naming,
    token: (roles = ['admin']) => signDevToken({ secret: SPEC_SECRET, subject: `spec-${roles.join('-')}`, roles }),
    async call<T>(method: string, path: string, opts: CallOptions = {}): Promise<CallResult<T>> {
      const token = opts.token === undefined ? admin : opts.token;
      const body = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
      const res = await fetch(`${t.base}${path}`, {
        method,
        redirect: opts.redirect ?? 'manual',
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...opts.headers,
        },
        body,
      });
      const text = await res.text();
      let parsed: unknown = undefined;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, body: parsed as T, headers: res.headers, text };
    },
    async count(table) {
      return (await db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
    },
    async publish(service, e) {
      const event = buildCloudEvent(service, e);
      await nc.jetstream().publish(naming.subjectFor(event.type), JSON.stringify(event), { msgID: event.id });
      return event;
    },
    contact(id, version, data, type = 'updated') {
      return t.publish('contacts', {
        type: `crm.contacts.contact.${type}`,
        subject: id,
        version,
        data: contactData(id, data),
      });
    },
    async published(type) {
      const msgs = await readStream(await nc.jetstreamManager(), naming.streamFor('marketing')).catch(() => []);
      return msgs
        .map((m) => m.json() as CloudEvent<Record<string, unknown>>)
        .filter((e) => type === undefined || e.type === type);
    },
    async answerViolations(method, route, body) {
      document ??= (await (await fetch(`${t.base}/openapi.json`)).json()) as OpenApiDocument;
      return answerViolations(document, method, route, body);
    },
    async restart(extra = {}) {
      await app.close();
      setEnv(extra);
      app = await boot();
      document = undefined;
      t.app = app;
      t.base = await app.getUrl();
    },
    async close() {
      await app.close();
      await db.end();
      await database.drop();
      await deleteNamespaceStreams(await nc.jetstreamManager(), naming.namespace);
      await nc.close();
    },
  };
  return t;
}

export const newId = uuidv7;
