import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { OidcSettings } from './console-settings';

interface ProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

export interface TokenSet {
  accessToken: string;
  expiresInSeconds: number;
}

export class OidcFailure extends Error {
  constructor(
    message: string,
    /** The provider failed (502) rather than refusing this sign-in (401). */
    readonly providerDown = false,
  ) {
    super(message);
    this.name = 'OidcFailure';
  }
}

const TIMEOUT_MS = 5000;
const METADATA_FRESH_MS = 3600_000;

export const randomToken = (): string => randomBytes(32).toString('base64url');
export const pkceChallenge = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

/**
 * The authorization code flow with PKCE (S256) against the issuer's discovery document: the
 * gateway is the client, so the code, the verifier and the tokens never reach the browser's
 * scripts. The ID token's signature, issuer, audience and nonce are checked; the access token
 * becomes the session, so the API verifies it exactly as a bearer token.
 */
export class OidcClient {
  private cached?: { at: number; metadata: ProviderMetadata };
  private jwks?: JWTVerifyGetKey;

  constructor(readonly settings: OidcSettings) {}

  private async metadata(): Promise<ProviderMetadata> {
    if (this.cached && Date.now() - this.cached.at < METADATA_FRESH_MS) return this.cached.metadata;
    const url = `${this.settings.issuer}/.well-known/openid-configuration`;
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: 'application/json' } });
    } catch (error) {
      throw new OidcFailure(`the identity provider cannot be reached (${(error as Error).message})`, true);
    }
    if (!res.ok) throw new OidcFailure(`the identity provider's discovery document answered ${res.status}`, true);
    const m = (await res.json()) as Partial<ProviderMetadata>;
    if (
      !m.authorization_endpoint ||
      !m.token_endpoint ||
      !m.jwks_uri ||
      m.issuer?.replace(/\/+$/, '') !== this.settings.issuer
    )
      throw new OidcFailure('the identity provider published an incomplete discovery document or another issuer', true);
    this.cached = { at: Date.now(), metadata: m as ProviderMetadata };
    this.jwks = createRemoteJWKSet(new URL(m.jwks_uri), { timeoutDuration: TIMEOUT_MS });
    return this.cached.metadata;
  }

  async authorizeUrl(o: { redirectUri: string; state: string; nonce: string; verifier: string }): Promise<string> {
    const m = await this.metadata();
    const url = new URL(m.authorization_endpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', this.settings.clientId);
    url.searchParams.set('redirect_uri', o.redirectUri);
    url.searchParams.set('scope', this.settings.scopes);
    url.searchParams.set('state', o.state);
    url.searchParams.set('nonce', o.nonce);
    url.searchParams.set('code_challenge', pkceChallenge(o.verifier));
    url.searchParams.set('code_challenge_method', 'S256');
    return url.toString();
  }

  async exchange(o: { code: string; redirectUri: string; verifier: string; nonce: string }): Promise<TokenSet> {
    const m = await this.metadata();
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code: o.code,
      redirect_uri: o.redirectUri,
      client_id: this.settings.clientId,
      code_verifier: o.verifier,
    });
    if (this.settings.clientSecret) form.set('client_secret', this.settings.clientSecret);
    let res: Response;
    try {
      res = await fetch(m.token_endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new OidcFailure(`the identity provider cannot be reached (${(error as Error).message})`, true);
    }
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (res.status >= 500) throw new OidcFailure(`the identity provider's token endpoint answered ${res.status}`, true);
    if (!res.ok)
      throw new OidcFailure(`the identity provider refused the code (${String(body['error'] ?? res.status)})`);
    const accessToken = body['access_token'];
    const idToken = body['id_token'];
    if (typeof accessToken !== 'string' || typeof idToken !== 'string')
      throw new OidcFailure('the identity provider sent no access token or ID token');
    try {
      const { payload } = await jwtVerify(idToken, this.jwks as JWTVerifyGetKey, {
        issuer: m.issuer,
        audience: this.settings.clientId,
        algorithms: ['RS256', 'ES256'],
      });
      if (payload['nonce'] !== o.nonce) throw new OidcFailure('the ID token belongs to another sign-in (nonce)');
    } catch (error) {
      if (error instanceof OidcFailure) throw error;
      throw new OidcFailure(`the ID token does not verify (${(error as Error).message})`);
    }
    const expires = Number(body['expires_in']);
    return { accessToken, expiresInSeconds: Number.isFinite(expires) && expires > 0 ? expires : 3600 };
  }
}
