import { DOCS_PATH, INITIALIZER, OPENAPI_JSON_PATH, SwaggerUi } from './swagger-ui';

describe('the Swagger UI page', () => {
  const ui = new SwaggerUi();
  const html = String(ui.page().body);

  it('has no inline script: every script is a file the gateway serves from swagger-ui-dist or its own initializer', () => {
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBe(2);
    for (const [, attributes, content] of scripts) {
      expect(content.trim()).toBe('');
      const src = /src="([^"]+)"/.exec(attributes)?.[1] ?? '';
      expect(src.startsWith(`${DOCS_PATH}/`)).toBe(true);
      expect(ui.asset(src.slice(DOCS_PATH.length + 1))?.contentType).toContain('javascript');
    }
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toContain('<style');
  });

  it('links only files of its own origin', () => {
    const links = [...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(link.startsWith('/api/')).toBe(true);
  });

  it('serves the real Swagger UI bundle and stylesheet from the installed package', () => {
    const bundle = ui.asset('swagger-ui-bundle.js');
    expect(String(bundle?.body).length).toBeGreaterThan(500_000);
    expect(String(bundle?.body)).toContain('SwaggerUIBundle');
    expect(ui.asset('swagger-ui.css')?.contentType).toBe('text/css; charset=utf-8');
    expect(ui.asset('favicon-32x32.png')?.contentType).toBe('image/png');
  });

  it('starts Swagger UI on the merged document and asks no validator elsewhere', () => {
    const init = String(ui.asset(INITIALIZER)?.body);
    expect(init).toContain(`url: "${OPENAPI_JSON_PATH}"`);
    expect(init).toContain('validatorUrl: null');
    expect(init).toContain('showExtensions: true');
  });

  it('serves nothing else of the package', () => {
    expect(ui.asset('index.html')).toBeUndefined();
    expect(ui.asset('../package.json')).toBeUndefined();
    expect(ui.asset('swagger-ui-bundle.js.map')).toBeUndefined();
  });
});
