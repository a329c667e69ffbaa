import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CONSOLE_CSP, ConsoleStatic } from './console-static';

describe('ConsoleStatic', () => {
  let dir: string;
  let files: ConsoleStatic;
  const script = `console.log(${JSON.stringify('x'.repeat(5000))});`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'console-static-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<script type="module" src="/assets/index-abc.js"></script>');
    writeFileSync(join(dir, 'assets/index-abc.js'), script);
    writeFileSync(join(dir, 'favicon.svg'), '<svg/>');
    files = new ConsoleStatic(dir);
    await files.compressed;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers a screen of the app (no file extension) with index.html under the strict CSP, revalidated each load', () => {
    for (const path of ['/', '/contacts', '/contacts/0192/edit']) {
      const a = files.answer(path, {});
      expect(a.status).toBe(200);
      expect(a.body?.toString()).toContain('/assets/index-abc.js');
      expect(a.headers).toMatchObject({ 'content-security-policy': CONSOLE_CSP, 'cache-control': 'no-cache' });
    }
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toContain('unsafe');
  });

  it('caches hashed assets for a year and refuses unknown files instead of sending the page', () => {
    expect(files.answer('/assets/index-abc.js', {}).headers['cache-control']).toBe(
      'public, max-age=31536000, immutable',
    );
    expect(files.answer('/assets/index-old.js', {}).status).toBe(404);
    expect(files.answer('/robots.txt', {}).status).toBe(404);
    expect(files.answer('/favicon.svg', {}).headers['cache-control']).toBe('public, max-age=3600');
  });

  it('sends brotli or gzip as accepted, and 304 for a matching ETag', () => {
    const br = files.answer('/assets/index-abc.js', { 'accept-encoding': 'gzip, br' });
    expect(br.headers['content-encoding']).toBe('br');
    const gz = files.answer('/assets/index-abc.js', { 'accept-encoding': 'gzip, br;q=0' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body as Buffer).toString()).toBe(script);
    expect(files.answer('/assets/index-abc.js', {}).body?.toString()).toBe(script);
    const etag = br.headers['etag'];
    expect(files.answer('/assets/index-abc.js', { 'if-none-match': etag }).status).toBe(304);
  });

  it('leaves the API and the service endpoints alone', () => {
    for (const path of ['/api', '/api/v1/contacts', '/auth/session', '/health/live', '/metrics', '/openapi.json'])
      expect(ConsoleStatic.owns(path)).toBe(false);
    expect(ConsoleStatic.owns('/contacts')).toBe(true);
    expect(ConsoleStatic.owns('/apis')).toBe(true);
  });

  it('knows when there is no build', () => {
    expect(new ConsoleStatic(join(dir, 'missing')).built).toBe(false);
    expect(files.initialBytes().js).toBeGreaterThan(0);
  });
});
