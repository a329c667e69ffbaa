import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * What both partners compute the same way. The agreement's shared key (32
 * random bytes, base64url) never leaves either suite in a request: from it
 * come a matching key (identifiers are HMAC'd with it, so a list of hashes
 * reveals nothing to whoever lacks the key) and a signing key (every
 * exchange request is signed with it), kept apart so one use cannot be
 * turned into the other.
 */
export const SIGNATURE_HEADER = 'x-crm-partner-signature';
export const TIMESTAMP_HEADER = 'x-crm-partner-timestamp';
export const AGREEMENT_HEADER = 'x-crm-partner-agreement';

export function newSharedKey(): string {
  return randomBytes(32).toString('base64url');
}

export function isSharedKey(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}

function derive(sharedKey: string, purpose: string): Buffer {
  return createHmac('sha256', Buffer.from(sharedKey, 'base64url')).update(purpose).digest();
}

export function matchingKey(sharedKey: string): Buffer {
  return derive(sharedKey, 'crm-partner-match-v1');
}

export function signingKey(sharedKey: string): Buffer {
  return derive(sharedKey, 'crm-partner-sign-v1');
}

/** Trimmed and lower-cased; null when it is not an address. */
export function normaliseEmail(email: string | null | undefined): string | null {
  const e = email?.trim().toLowerCase();
  return e && /^[^\s@]+@[^\s@]+$/.test(e) ? e : null;
}

/** Digits with a leading +: spaces, dots, dashes and brackets dropped, 00 read as +; null when too short. */
export function normalisePhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  let p = phone.trim().replace(/[\s.\-()/]/g, '');
  if (p.startsWith('00')) p = `+${p.slice(2)}`;
  if (!/^\+?\d{6,15}$/.test(p)) return null;
  return p.startsWith('+') ? p : `+${p}`;
}

/** HMAC-SHA256 (hex) of the normalised identifier with its kind, under the agreement's matching key. */
export function identifierHash(key: Buffer, kind: 'email' | 'phone', normalised: string): string {
  return createHmac('sha256', key).update(`${kind}:${normalised}`).digest('hex');
}

export function emailHash(key: Buffer, email: string | null | undefined): string | null {
  const e = normaliseEmail(email);
  return e ? identifierHash(key, 'email', e) : null;
}

export function phoneHash(key: Buffer, phone: string | null | undefined): string | null {
  const p = normalisePhone(phone);
  return p ? identifierHash(key, 'phone', p) : null;
}

/** `sha256=<hex>` of HMAC(signing key, "<timestamp>.<body>"). */
export function signBody(key: Buffer, timestamp: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', key).update(`${timestamp}.`).update(body).digest('hex')}`;
}

export function signatureMatches(key: Buffer, timestamp: string, body: string | Buffer, given: string): boolean {
  const expected = Buffer.from(signBody(key, timestamp, body));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A partner file's detached signature: `sha256=<hex>` of HMAC(signing key, "file.<manifest bytes>"). */
export function signManifest(key: Buffer, manifest: string | Buffer): string {
  return signBody(key, 'file', manifest);
}

export function manifestSignatureMatches(key: Buffer, manifest: string | Buffer, given: string): boolean {
  return signatureMatches(key, 'file', manifest, given);
}
