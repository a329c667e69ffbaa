import { describe, expect, it } from 'vitest';
import { csvHeader, guessField } from './imports';
import { sseParser } from './sse';

describe('the imports screen', () => {
  it('reads the header line with the delimiter the import detects, quotes included', () => {
    expect(csvHeader('\uFEFFFirst name,Last name,"E-mail, work"\r\n')).toEqual([
      'First name',
      'Last name',
      'E-mail, work',
    ]);
    expect(csvHeader('a;b;"c ""q"""')).toEqual(['a', 'b', 'c "q"']);
    expect(csvHeader('x\ty')).toEqual(['x', 'y']);
  });
  it('guesses the field of common headers and leaves the rest unmapped', () => {
    expect(['First name', 'Surname', 'E-mail', 'Country', 'Shoe size'].map(guessField)).toEqual([
      'firstName',
      'lastName',
      'email',
      'country',
      '',
    ]);
    expect(guessField('Email')).toBe('email');
  });
  it('parses server-sent events split across chunks', () => {
    const seen: [string, string][] = [];
    const feed = sseParser((e, d) => seen.push([e, d]));
    feed('event: progress\ndata: {"rowsRead":1');
    feed('}\n\n: keep-alive\n\nevent: progress\r\ndata: {"rowsRead":2}\r\n\r\n');
    expect(seen).toEqual([
      ['progress', '{"rowsRead":1}'],
      ['progress', '{"rowsRead":2}'],
    ]);
  });
});
