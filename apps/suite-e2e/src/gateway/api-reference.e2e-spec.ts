import { bearer, call, startGatewaySuite, type GatewaySuite } from './gateway-suite';
import { lintOas, lintOwasp, tally } from './spectral';

interface Operation {
  operationId?: string;
  description?: string;
  parameters?: ({ $ref: string } | { name: string; in: string; required?: boolean })[];
  responses: Record<string, { description: string; content?: Record<string, { schema?: unknown }> }>;
  security?: Record<string, string[]>[];
  'x-required-permission'?: string;
}

interface MergedDocument {
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, unknown>;
    parameters?: Record<string, { name: string; in: string; required?: boolean }>;
  };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function operations(doc: MergedDocument): [string, Operation][] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m): [string, Operation] => [`${m.toUpperCase()} ${path}`, item[m]]),
  );
}

describe('the API reference at /api/docs', () => {
  let s: GatewaySuite;
  let doc: MergedDocument;

  beforeAll(async () => {
    s = await startGatewaySuite(['contacts', 'analytics']);
    const answer = await call<MergedDocument>(s.gateway.baseUrl, 'GET', '/api/openapi.json');
    expect(answer.status).toBe(200);
    doc = answer.body;
  });

  afterAll(() => s?.teardown());

  it('merges the real services into a document spectral:oas finds no error in', async () => {
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/api/v1/contacts'))).toBe(true);
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/api/v1/analytics'))).toBe(true);
    const findings = await lintOas(doc);
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('declares for every operation its path parameters, its permission, its problems and its answer', () => {
    const wrong: string[] = [];
    for (const [name, op] of operations(doc)) {
      const path = name.split(' ')[1];
      const declared = new Set((op.parameters ?? []).flatMap((p) => ('in' in p && p.in === 'path' ? [p.name] : [])));
      for (const [, param] of path.matchAll(/\{([^}]+)\}/g))
        if (!declared.has(param)) wrong.push(`${name}: path parameter ${param}`);
      if (!op['x-required-permission']) wrong.push(`${name}: no x-required-permission`);
      else if (!op.description?.includes(`\`${op['x-required-permission']}\``))
        wrong.push(`${name}: permission not in the description`);
      if (!op.security?.length) wrong.push(`${name}: no security`);
      const statuses = Object.keys(op.responses);
      for (const status of ['401', '403']) if (!statuses.includes(status)) wrong.push(`${name}: no ${status}`);
      for (const status of statuses.filter((st) => st.startsWith('4'))) {
        const schema = op.responses[status].content?.['application/problem+json']?.schema;
        if (JSON.stringify(schema) !== JSON.stringify({ $ref: '#/components/schemas/Problem' }))
          wrong.push(`${name}: ${status} is not the shared Problem`);
      }
      const success = statuses.filter((st) => st.startsWith('2'));
      if (success.length === 0) wrong.push(`${name}: no 2xx`);
      for (const status of success.filter((st) => st !== '204')) {
        // JSON answers, or a download's own media types (CSV, JSON lines, the file itself).
        const content = op.responses[status].content ?? {};
        if (!Object.values(content).some((c) => c.schema)) wrong.push(`${name}: ${status} has no schema`);
      }
    }
    expect(wrong).toEqual([]);
    expect(doc.components.schemas['Problem']).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['type', 'status', 'code']),
    });
  });

  it('declares If-Match once, optional, and refers to it', () => {
    expect(doc.components.parameters?.['IfMatch']).toMatchObject({ name: 'If-Match', in: 'header', required: false });
    const users = operations(doc).filter(([, op]) =>
      (op.parameters ?? []).some((p) => '$ref' in p && p.$ref === '#/components/parameters/IfMatch'),
    );
    expect(users.map(([name]) => name)).toContain('PATCH /api/v1/contacts/{id}');
    const inline = operations(doc).filter(([, op]) =>
      (op.parameters ?? []).some((p) => 'name' in p && p.name.toLowerCase() === 'if-match'),
    );
    expect(inline).toEqual([]);
  });

  it('serves Swagger UI and its files from the gateway under the strict content security policy', async () => {
    const page = await fetch(`${s.gateway.baseUrl}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    const files = [...html.matchAll(/(?:src|href)="(\/api\/docs\/[^"]+)"/g)].map((m) => m[1]);
    expect(files).toEqual(
      expect.arrayContaining([
        '/api/docs/swagger-ui-bundle.js',
        '/api/docs/swagger-initializer.js',
        '/api/docs/swagger-ui.css',
      ]),
    );
    for (const file of files) {
      const answer = await fetch(`${s.gateway.baseUrl}${file}`);
      expect({ file, status: answer.status }).toEqual({ file, status: 200 });
      expect(answer.headers.get('content-security-policy')).toBe(csp);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      await answer.arrayBuffer();
    }
    const init = await (await fetch(`${s.gateway.baseUrl}/api/docs/swagger-initializer.js`)).text();
    expect(init).toContain('"/api/openapi.json"');
    const unknown = await fetch(`${s.gateway.baseUrl}/api/docs/index.html`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
  });

  it('answers the operations the document lists as it says: a contact read needs no more than contacts:read', async () => {
    const reader = bearer(await s.token(['read-only']));
    const list = await call(s.gateway.baseUrl, 'GET', '/api/v1/contacts?limit=1', reader);
    expect(list.status).toBe(200);
    const get = doc.paths['/api/v1/contacts']['get'];
    expect(get['x-required-permission']).toBe('contacts:read');
  });

  it('leaves only the OWASP findings the README explains', async () => {
    const findings = await lintOwasp(doc);
    // apps/gateway/README.md (API reference) says why each of these remains.
    const explained = [
      'owasp:api4:2023-array-limit',
      'owasp:api4:2023-rate-limit',
      'owasp:api4:2023-string-limit',
      'owasp:api5:2023-admin-security-unique',
      'owasp:api8:2023-define-cors-origin',
    ];
    const errors = [...new Set(findings.filter((f) => f.severity === 'error').map((f) => f.rule))];
    expect(errors.filter((rule) => !explained.includes(rule))).toEqual([]);
    expect(tally(findings)).not.toHaveProperty(['error owasp:api2:2023-jwt-best-practices']);
    // Request strings and arrays declare their bounds; only what the README names is left.
    const unbounded = findings
      .filter((f) => /api4:2023-(string|array)-limit$/.test(f.rule))
      .map((f) => {
        const at = /^paths\.(.+)\.(get|post|put|patch|delete)\.parameters\.(\d+)\./.exec(f.path);
        const param = at ? doc.paths[at[1]]?.[at[2]]?.parameters?.[Number(at[3])] : undefined;
        return param && 'name' in param ? `${param.in} ${param.name}` : f.path;
      });
    expect([...new Set(unbounded)].sort()).toEqual([
      'paths./api/v1/accounts/export.get.responses.200.content.application/x-ndjson.schema',
      'paths./api/v1/accounts/export.get.responses.200.content.text/csv.schema',
      'paths./api/v1/accounts/imports/{id}/errors.get.responses.200.content.text/csv.schema',
      'paths./api/v1/accounts/imports/{id}/events.get.responses.200.content.text/event-stream.schema',
      'paths./api/v1/contacts/export.get.responses.200.content.application/x-ndjson.schema',
      'paths./api/v1/contacts/export.get.responses.200.content.text/csv.schema',
      'paths./api/v1/custom-fields.get.responses.200.content.application/json.schema',
      'paths./api/v1/imports/{id}/errors.get.responses.200.content.text/csv.schema',
      'paths./api/v1/imports/{id}/events.get.responses.200.content.text/event-stream.schema',
      'query cursor',
      'query tag',
    ]);
  });
});
