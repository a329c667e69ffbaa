import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const SESSION_COOKIE = 'crm_session';
export const OIDC_COOKIE = 'crm_oidc';
export const CSRF_HEADER = 'x-csrf-token';

export interface CookieOptions {
  maxAgeSeconds: number;
  secure: boolean;
  sameSite: 'Strict' | 'Lax';
  path: string;
}

/** Cookie header → name/value pairs; a repeated name keeps its first value (the most specific path). */
export function readCookies(header: string | string[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  const raw = Array.isArray(header) ? header.join('; ') : (header ?? '');
  for (const part of raw.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

export function setCookie(name: string, value: string, o: CookieOptions): string {
  return [
    `${name}=${value}`,
    `Path=${o.path}`,
    `Max-Age=${Math.max(0, Math.floor(o.maxAgeSeconds))}`,
    'HttpOnly',
    `SameSite=${o.sameSite}`,
    ...(o.secure ? ['Secure'] : []),
  ].join('; ');
}

export function clearCookie(name: string, path: string, secure: boolean): string {
  return setCookie(name, '', { maxAgeSeconds: 0, secure, sameSite: 'Strict', path });
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The console's session: the user's token in an httpOnly, SameSite=Strict cookie (never in
 * script-readable storage), and a CSRF token the console keeps in memory and sends as
 * X-CSRF-Token on every API call. The CSRF token is an HMAC of the session token, so it
 * needs no server state and a stolen one is useless with any other session.
 */
export class ConsoleSessions {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('crm console session keys').digest();
  }

  csrfFor(sessionToken: string): string {
    return createHmac('sha256', this.key).update(`csrf\0${sessionToken}`).digest('base64url');
  }

  /** The session token of a request carrying the cookie, or undefined without one; throws when the CSRF token is wrong. */
  credential(headers: IncomingHttpHeaders): string | undefined {
    const token = readCookies(headers['cookie']).get(SESSION_COOKIE);
    if (!token) return undefined;
    const sent = headers[CSRF_HEADER];
    const csrf = Array.isArray(sent) ? sent[0] : sent;
    if (!csrf || !equal(csrf, this.csrfFor(token))) throw new CsrfRefused();
    return token;
  }

  /** A value only this gateway can have written (the OIDC state cookie): base64url JSON plus its HMAC. */
  seal(value: object): string {
    const body = Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${body}.${createHmac('sha256', this.key).update(`seal\0${body}`).digest('base64url')}`;
  }

  unseal<T>(sealed: string | undefined): T | undefined {
    if (!sealed) return undefined;
    const dot = sealed.indexOf('.');
    if (dot <= 0) return undefined;
    const body = sealed.slice(0, dot);
    const mac = createHmac('sha256', this.key).update(`seal\0${body}`).digest('base64url');
    if (!equal(sealed.slice(dot + 1), mac)) return undefined;
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T;
    } catch {
      return undefined;
    }
  }
}

export class CsrfRefused extends Error {
  constructor() {
    super('The console session needs its X-CSRF-Token header (sign in again if this persists)');
    this.name = 'CsrfRefused';
  }
}
