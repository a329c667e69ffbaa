import { DomainError } from '../errors/domain-error';
import { parseIfMatch } from './if-match';

describe('parseIfMatch', () => {
  it.each([
    ['"3"', 3],
    ['W/"3"', 3],
    ['3', 3],
    ['*', undefined],
    [undefined, undefined],
  ])('%s is %s', (header, version) => expect(parseIfMatch(header)).toBe(version));

  it.each(['"abc"', '-1', '"1.5"', '1234567890'])('refuses %s with a 400 naming If-Match', (header) => {
    try {
      parseIfMatch(header, 'webhook');
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).extra?.errors?.[0]).toEqual({
        field: 'If-Match',
        message: 'must be the webhook version, e.g. "3"',
      });
    }
  });
});
