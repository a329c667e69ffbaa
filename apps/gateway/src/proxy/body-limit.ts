import { Transform, type Readable } from 'node:stream';
import { reclaimStreamBuffers } from '@crm/platform';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Passes a body of unknown length (chunked) through, failing once it passes
 * the limit. The source is unpiped, not destroyed, so the client still gets a 413.
 */
export function limitBody(source: Readable, limit: number): Readable {
  let seen = 0;
  const reclaim = reclaimStreamBuffers();
  const guard = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      reclaim(chunk.length);
      if (seen > limit) callback(new BodyTooLargeError(limit));
      else callback(null, chunk);
    },
  });
  source.once('error', (error) => guard.destroy(error));
  return source.pipe(guard);
}

export function isBodyTooLarge(error: unknown): error is BodyTooLargeError {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof BodyTooLargeError) return true;
  }
  return false;
}

export { discardRest } from '@crm/platform';
