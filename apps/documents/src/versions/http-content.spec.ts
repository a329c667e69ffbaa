import { contentDisposition, notModified, requestedRange } from './http-content';

const etag = '"abc"';
const modified = new Date('2026-12-01T10:00:00.500Z');

describe('byte ranges', () => {
  const range = (value: string, extra: Record<string, string> = {}) =>
    requestedRange({ range: value, ...extra }, 100, etag, modified);

  it('reads one range, an open range and a suffix', () => {
    expect(range('bytes=0-9')).toEqual({ start: 0, end: 9 });
    expect(range('bytes=90-')).toEqual({ start: 90, end: 99 });
    expect(range('bytes=-5')).toEqual({ start: 95, end: 99 });
    expect(range('bytes=50-500')).toEqual({ start: 50, end: 99 });
  });

  it('is unsatisfiable past the end, reversed, or an empty suffix', () => {
    expect(range('bytes=100-')).toBe('unsatisfiable');
    expect(range('bytes=9-3')).toBe('unsatisfiable');
    expect(range('bytes=-0')).toBe('unsatisfiable');
  });

  it('sends the whole file for several ranges, another unit, or a stale If-Range', () => {
    expect(range('bytes=0-1,5-6')).toBeUndefined();
    expect(range('items=0-1')).toBeUndefined();
    expect(range('bytes=0-1', { 'if-range': '"old"' })).toBeUndefined();
    expect(range('bytes=0-1', { 'if-range': etag })).toEqual({ start: 0, end: 1 });
    expect(range('bytes=0-1', { 'if-range': 'Mon, 01 Jan 2001 00:00:00 GMT' })).toBeUndefined();
  });
});

describe('conditional GET', () => {
  it('matches If-None-Match weakly and by list, and If-Modified-Since to the second', () => {
    expect(notModified({ 'if-none-match': `W/${etag}` }, etag, modified)).toBe(true);
    expect(notModified({ 'if-none-match': `"x", ${etag}` }, etag, modified)).toBe(true);
    expect(notModified({ 'if-none-match': '"x"' }, etag, modified)).toBe(false);
    expect(notModified({ 'if-modified-since': modified.toUTCString() }, etag, modified)).toBe(true);
    expect(notModified({ 'if-modified-since': 'Mon, 01 Jan 2001 00:00:00 GMT' }, etag, modified)).toBe(false);
    expect(notModified({ 'if-modified-since': 'yesterday' }, etag, modified)).toBe(false);
  });
});

describe('Content-Disposition', () => {
  it('gives an ASCII fallback and the UTF-8 name, with quotes and separators neutralised', () => {
    expect(contentDisposition('Vertrag "Müller"; v2.pdf')).toBe(
      `attachment; filename="Vertrag _M_ller__ v2.pdf"; filename*=UTF-8''Vertrag%20%22M%C3%BCller%22%3B%20v2.pdf`,
    );
    expect(contentDisposition('a.txt', true)).toMatch(/^inline; /);
  });
});
