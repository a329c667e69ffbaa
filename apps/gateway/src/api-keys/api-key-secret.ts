import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'crm_';
const SHAPE = /^crm_[A-Za-z0-9_-]{43}$/;

export interface NewApiKeySecret {
  /** Shown to the admin once; never stored. */
  key: string;
  /** sha-256 of the key, hex: what the database keeps. */
  hash: string;
  /** The first characters, stored so an admin can tell keys apart. */
  prefix: string;
}

/** 256 random bits: a hash without a salt is enough, as nothing this long is guessable. */
export function generateApiKey(): NewApiKeySecret {
  const key = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashApiKey(key), prefix: key.slice(0, PREFIX.length + 6) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Cheap shape check, so malformed keys never reach the database. */
export function isWellFormedApiKey(key: string): boolean {
  return SHAPE.test(key);
}
