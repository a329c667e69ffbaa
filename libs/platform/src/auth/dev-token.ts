import { SignJWT } from 'jose';

export interface TokenOptions {
  secret: string;
  subject: string;
  roles?: string[];
  permissions?: string[];
  name?: string;
  kind?: 'user' | 'service' | 'api-key';
  issuer?: string;
  audience?: string;
  expiresInSeconds?: number;
  /** Seconds since the epoch; defaults to now. */
  issuedAt?: number;
}

/**
 * An HS256 token shaped like the ones services verify: the gateway's
 * short-lived internal tokens, local dev tokens and tests all use it.
 */
export function signToken(o: TokenOptions): Promise<string> {
  const claims: Record<string, unknown> = { roles: o.roles ?? [] };
  if (o.permissions) claims['permissions'] = o.permissions;
  if (o.name) claims['name'] = o.name;
  if (o.kind) claims['kind'] = o.kind;
  const iat = o.issuedAt ?? Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(o.subject)
    .setIssuer(o.issuer ?? 'crm-local')
    .setAudience(o.audience ?? 'crm')
    .setIssuedAt(iat)
    .setExpirationTime(iat + (o.expiresInSeconds ?? 3600))
    .sign(new TextEncoder().encode(o.secret));
}

export type DevTokenOptions = TokenOptions;

/** A token for local use and tests (the launcher's and `npm run dev-token`'s shape). */
export const signDevToken = signToken;
