import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { BodyTooLargeError, isBodyTooLarge, limitBody } from './body-limit';

describe('limitBody', () => {
  it('passes a body up to the limit through unchanged', async () => {
    await expect(text(limitBody(Readable.from([Buffer.from('abc'), Buffer.from('de')]), 5))).resolves.toBe('abcde');
  });

  it('fails once the body passes the limit', async () => {
    await expect(text(limitBody(Readable.from([Buffer.from('abc'), Buffer.from('def')]), 5))).rejects.toBeInstanceOf(
      BodyTooLargeError,
    );
  });

  it('recognises the error when a client library wraps it', () => {
    expect(isBodyTooLarge(new Error('request failed', { cause: new BodyTooLargeError(1) }))).toBe(true);
    expect(isBodyTooLarge(new Error('other'))).toBe(false);
  });
});
