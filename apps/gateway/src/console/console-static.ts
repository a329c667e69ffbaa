import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/**
 * The console's page: scripts and styles from this origin only, no inline script or style
 * element, no eval, nothing framed, forms and requests to this origin only. React sets styles
 * through the CSSOM (element.style), which the policy does not cover, so no 'unsafe-inline'.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt', '.map']);

export interface StaticFile {
  body: Buffer;
  gzip?: Buffer;
  br?: Buffer;
  type: string;
  etag: string;
  cacheControl: string;
}

export interface StaticAnswer {
  status: 200 | 304 | 404;
  headers: Record<string, string>;
  body?: Buffer;
}

/** Paths the console never answers: the API, the sign-in routes and the service endpoints. */
const NOT_CONSOLE = /^\/(api|auth|health|metrics|openapi\.json)(\/|$)/;

/**
 * The built console, read once at start and compressed once (gzip and brotli). Hashed files
 * under assets/ are cached for a year; index.html is revalidated on every load (ETag), so a
 * new release is picked up at once. A path without a file extension is a screen of the
 * single-page app and gets index.html.
 */
export class ConsoleStatic {
  private readonly files = new Map<string, StaticFile>();

  constructor(readonly dir: string) {
    if (!existsSync(join(dir, 'index.html'))) return;
    for (const path of walk(dir)) {
      const url = `/${relative(dir, path).split(sep).join('/')}`;
      const ext = extname(path);
      const body = readFileSync(path);
      const file: StaticFile = {
        body,
        type: TYPES[ext] ?? 'application/octet-stream',
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
        cacheControl: url.startsWith('/assets/')
          ? 'public, max-age=31536000, immutable'
          : url === '/index.html'
            ? 'no-cache'
            : 'public, max-age=3600',
      };
      this.files.set(url, file);
    }
    this.compressed = this.compress().catch(() => undefined);
  }

  /** Resolves once every file has its gzip and brotli forms; until then files go out uncompressed. */
  readonly compressed: Promise<void> = Promise.resolve();

  /** In libuv's thread pool, off the event loop: start-up and requests do not wait for brotli's best level. */
  private async compress(): Promise<void> {
    for (const [url, file] of this.files) {
      if (!COMPRESSIBLE.has(extname(url)) || file.body.length <= 1024) continue;
      file.gzip = await gzipAsync(file.body, { level: 9 });
      file.br = await brotliAsync(file.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
    }
  }

  get built(): boolean {
    return this.files.has('/index.html');
  }

  /** Whether a path belongs to the console at all (the API and the services' endpoints do not). */
  static owns(path: string): boolean {
    return !NOT_CONSOLE.test(path);
  }

  answer(path: string, headers: { 'accept-encoding'?: string; 'if-none-match'?: string }): StaticAnswer {
    let file = this.files.get(path === '/' ? '/index.html' : path);
    let isIndex = path === '/' || path === '/index.html';
    if (!file && !extname(path) && !path.startsWith('/assets/')) {
      file = this.files.get('/index.html');
      isIndex = true;
    }
    if (!file) return { status: 404, headers: { 'cache-control': 'no-store' } };
    const out: Record<string, string> = {
      'content-type': file.type,
      'cache-control': file.cacheControl,
      etag: file.etag,
      vary: 'Accept-Encoding',
    };
    if (isIndex) out['content-security-policy'] = CONSOLE_CSP;
    if (headers['if-none-match'] === file.etag) return { status: 304, headers: out };
    const accepted = acceptedEncodings(headers['accept-encoding']);
    if (file.br && accepted.has('br'))
      return { status: 200, headers: { ...out, 'content-encoding': 'br' }, body: file.br };
    if (file.gzip && accepted.has('gzip'))
      return { status: 200, headers: { ...out, 'content-encoding': 'gzip' }, body: file.gzip };
    return { status: 200, headers: out, body: file.body };
  }

  /** Bytes of the first load (index.html, its scripts and styles), as sent with gzip: for the note and a spec. */
  initialBytes(): { js: number; css: number } {
    const html = this.files.get('/index.html')?.body.toString('utf8') ?? '';
    const refs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    let js = 0;
    let css = 0;
    for (const ref of refs) {
      const f = this.files.get(ref);
      if (!f) continue;
      const size = (f.gzip ?? f.body).length;
      if (ref.endsWith('.css')) css += size;
      else js += size;
    }
    return { js, css };
  }
}

function acceptedEncodings(header: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p))) continue;
    if (name) out.add(name);
  }
  return out;
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}
