import { Injectable, Optional } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { DomainError, TokenVerifier, type Principal } from '@crm/platform';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { ConsoleSessions, CsrfRefused } from '../console/console-sessions';

export class AuthenticationFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationFailed';
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Who is calling: a bearer JWT (checked by the platform's verifier: OIDC
 * JWKS or the local HS256 secret) or an API key, in `X-Api-Key` or
 * `Authorization: ApiKey <key>`, or the console's session cookie (with its
 * X-CSRF-Token header) when neither header is sent. No credentials gives undefined.
 */
@Injectable()
export class CallerAuthenticator {
  constructor(
    private readonly tokens: TokenVerifier,
    private readonly apiKeys: ApiKeysService,
    @Optional() private readonly sessions?: ConsoleSessions,
  ) {}

  /** `beforeLookup` runs before an API key is looked up in the database (not for cached keys); it may throw to stop it. */
  async authenticate(headers: IncomingHttpHeaders, beforeLookup?: () => void): Promise<Principal | undefined> {
    const authorization = single(headers['authorization'])?.trim();
    const headerKey = single(headers['x-api-key'])?.trim();
    if (authorization && headerKey)
      throw new AuthenticationFailed('Send either an Authorization header or an X-Api-Key, not both');
    if (headerKey) return this.apiKey(headerKey, beforeLookup);
    if (!authorization) return this.session(headers);
    const space = authorization.indexOf(' ');
    const scheme = (space === -1 ? authorization : authorization.slice(0, space)).toLowerCase();
    const credential = space === -1 ? '' : authorization.slice(space + 1).trim();
    if (!credential) throw new AuthenticationFailed('The Authorization header has no credentials');
    if (scheme === 'apikey') return this.apiKey(credential, beforeLookup);
    if (scheme !== 'bearer') throw new AuthenticationFailed('Use Authorization: Bearer <token> or an API key');
    return this.bearer(credential);
  }

  /** The console's cookie carries the same kind of token as a bearer header; it counts only with its CSRF token. */
  private async session(headers: IncomingHttpHeaders): Promise<Principal | undefined> {
    let token: string | undefined;
    try {
      token = this.sessions?.credential(headers);
    } catch (error) {
      if (error instanceof CsrfRefused) throw new AuthenticationFailed(error.message);
      throw error;
    }
    return token === undefined ? undefined : this.bearer(token);
  }

  private async bearer(credential: string): Promise<Principal> {
    try {
      // An internal token a service was handed is no credential here: it cannot be replayed at the front door.
      return await this.tokens.verify(credential, { internal: 'refuse' });
    } catch (error) {
      // The identity provider's keys cannot be fetched: the token may be good, so this is not a 401.
      if (error instanceof DomainError && error.kind === 'unavailable') throw error;
      throw new AuthenticationFailed((error as Error).message || 'The token is not valid');
    }
  }

  private async apiKey(key: string, beforeLookup?: () => void): Promise<Principal> {
    const principal = await this.apiKeys.authenticate(key, beforeLookup);
    if (!principal) throw new AuthenticationFailed('The API key is not valid or has been revoked');
    return principal;
  }
}
