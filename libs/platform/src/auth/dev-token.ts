import { SignJWT } from 'jose';
import { INTERNAL_TOKEN_AUDIENCE, INTERNAL_TOKEN_ISSUER, INTERNAL_TOKEN_TYPE } from './internal-token';

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
  /**
   * An internal token (the gateway's, or a test's standing in for it): its own
   * header type, issuer and audience, which override `issuer` and `audience`.
   * Only internal tokens carry `permissions`; default: whether `permissions` is given.
   */
  internal?: boolean;
}

/**
 * An HS256 token shaped like the ones services verify: the gateway's
 * short-lived internal tokens, local dev tokens and tests all use it. A token
 * given `permissions` is an internal token (see INTERNAL_TOKEN_TYPE): sign it
 * with the internal key (INTERNAL_TOKEN_SECRET, else AUTH_JWT_SECRET).
 */
export function signToken(o: TokenOptions): Promise<string> {
  const internal = o.internal ?? o.permissions !== undefined;
  const claims: Record<string, unknown> = { roles: o.roles ?? [] };
  if (o.permissions && internal) claims['permissions'] = o.permissions;
  if (o.name) claims['name'] = o.name;
  if (o.kind) claims['kind'] = o.kind;
  const iat = o.issuedAt ?? Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: internal ? INTERNAL_TOKEN_TYPE : 'JWT' })
    .setSubject(o.subject)
    .setIssuer(internal ? INTERNAL_TOKEN_ISSUER : (o.issuer ?? 'crm-local'))
    .setAudience(internal ? INTERNAL_TOKEN_AUDIENCE : (o.audience ?? 'crm'))
    .setIssuedAt(iat)
    .setExpirationTime(iat + (o.expiresInSeconds ?? 3600))
    .sign(new TextEncoder().encode(o.secret));
}

export type DevTokenOptions = TokenOptions;

/** A token for local use and tests (the launcher's and `npm run dev-token`'s shape). */
export const signDevToken = signToken;
