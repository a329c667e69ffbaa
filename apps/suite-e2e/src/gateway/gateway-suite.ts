import { randomBytes } from 'node:crypto';
import { signDevToken } from '@crm/platform';
import { PrivateNats, ServiceProcess } from '../support/processes';
import { api, prepareSuite, SECRET, type Suite } from '../support/suite';

export interface GatewaySuite extends Suite {
  nats: PrivateNats;
  gateway: ServiceProcess;
  /** The env the gateway needs to find the services, for starting more gateways in a spec. */
  gatewayEnv: Record<string, string>;
  /** The env the services were started with (their internal-token key), for restarting one. */
  serviceEnv: Record<string, string>;
  /** A user token with a name, for checking identities in the audit log. */
  userToken(subject: string, roles: string[], name?: string): Promise<string>;
  teardown(): Promise<void>;
}

/**
 * The gateway in front of the real contacts and analytics processes, all on
 * a NATS server of this spec's own, which a spec may stop and start without
 * disturbing the others (events and request-reply are namespaced per run too).
 */
export async function startGatewaySuite(
  apps: ('contacts' | 'analytics')[] = ['contacts', 'analytics'],
  gatewayEnv: Record<string, string> = {},
): Promise<GatewaySuite> {
  const nats = await PrivateNats.create();
  await nats.start();
  const suite = await prepareSuite([...apps, 'gateway'], nats.url);
  // Internal tokens on a key of their own, as in the deployment files: user tokens' key cannot mint them.
  const internal = { INTERNAL_TOKEN_SECRET: randomBytes(32).toString('hex') };
  for (const app of apps) await suite.services[app].start(internal);
  const env = {
    ...internal,
    CONTACTS_URL: suite.services['contacts']?.baseUrl ?? 'http://127.0.0.1:9',
    ANALYTICS_URL: suite.services['analytics']?.baseUrl ?? 'http://127.0.0.1:9',
    ...gatewayEnv,
  };
  const gateway = suite.services['gateway'];
  await gateway.start(env);
  return {
    ...suite,
    nats,
    gateway,
    gatewayEnv: env,
    serviceEnv: internal,
    userToken: (subject, roles, name) =>
      signDevToken({ secret: SECRET, subject, roles, name, issuer: 'crm-local', audience: 'crm' }),
    async teardown() {
      await suite.teardown();
      await nats.destroy();
    },
  };
}

export interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** One call with any headers (API keys, origins, request ids), through the suite's `api`. */
export function call<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<Answer<T>> {
  return api<T>(baseUrl, method, path, undefined, body, headers);
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A problem+json answer with the given status and code. */
export function expectProblem(answer: Answer, status: number, code?: string): void {
  expect({ status: answer.status, type: answer.headers.get('content-type') }).toEqual({
    status,
    type: expect.stringContaining('application/problem+json'),
  });
  expect(answer.body).toMatchObject({
    status,
    ...(code ? { code } : {}),
    type: expect.stringMatching(/^urn:crm:problem:/),
  });
}
