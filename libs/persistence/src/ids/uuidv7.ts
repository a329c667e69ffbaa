import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let counter = 0;

/**
 * Random bytes are drawn from the CSPRNG 128 ids at a time (as crypto.randomUUID
 * does), each byte used once: a call per id cost a syscall (OpenSSL's fork
 * check) and a Buffer, on the hot path of every insert.
 */
const POOL = Buffer.alloc(16 * 128);
let poolOffset = POOL.length;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * RFC 9562 UUIDv7: 48-bit unix milliseconds, then random bits. A 12-bit
 * counter in rand_a keeps ids made within one millisecond in creation order,
 * so primary keys stay roughly sequential for b-tree inserts and keyset paging.
 */
export function uuidv7(now: number = Date.now()): string {
  if (now <= lastMs) {
    counter += 1;
    if (counter > 0xfff) {
      lastMs += 1;
      counter = 0;
    }
  } else {
    lastMs = now;
    counter = 0;
  }
  if (poolOffset === POOL.length) {
    randomFillSync(POOL);
    poolOffset = 0;
  }
  const r = poolOffset;
  poolOffset += 16;
  const ms = lastMs;
  const hi = Math.floor(ms / 2 ** 32);
  return (
    HEX[(hi >>> 8) & 0xff] +
    HEX[hi & 0xff] +
    HEX[(ms >>> 24) & 0xff] +
    HEX[(ms >>> 16) & 0xff] +
    '-' +
    HEX[(ms >>> 8) & 0xff] +
    HEX[ms & 0xff] +
    '-' +
    HEX[0x70 | ((counter >>> 8) & 0x0f)] +
    HEX[counter & 0xff] +
    '-' +
    HEX[(POOL[r + 8] & 0x3f) | 0x80] +
    HEX[POOL[r + 9]] +
    '-' +
    HEX[POOL[r + 10]] +
    HEX[POOL[r + 11]] +
    HEX[POOL[r + 12]] +
    HEX[POOL[r + 13]] +
    HEX[POOL[r + 14]] +
    HEX[POOL[r + 15]]
  );
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value);
}
