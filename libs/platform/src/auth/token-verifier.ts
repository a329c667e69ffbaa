import { createSecretKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { DomainError } from '../errors/domain-error';
import { INTERNAL_TOKEN_AUDIENCE, INTERNAL_TOKEN_ISSUER, INTERNAL_TOKEN_TYPE } from './internal-token';
import { DEFAULT_ROLE_PERMISSIONS, permissionsForRoles, type RolePermissions } from './permissions';
import type { Principal } from './principal';

export interface TokenVerifierOptions {
  secret?: string;
  jwksUrl?: string;
  issuer: string;
  audience: string;
  /** Key of the gateway's internal tokens (INTERNAL_TOKEN_SECRET); defaults to `secret`. */
  internalSecret?: string;
  /** Role to permissions; defaults to DEFAULT_ROLE_PERMISSIONS. */
  rolePermissions?: RolePermissions;
  /** Slack for exp and nbf, for clocks that drift. Default 5 s. */
  clockToleranceSeconds?: number;
}

export interface VerifyOptions {
  /**
   * Whether the gateway's internal tokens are accepted. Services accept them
   * (that is how the gateway calls them); the gateway refuses them from clients,
   * so a token seen by a service cannot be replayed at the front door.
   */
  internal?: 'accept' | 'refuse';
}

const stringList = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;

const unauthenticated = (code: string, message: string) => new DomainError(code, message, 'unauthenticated');

/**
 * A verified token is remembered for at most this long (and never past its exp), so a client
 * or the gateway sending the same token again costs no HMAC or JWKS work. Short, so a key
 * withdrawn from the JWKS stops being honoured within a minute.
 */
const VERIFIED_TTL_MS = 60_000;
const MAX_VERIFIED = 10_000;

/**
 * Errors of the JWKS fetch itself (issuer down, timeout, a broken answer), as
 * opposed to a token that does not verify: the token may be good, so the
 * caller is told to retry (503) rather than to throw it away (401).
 */
function isKeySourceFailure(error: unknown): boolean {
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid) return true;
  // fetch failures (TypeError, AbortError) are not JOSE errors; a non-200 answer is a bare JOSEError.
  return !(error instanceof joseErrors.JOSEError) || error.constructor === joseErrors.JOSEError;
}

/**
 * Verifies bearer JWTs: HS256 with the shared secret, or RS256/ES256 against
 * the issuer's JWKS, and the gateway's internal tokens (their own type,
 * issuer, audience and key). The algorithm is chosen by the key source, never
 * by the token, so `alg: none` and HS/RS confusion are refused. Only internal
 * tokens may carry `permissions` and `kind`; any other token's permissions
 * come from its roles through the role map.
 */
export class TokenVerifier {
  private readonly secret?: KeyObject;
  private readonly internalSecret?: KeyObject;
  private readonly verified = new Map<string, { payload: JWTPayload; until: number }>();
  private readonly jwks?: JWTVerifyGetKey;
  private readonly rolePermissions: RolePermissions;

  constructor(private readonly o: TokenVerifierOptions) {
    if (!o.secret && !o.jwksUrl) throw new Error('TokenVerifier needs a secret or a JWKS URL');
    // KeyObjects once, instead of jose importing the raw secret on every verification.
    this.secret = o.secret ? createSecretKey(Buffer.from(o.secret, 'utf8')) : undefined;
    const internal = o.internalSecret ?? o.secret;
    this.internalSecret = internal ? createSecretKey(Buffer.from(internal, 'utf8')) : undefined;
    this.jwks = o.jwksUrl
      ? createRemoteJWKSet(new URL(o.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 })
      : undefined;
    this.rolePermissions = o.rolePermissions ?? DEFAULT_ROLE_PERMISSIONS;
  }

