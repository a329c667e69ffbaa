import type { IncomingHttpHeaders } from 'node:http';
import type { ByteRange } from '../storage/blob-store';

/** `attachment; filename="plain ascii"; filename*=UTF-8''percent-encoded` (RFC 6266), inline on request. */
export function contentDisposition(fileName: string, inline = false): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function etagsOf(value: string): string[] {
  return value.split(',').map((t) => t.trim().replace(/^W\//, ''));
}

/** Whether a conditional GET may answer 304: If-None-Match (weak comparison) first, else If-Modified-Since. */
export function notModified(headers: IncomingHttpHeaders, etag: string, lastModified: Date): boolean {
  const inm = header(headers, 'if-none-match');
  if (inm !== undefined) {
    const tags = etagsOf(inm);
    return tags.includes('*') || tags.includes(etag);
  }
  const ims = header(headers, 'if-modified-since');
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  if (Number.isNaN(since)) return false;
  return Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
}

/**
 * The one byte range a request asks for, `undefined` to send the whole file
 * (no Range, a Range that cannot be read, several ranges, or an If-Range
 * that no longer matches), or `'unsatisfiable'` for 416.
 */
export function requestedRange(
  headers: IncomingHttpHeaders,
  size: number,
  etag: string,
  lastModified: Date,
): ByteRange | 'unsatisfiable' | undefined {
  const raw = header(headers, 'range');
  if (raw === undefined) return undefined;
  const ifRange = header(headers, 'if-range');
  if (ifRange !== undefined) {
    const trimmed = ifRange.trim();
    if (trimmed.startsWith('"') || trimmed.startsWith('W/')) {
      if (trimmed !== etag) return undefined;
    } else {
      const date = Date.parse(trimmed);
      if (Number.isNaN(date) || Math.floor(lastModified.getTime() / 1000) * 1000 > date) return undefined;
    }
  }
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(raw);
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (!Number.isSafeInteger(start) || start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}
