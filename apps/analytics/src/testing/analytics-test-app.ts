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
  waitFor,
  type CloudEvent,
} from '@crm/messaging';
import { createTestDatabase, postgresOptions, runMigrations, uuidv7, type TestDatabase } from '@crm/persistence';
import { answerViolations, createServiceApp, signDevToken, type OpenApiDocument } from '@crm/platform';
import { AppModule, entities, migrations } from '../app.module';

export const SECRET = 'analytics-spec-secret-0123456789abcdef';
const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const STREAMS = ['contacts', 'sales', 'support', 'marketing'];

/**
 * The analytics service on its own throwaway database and event namespace,
 * with helpers to publish other services' events, call its routes and read
 * its tables and stream. Specs share the shape, not the instance.
 */
export class AnalyticsTestApp {
  db!: TestDatabase;
  app!: NestFastifyApplication;
  nc!: NatsConnection;
  naming!: EventNaming;
  base!: string;
  tokens: Record<string, string> = {};

  /** `backlog`: events on the streams before the service starts, as after downtime or an import. */
  static async start(env: Record<string, string> = {}, backlog: CloudEvent[] = []): Promise<AnalyticsTestApp> {
    const t = new AnalyticsTestApp();
    t.db = await createTestDatabase('analytics');
    await runMigrations(postgresOptions({ url: t.db.url, entities, migrations }));
    t.naming = new EventNaming(randomNamespace());
    Object.assign(process.env, {
      DATABASE_URL: t.db.url,
      NATS_URL,
      CRM_EVENT_NAMESPACE: t.naming.namespace,
      AUTH_JWT_SECRET: SECRET,
      PORT: '0',
      ...env,
    });
    t.nc = await connect({ servers: NATS_URL });
    const jsm = await t.nc.jetstreamManager();
    for (const s of STREAMS) await ensureStream(jsm, t.naming.streamFor(s), [t.naming.streamSubjects(s)]);
    await Promise.all(backlog.map((e) => t.publish(e)));
    t.app = await createServiceApp({ name: 'analytics', appModule: AppModule });
    await t.app.listen(0, '127.0.0.1');
    t.base = await t.app.getUrl();
    for (const role of ['analyst', 'admin', 'support', 'sales', 'marketing', 'read-only'])
      t.tokens[role] = await signDevToken({ secret: SECRET, subject: `${role}-user`, roles: [role] });
    return t;
  }

  async stop(): Promise<void> {
    await this.app?.close();
    if (this.nc) {
      await deleteNamespaceStreams(await this.nc.jetstreamManager(), this.naming.namespace);
      await this.nc.close();
    }
    await this.db?.drop();
  }

  async publish(e: CloudEvent, msgID = e.id): Promise<void> {
    await this.nc.jetstream().publish(this.naming.subjectFor(e.type), JSON.stringify(e), { msgID });
  }

  event(service: string, type: string, subject: string, version: number, data: unknown, time?: string): CloudEvent {
    return buildCloudEvent(service, { type, subject, version, data }, time ? new Date(time) : undefined);
  }

  /** A contact snapshot event as contacts publishes it (only the fields analytics reads matter). */
  contact(id: string, version: number, fields: Record<string, unknown>, time?: string, type = 'created'): CloudEvent {
    return this.event(
      'contacts',
      `crm.contacts.contact.${type}`,
      id,
      version,
      { id, status: 'active', ...fields },
      time,
    );
  }

  async waitForCount(sql: string, n: number): Promise<void> {
    await waitFor(
      async () => (await this.sql<{ n: number }>(sql))[0].n,
      (v) => v >= n,
    );
  }

  async get(path: string, role = 'analyst'): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${this.base}${path}`, { headers: { authorization: `Bearer ${this.tokens[role]}` } });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  private document?: OpenApiDocument;

  /** Where an answer strays from its route's declared 200 schema (route as the document spells it: `/analytics/customers/{id}/scores`). */
  async answerViolations(method: string, route: string, body: unknown): Promise<string[]> {
    this.document ??= (await (await fetch(`${this.base}/openapi.json`)).json()) as OpenApiDocument;
    return answerViolations(this.document, method, route, body);
  }

  async post(path: string, body: unknown, role = 'admin'): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${this.base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.tokens[role]}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  async sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.db.url });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Events analytics published on its own stream. */
  async published(type?: string): Promise<CloudEvent<Record<string, unknown>>[]> {
    const msgs = await readStream(await this.nc.jetstreamManager(), this.naming.streamFor('analytics')).catch(() => []);
    return msgs.map((m) => m.json() as CloudEvent<Record<string, unknown>>).filter((e) => !type || e.type === type);
  }
}

/** YYYY-MM-DD of `days` days before today (UTC). */
export function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

/** A sales order snapshot as sales publishes it, with one line carrying the whole total. */
export function orderPayload(o: {
  id?: string;
  version?: number;
  contactId: string;
  day: string;
  totalMinor: number;
  status?: string;
  refundedMinor?: number;
  productId?: string | null;
  channel?: string;
  currency?: string;
}) {
  const id = o.id ?? uuidv7();
  return {
    id,
    version: o.version ?? 1,
    number: `SO-${id.slice(-6)}`,
    status: o.status ?? 'placed',
    channel: o.channel ?? 'web',
    location: null,
    externalOrderId: null,
    contactId: o.contactId,
    accountId: null,
    dealId: null,
    quoteId: null,
    currency: o.currency ?? 'EUR',
    currencyDigits: 2,
    grossMinor: o.totalMinor,
    discountMinor: 0,
    netMinor: o.totalMinor,
    taxMinor: 0,
    totalMinor: o.totalMinor,
    refundedMinor: o.refundedMinor ?? 0,
    lines: [
      {
        id: uuidv7(),
        lineNo: 1,
        productId: o.productId ?? null,
        sku: null,
        name: 'item',
        model: null,
        serialNumbers: [],
        quantity: 1,
        unitPriceMinor: o.totalMinor,
        discountPercent: 0,
        taxRatePercent: 0,
        grossMinor: o.totalMinor,
        discountMinor: 0,
        netMinor: o.totalMinor,
        taxMinor: 0,
        totalMinor: o.totalMinor,
        refundedQuantity: 0,
        refundedMinor: o.refundedMinor ?? 0,
      },
    ],
    placedAt: `${o.day}T10:00:00.000Z`,
    paidAt: null,
    fulfilledAt: null,
    cancelledAt: null,
    refundedAt: null,
    createdAt: `${o.day}T10:00:00.000Z`,
    updatedAt: `${o.day}T10:00:00.000Z`,
  };
}
