import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connect, type NatsConnection } from 'nats';
import { Client } from 'pg';
import { deleteNamespaceStreams, EventNaming, randomNamespace, type CloudEvent } from '@crm/messaging';
import { createTestDatabase, postgresOptions, runMigrations, type TestDatabase } from '@crm/persistence';
import { createServiceApp, signDevToken } from '@crm/platform';
import { AppModule, entities, migrations } from '../app.module';

export const SECRET = 'documents-spec-secret-0123456789abcdef';
const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

export interface CallOptions {
  /** A bearer token; null sends none; default an admin's. */
  token?: string | null;
  /** JSON body. */
  body?: unknown;
  /** Bytes sent as they are (a file upload), with `contentType` (default application/octet-stream). */
  bytes?: Buffer | string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface CallResult<T> {
  status: number;
  body: T;
  bytes: Buffer;
  headers: Headers;
}

export interface OutboxRow {
  type: string;
  subject: string;
  payload: CloudEvent<Record<string, unknown>>;
}

export interface DocumentsTestApp {
  app: NestFastifyApplication;
  base: string;
  db: Client;
  storageDir: string;
  naming: EventNaming;
  nc: NatsConnection;
  token(roles?: string[], subject?: string): Promise<string>;
  call<T = Record<string, unknown>>(method: string, path: string, opts?: CallOptions): Promise<CallResult<T>>;
  count(table: string, where?: string): Promise<number>;
  outbox(filter?: { type?: string; subject?: string }): Promise<OutboxRow[]>;
  /** Creates a document and uploads one file to it; returns both ids. */
  upload(
    file: Buffer | string,
    opts?: {
      fileName?: string;
      type?: string;
      title?: string;
      documentId?: string;
      links?: unknown[];
      language?: string;
    },
  ): Promise<{ documentId: string; versionId: string; version: Record<string, unknown> }>;
  /** Waits until the version's text extraction has finished (done, failed or skipped). */
  extracted(documentId: string, versionId: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** The documents app on a throwaway database and storage folder, over real HTTP, with a private event namespace. */
export async function startDocumentsApp(name: string, env: Record<string, string> = {}): Promise<DocumentsTestApp> {
  const database: TestDatabase = await createTestDatabase(`documents_${name}`);
  await runMigrations(postgresOptions({ url: database.url, entities, migrations }));
  const namespace = randomNamespace();
  const storageDir = await mkdtemp(join(tmpdir(), 'crm-documents-'));
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    AUTH_JWT_SECRET: SECRET,
    NATS_URL,
    CRM_EVENT_NAMESPACE: namespace,
    STORAGE_DRIVER: 'local',
    STORAGE_DIR: storageDir,
    WORK_POLL_MS: '50',
    OUTBOX_POLL_MS: '50',
    ...env,
  });
  const app: NestFastifyApplication = await createServiceApp({ name: 'documents', appModule: AppModule, rpc: false });
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  const db = new Client({ connectionString: database.url });
  await db.connect();
  const nc = await connect({ servers: NATS_URL });
  const admin = await signDevToken({ secret: SECRET, subject: 'spec-admin', roles: ['admin'] });
  const t: DocumentsTestApp = {
    app,
    base,
    db,
    storageDir,
    naming: new EventNaming(namespace),
    nc,
    token: (roles = ['admin'], subject) =>
      signDevToken({ secret: SECRET, subject: subject ?? `spec-${roles.join('-')}`, roles }),
    async call<T>(method: string, path: string, opts: CallOptions = {}): Promise<CallResult<T>> {
      const token = opts.token === undefined ? admin : opts.token;
      const json = opts.body === undefined ? undefined : JSON.stringify(opts.body);
      const body = opts.bytes ?? json;
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(opts.bytes !== undefined ? { 'content-type': opts.contentType ?? 'application/octet-stream' } : {}),
          ...opts.headers,
        },
        body: body as RequestInit['body'],
      });
      const bytes = Buffer.from(await res.arrayBuffer());
      const type = res.headers.get('content-type') ?? '';
      const parsed = bytes.length && /json/.test(type) ? JSON.parse(bytes.toString('utf8')) : undefined;
      return { status: res.status, body: parsed as T, bytes, headers: res.headers };
    },
    async count(table, where) {
      const r = await db.query(`SELECT count(*)::int AS n FROM ${table} ${where ? `WHERE ${where}` : ''}`);
      return r.rows[0].n as number;
    },
    async outbox(filter = {}) {
      const r = await db.query(
        `SELECT type, subject, payload FROM outbox
          WHERE ($1::text IS NULL OR type = $1) AND ($2::text IS NULL OR subject = $2) ORDER BY seq`,
        [filter.type ?? null, filter.subject ?? null],
      );
      return r.rows as OutboxRow[];
    },
    async upload(file, opts = {}) {
      let documentId = opts.documentId;
      if (!documentId) {
        const created = await t.call<{ id: string }>('POST', '/documents', {
          body: {
            title: opts.title ?? 'A document',
            type: opts.type ?? 'contract',
            ...(opts.links ? { links: opts.links } : {}),
            ...(opts.language ? { language: opts.language } : {}),
          },
        });
        if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
        documentId = created.body.id;
      }
      const up = await t.call<Record<string, unknown>>(
        'POST',
        `/documents/${documentId}/versions?fileName=${encodeURIComponent(opts.fileName ?? 'file.bin')}`,
        { bytes: file },
      );
      if (up.status !== 201) throw new Error(`upload: ${up.status} ${JSON.stringify(up.body)}`);
      return { documentId, versionId: String(up.body['id']), version: up.body };
    },
    async extracted(documentId, versionId) {
      for (let i = 0; i < 300; i++) {
        const v = await t.call<{ text: { status: string } }>('GET', `/documents/${documentId}/versions/${versionId}`);
        if (v.body.text.status !== 'pending') return v.body as unknown as Record<string, unknown>;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('text extraction did not finish');
    },
    async close() {
      await app.close();
      await db.end();
      await deleteNamespaceStreams(await nc.jetstreamManager(), namespace);
      await nc.close();
      await database.drop();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
  return t;
}
