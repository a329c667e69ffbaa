import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { Busboy, type BusboyHeaders } from '@fastify/busboy';
import { unstorableText } from '@crm/platform';
import { documentsError } from '../shared/documents-errors';

export interface UploadSource {
  stream: Readable;
  fileName: string;
  /** What the client says the type is; only a hint among text kinds. */
  declaredType: string | undefined;
}

const MAX_FILE_NAME = 255;
/** Past this much of a refused body the connection is cut rather than read to the end. */
const DISCARD_AT_MOST = 64 * 1024 * 1024;

function badName(message: string) {
  return documentsError('UPLOAD_MALFORMED', `The file name ${message}`, {
    errors: [{ field: 'fileName', message }],
  });
}

/** The last path segment of a client's file name, checked: no NUL, lone surrogates or control characters. */
export function cleanFileName(raw: string | undefined): string {
  if (raw === undefined || raw.trim() === '') return 'unnamed';
  const problem = unstorableText(raw);
  if (problem) throw badName(problem);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) throw badName('must not contain control characters');
  const name = raw.split(/[\\/]/).pop()?.trim() ?? '';
  if (name === '' || name === '.' || name === '..') throw badName('must name a file');
  if ([...name].length > MAX_FILE_NAME) throw badName(`must be at most ${MAX_FILE_NAME} characters`);
  return name;
}

/** filename* (RFC 5987/6266) wins over filename in a Content-Disposition header. */
export function fileNameFromDisposition(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      throw badName('is not valid percent-encoded UTF-8');
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/.exec(header);
  if (!plain) return undefined;
  return (plain[1] ?? plain[2]).replace(/\\(.)/g, '$1').trim();
}

function mediaTypeOf(header: string | undefined): string | undefined {
  const type = header?.split(';')[0].trim().toLowerCase();
  return type || undefined;
}

/**
 * The file of an upload request: a raw body (any type but multipart, with
 * the name from Content-Disposition or ?fileName=) or multipart/form-data
 * with exactly one file part. The stream is the request's own: nothing is
 * buffered here.
 */
export function uploadSource(raw: IncomingMessage, queryFileName: string | undefined): Promise<UploadSource> {
  const contentType = raw.headers['content-type'];
  const type = mediaTypeOf(contentType);
  if (type === 'application/json') {
    return Promise.reject(
      documentsError('UNSUPPORTED_CONTENT_TYPE', 'Send the file itself (any type but JSON) or multipart/form-data', {
        errors: [{ field: 'content-type', message: 'must be the file or multipart/form-data' }],
      }),
    );
  }
  if (type !== 'multipart/form-data') {
    const fileName = cleanFileName(queryFileName ?? fileNameFromDisposition(raw.headers['content-disposition']));
    return Promise.resolve({ stream: raw, fileName, declaredType: type });
  }
  return new Promise<UploadSource>((resolve, reject) => {
    let parser: ReturnType<typeof Busboy>;
    try {
      parser = Busboy({ headers: raw.headers as BusboyHeaders, limits: { files: 1, fields: 20, parts: 21 } });
    } catch {
      reject(malformed('its multipart boundary is missing'));
      return;
    }
    let settled = false;
    const settle = (fn: () => void) => {
      if (!settled) {
        settled = true;
        fn();
      }
    };
    parser.on('file', (field, stream, fileName, _encoding, mimeType) => {
      if (field !== 'file') {
        stream.resume();
        return settle(() => reject(malformed(`its file part must be named "file", not "${field.slice(0, 40)}"`)));
      }
      try {
        const name = cleanFileName(queryFileName ?? fileName);
        settle(() => resolve({ stream, fileName: name, declaredType: mediaTypeOf(mimeType) }));
      } catch (error) {
        stream.resume();
        settle(() => reject(error));
      }
    });
    parser.on('filesLimit', () => settle(() => reject(malformed('carries more than one file'))));
    parser.on('error', () => settle(() => reject(malformed('is not valid multipart/form-data'))));
    parser.on('finish', () =>
      settle(() =>
        reject(
          documentsError('UPLOAD_EMPTY', 'The multipart body has no file part', {
            errors: [{ field: 'file', message: 'is required' }],
          }),
        ),
      ),
    );
    raw.pipe(parser);
  });
}

function malformed(what: string) {
  return documentsError('UPLOAD_MALFORMED', `The upload ${what}`, { errors: [{ field: 'body', message: what }] });
}

/**
 * After refusing an upload, reads and drops what the client is still
 * sending (bounded), so it reads the answer instead of a broken pipe.
 */
export function discardRest(raw: IncomingMessage): void {
  if (raw.complete || raw.destroyed) return;
  raw.unpipe();
  let dropped = 0;
  raw.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > DISCARD_AT_MOST) raw.socket.destroy();
  });
  raw.resume();
}
