import { SignJWT } from 'jose';

export interface DevTokenOptions {
  secret: string;
  subject: string;
  roles?: string[];
  permissions?: string[];
  name?: string;
  kind?: 'user' | 'service' | 'api-key';
  issuer?: string;
  audience?: string;
  expiresInSeconds?: number;
}

/** An HS256 token for local use and tests, shaped like the ones services verify. */
export function signDevToken(o: DevTokenOptions): Promise<string> {
  const claims: Record<string, unknown> = { roles: o.roles ?? [] };
  if (o.permissions) claims['permissions'] = o.permissions;
  if (o.name) claims['name'] = o.name;
  if (o.kind) claims['kind'] = o.kind;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(o.subject)
    .setIssuer(o.issuer ?? 'crm-local')
    .setAudience(o.audience ?? 'crm')
    .setIssuedAt(now)
    .setExpirationTime(now + (o.expiresInSeconds ?? 3600))
    .sign(new TextEncoder().encode(o.secret));
}
