import { createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { DomainError } from '../errors/domain-error';
import { DEFAULT_ROLE_PERMISSIONS, permissionsForRoles, type RolePermissions } from './permissions';
import type { Principal } from './principal';

export interface TokenVerifierOptions {
  secret?: string;
  jwksUrl?: string;
  issuer: string;
  audience: string;
  /** Role to permissions; defaults to DEFAULT_ROLE_PERMISSIONS. */
  rolePermissions?: RolePermissions;
  /** Slack for exp and nbf, for clocks that drift. Default 5 s. */
  clockToleranceSeconds?: number;
}

const stringList = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;

const unauthenticated = (code: string, message: string) => new DomainError(code, message, 'unauthenticated');

/**
 * Verifies bearer JWTs: HS256 with the shared secret, or RS256/ES256 against
 * the issuer's JWKS. The algorithm is chosen by the key source, never by the
 * token, so `alg: none` and HS/RS confusion are refused.
 */
export class TokenVerifier {
  private readonly secret?: Uint8Array;
  private readonly jwks?: JWTVerifyGetKey;
  private readonly rolePermissions: RolePermissions;

  constructor(private readonly o: TokenVerifierOptions) {
    if (!o.secret && !o.jwksUrl) throw new Error('TokenVerifier needs a secret or a JWKS URL');
    this.secret = o.secret ? new TextEncoder().encode(o.secret) : undefined;
    this.jwks = o.jwksUrl ? createRemoteJWKSet(new URL(o.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 }) : undefined;
    this.rolePermissions = o.rolePermissions ?? DEFAULT_ROLE_PERMISSIONS;
  }

  async verify(token: string): Promise<Principal> {
    const parts = token.split('.');
    if (parts.length !== 3) throw unauthenticated('TOKEN_INVALID', 'The bearer token is not a JWT');
    let alg: unknown;
    try {
      alg = (JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as { alg?: unknown }).alg;
    } catch {
      throw unauthenticated('TOKEN_INVALID', 'The bearer token is not a JWT');
    }
    const common = {
      issuer: this.o.issuer,
      audience: this.o.audience,
      clockTolerance: this.o.clockToleranceSeconds ?? 5,
      requiredClaims: ['exp', 'sub'],
    };
    let payload: JWTPayload;
    try {
      if (alg === 'HS256' && this.secret) {
        payload = (await jwtVerify(token, this.secret, { ...common, algorithms: ['HS256'] })).payload;
      } else if ((alg === 'RS256' || alg === 'ES256') && this.jwks) {
        payload = (await jwtVerify(token, this.jwks, { ...common, algorithms: ['RS256', 'ES256'] })).payload;
      } else {
        throw unauthenticated('TOKEN_INVALID', `Tokens signed with ${String(alg)} are not accepted`);
      }
    } catch (error) {
      if (error instanceof DomainError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated('TOKEN_EXPIRED', 'The bearer token has expired');
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'nbf') {
        throw unauthenticated('TOKEN_INVALID', 'The bearer token is not valid yet');
      }
      if (error instanceof joseErrors.JWTClaimValidationFailed) {
        throw unauthenticated('TOKEN_INVALID', `The bearer token's ${error.claim} claim is not accepted`);
      }
      throw unauthenticated('TOKEN_INVALID', 'The bearer token could not be verified');
    }
    if (!payload.sub) throw unauthenticated('TOKEN_INVALID', 'The bearer token has no subject');
    const roles = stringList(payload['roles']) ?? [];
    // Service tokens and the gateway's internal tokens carry their permissions: used as they are.
    const explicit = stringList(payload['permissions']);
    const kind = payload['kind'] === 'api-key' || payload['kind'] === 'service' ? payload['kind'] : 'user';
    return {
      subject: payload.sub,
      name: typeof payload['name'] === 'string' ? payload['name'] : undefined,
      roles,
      permissions: explicit ?? permissionsForRoles(roles, this.rolePermissions),
      kind,
    };
  }
}
