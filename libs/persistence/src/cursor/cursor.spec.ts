import { DomainError } from '@crm/platform';
import { decodeCursor, encodeCursor } from './cursor';

describe('keyset cursors', () => {
  it('round-trips the sort key values of the last row', () => {
    const cursor = encodeCursor(['2026-11-22T10:00:00.000Z', 'a-b-c', 3, null]);
    expect(decodeCursor(cursor, 4)).toEqual(['2026-11-22T10:00:00.000Z', 'a-b-c', 3, null]);
  });

  it.each([
    ['garbage with symbols', '%%%not-a-cursor'],
    ['base64 of text that is not JSON', Buffer.from('hello').toString('base64url')],
    ['a JSON object instead of an array', Buffer.from('{"a":1}').toString('base64url')],
    ['the wrong number of values', encodeCursor(['x'])],
    ['a nested value', Buffer.from('[["x"],1]').toString('base64url')],
    ['an empty string', ''],
  ])('rejects %s as CURSOR_INVALID naming the cursor field', (_label, cursor) => {
    let caught: unknown;
    try {
      decodeCursor(cursor, 2);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect((caught as DomainError).code).toBe('CURSOR_INVALID');
    expect((caught as DomainError).kind).toBe('invalid');
  });
});