  async verify(token: string, options: VerifyOptions = {}): Promise<Principal> {
    const parts = token.split('.');
    if (parts.length !== 3) throw unauthenticated('TOKEN_INVALID', 'The bearer token is not a JWT');
    let header: { alg?: unknown; typ?: unknown };
    try {
      header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as { alg?: unknown; typ?: unknown };
    } catch {
      throw unauthenticated('TOKEN_INVALID', 'The bearer token is not a JWT');
    }
    if (header === null || typeof header !== 'object')
      throw unauthenticated('TOKEN_INVALID', 'The bearer token is not a JWT');
    const internal = header.typ === INTERNAL_TOKEN_TYPE;
    if (internal && options.internal === 'refuse') {
      throw unauthenticated(
        'TOKEN_INTERNAL',
        'Internal tokens are for the services behind the gateway, not for clients',
      );
    }
    const payload = await this.verifiedPayload(token, internal, header.alg);
    if (!payload.sub) throw unauthenticated('TOKEN_INVALID', 'The bearer token has no subject');
    const roles = stringList(payload['roles']) ?? [];
    const kind =
      internal && (payload['kind'] === 'api-key' || payload['kind'] === 'service') ? payload['kind'] : 'user';
    return {
      subject: payload.sub,
      name: typeof payload['name'] === 'string' ? payload['name'] : undefined,
      roles,
      permissions:
        (internal ? stringList(payload['permissions']) : undefined) ?? permissionsForRoles(roles, this.rolePermissions),
      kind,
    };
  }

  private async verifiedPayload(token: string, internal: boolean, alg: unknown): Promise<JWTPayload> {
    const now = Date.now();
    const hit = this.verified.get(token);
    if (hit && hit.until > now) return hit.payload;
    if (hit) this.verified.delete(token);
    const payload = internal ? await this.verifyInternal(token, alg) : await this.verifyUser(token, alg);
    const until = Math.min(now + VERIFIED_TTL_MS, (payload.exp ?? 0) * 1000);
    if (until > now) {
      // Oldest first out: a Map iterates in insertion order.
      if (this.verified.size >= MAX_VERIFIED) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(token, { payload, until });
    }
    return payload;
  }

  private common() {
    return { clockTolerance: this.o.clockToleranceSeconds ?? 5, requiredClaims: ['exp', 'sub'] };
  }

  private async verifyInternal(token: string, alg: unknown): Promise<JWTPayload> {
    if (alg !== 'HS256' || !this.internalSecret)
      throw unauthenticated('TOKEN_INVALID', `Internal tokens signed with ${String(alg)} are not accepted`);
    try {
      const options = {
        ...this.common(),
        issuer: INTERNAL_TOKEN_ISSUER,
        audience: INTERNAL_TOKEN_AUDIENCE,
        typ: INTERNAL_TOKEN_TYPE,
        algorithms: ['HS256'],
      };
      return (await jwtVerify(token, this.internalSecret, options)).payload;
    } catch (error) {
      throw refusal(error);
    }
  }

  private async verifyUser(token: string, alg: unknown): Promise<JWTPayload> {
    const options = { ...this.common(), issuer: this.o.issuer, audience: this.o.audience };
    if (alg === 'HS256' && this.secret) {
      try {
        return (await jwtVerify(token, this.secret, { ...options, algorithms: ['HS256'] })).payload;
      } catch (error) {
        throw refusal(error);
      }
    }
    if ((alg === 'RS256' || alg === 'ES256') && this.jwks) {
      try {
        return (await jwtVerify(token, this.jwks, { ...options, algorithms: ['RS256', 'ES256'] })).payload;
      } catch (error) {
        if (isKeySourceFailure(error)) {
          throw new DomainError(
            'AUTHENTICATION_UNAVAILABLE',
            "The identity provider's keys cannot be fetched right now; try again shortly.",
            'unavailable',
          );
        }
        throw refusal(error);
      }
    }
    throw unauthenticated('TOKEN_INVALID', `Tokens signed with ${String(alg)} are not accepted`);
  }
}

function refusal(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  if (error instanceof joseErrors.JWTExpired) return unauthenticated('TOKEN_EXPIRED', 'The bearer token has expired');
  if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'nbf') {
    return unauthenticated('TOKEN_INVALID', 'The bearer token is not valid yet');
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return unauthenticated('TOKEN_INVALID', `The bearer token's ${error.claim} claim is not accepted`);
  }
  return unauthenticated('TOKEN_INVALID', 'The bearer token could not be verified');
}
