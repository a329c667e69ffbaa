import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, type ServiceConfig } from '@crm/platform';

export interface OidcSettings {
  /** The issuer URL; its /.well-known/openid-configuration names the endpoints. */
  issuer: string;
  clientId: string;
  /** Only for a confidential client (sent as client_secret_post); PKCE is used either way. */
  clientSecret?: string;
  scopes: string;
  /** The registered redirect URI; unset, `<scheme>://<host>/auth/callback` of the request. */
  redirectUrl?: string;
}

export interface ConsoleSettings {
  /** The built console (index.html and assets/). */
  staticDir: string;
  /** `POST /auth/local` signs anyone in with the roles they pick: for `npm start` only. */
  localSignIn: boolean;
  /** Lifetime of a local session. */
  sessionTtlSeconds: number;
  /** Secure cookies on every response, not only for https requests. */
  secureCookies: boolean;
  oidc?: OidcSettings;
}

export const CONSOLE_SETTINGS = Symbol('crm:console-settings');

/** Where `nx build console` puts the files, seen from dist/apps/gateway/main.js (or from the sources under jest). */
function defaultStaticDir(): string {
  const candidates = [resolve(__dirname, '../console'), resolve(process.cwd(), 'dist/apps/console')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0];
}

function bool(env: NodeJS.ProcessEnv, name: string, problems: { variable: string; message: string }[]): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return false;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  problems.push({ variable: name, message: `must be true or false, got "${env[name]}"` });
  return false;
}

function httpUrl(raw: string): boolean {
  try {
    const u = new URL(raw);
    return (u.protocol === 'https:' || u.protocol === 'http:') && !u.search && !u.hash && !u.username;
  } catch {
    return false;
  }
}

/**
 * CONSOLE_DIR, CONSOLE_LOCAL_SIGNIN, CONSOLE_SESSION_TTL_SECONDS, CONSOLE_COOKIE_SECURE and the
 * OIDC client (CONSOLE_OIDC_ISSUER, CONSOLE_OIDC_CLIENT_ID, CONSOLE_OIDC_CLIENT_SECRET,
 * CONSOLE_OIDC_SCOPES, CONSOLE_OIDC_REDIRECT_URL); a bad value stops the gateway naming it.
 */
export function loadConsoleSettings(env: NodeJS.ProcessEnv, config: Pick<ServiceConfig, 'AUTH_JWT_SECRET'>) {
  const problems: { variable: string; message: string }[] = [];
  const localSignIn = bool(env, 'CONSOLE_LOCAL_SIGNIN', problems);
  if (localSignIn && !config.AUTH_JWT_SECRET)
    problems.push({
      variable: 'CONSOLE_LOCAL_SIGNIN',
      message: 'needs AUTH_JWT_SECRET: local sessions are HS256 tokens',
    });
  const ttlRaw = env['CONSOLE_SESSION_TTL_SECONDS']?.trim();
  const sessionTtlSeconds = ttlRaw ? Number(ttlRaw) : 8 * 3600;
  if (!Number.isInteger(sessionTtlSeconds) || sessionTtlSeconds < 60 || sessionTtlSeconds > 7 * 86400)
    problems.push({
      variable: 'CONSOLE_SESSION_TTL_SECONDS',
      message: `must be a whole number from 60 to 604800, got "${ttlRaw}"`,
    });
  let oidc: OidcSettings | undefined;
  const issuer = env['CONSOLE_OIDC_ISSUER']?.trim();
  const clientId = env['CONSOLE_OIDC_CLIENT_ID']?.trim();
  if (issuer || clientId) {
    if (!issuer || !httpUrl(issuer))
      problems.push({ variable: 'CONSOLE_OIDC_ISSUER', message: 'must be the http(s) URL of the OIDC issuer' });
    if (!clientId)
      problems.push({ variable: 'CONSOLE_OIDC_CLIENT_ID', message: 'is required with CONSOLE_OIDC_ISSUER' });
    const redirectUrl = env['CONSOLE_OIDC_REDIRECT_URL']?.trim() || undefined;
    if (redirectUrl && !httpUrl(redirectUrl))
      problems.push({
        variable: 'CONSOLE_OIDC_REDIRECT_URL',
        message: 'must be an http(s) URL ending in /auth/callback',
      });
    oidc = {
      issuer: (issuer ?? '').replace(/\/+$/, ''),
      clientId: clientId ?? '',
      clientSecret: env['CONSOLE_OIDC_CLIENT_SECRET'] || undefined,
      scopes: env['CONSOLE_OIDC_SCOPES']?.trim() || 'openid profile email',
      redirectUrl,
    };
  }
  const secureCookies = bool(env, 'CONSOLE_COOKIE_SECURE', problems);
  if (problems.length) throw new ConfigError(problems);
  return {
    staticDir: env['CONSOLE_DIR']?.trim() ? resolve(env['CONSOLE_DIR'].trim()) : defaultStaticDir(),
    localSignIn,
    sessionTtlSeconds,
    secureCookies,
    oidc,
  } satisfies ConsoleSettings;
}
