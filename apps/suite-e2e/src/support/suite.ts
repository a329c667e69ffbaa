import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@crm/persistence';
import { randomNamespace } from '@crm/messaging';
import { signDevToken } from '@crm/platform';
import { ServiceProcess } from './processes';

export const SECRET = randomBytes(32).toString('hex');

export interface Suite {
  namespace: string;
  natsUrl: string;
  services: Record<string, ServiceProcess>;
  databases: Record<string, TestDatabase>;
  token(roles?: string[], permissions?: string[]): Promise<string>;
  teardown(): Promise<void>;
}

/**
 * Throwaway databases, a private event namespace and one process per app,
 * migrated but not started: each spec starts and stops them as its story needs.
 */
export async function prepareSuite(
  apps: string[],
  natsUrl = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222',
): Promise<Suite> {
  const namespace = randomNamespace();
  const databases: Record<string, TestDatabase> = {};
  const services: Record<string, ServiceProcess> = {};
  for (const app of apps) {
    databases[app] = await createTestDatabase(`e2e_${app}`);
    services[app] = new ServiceProcess({
      app,
      env: {
        DATABASE_URL: databases[app].url,
        NATS_URL: natsUrl,
        CRM_EVENT_NAMESPACE: namespace,
        AUTH_JWT_SECRET: SECRET,
        AUTH_ISSUER: 'crm-local',
        AUTH_AUDIENCE: 'crm',
        OUTBOX_POLL_MS: '500',
      },
    });
    await services[app].migrate();
  }
  return {
    namespace,
    natsUrl,
    services,
    databases,
    token: (roles = ['admin'], permissions) =>
      signDevToken({
        secret: SECRET,
        subject: `e2e-${roles.join('-') || 'none'}`,
        roles,
        permissions,
        issuer: 'crm-local',
        audience: 'crm',
      }),
    async teardown() {
      await Promise.all(Object.values(services).map((s) => s.stop()));
      for (const db of Object.values(databases)) await db.drop();
    },
  };
}

/** One HTTP call; `headers` adds to (or replaces) the bearer token, e.g. an API key. A string body is sent as is. */
export async function api<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}
