import { operationsWithoutAnswerSchema, type OpenApiDocument } from '@crm/platform';
import { oasErrors, operationsOf, unboundedRequestFields, type CheckedDocument } from '@crm/platform/testing';
import { startMarketingApp, type MarketingTestApp } from '../testing/marketing-test-app';
import { AGREEMENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './partner-crypto';

jest.setTimeout(120_000);

/** Every first path segment the partner controllers own (partners, sharing, files, the partner exchange). */
const PARTNER_PATHS =
  /^\/(partners|partner-agreements|partner-shares|partner-audiences|partner-audit|partner-files|partner-exchange)(\/|$)/;
const EXCHANGE = /^\/partner-exchange\//;

describe("the partner routes' OpenAPI (marketing's /openapi.json, partner paths only)", () => {
  let t: MarketingTestApp;
  let doc: CheckedDocument;
  /** The document with only the partner paths (and every component): what is linted. */
  let partnerDoc: CheckedDocument;

  beforeAll(async () => {
    t = await startMarketingApp('partners_openapi');
    const res = await fetch(`${t.base}/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as CheckedDocument;
    partnerDoc = {
      ...doc,
      paths: Object.fromEntries(Object.entries(doc.paths).filter(([path]) => PARTNER_PATHS.test(path))),
    };
  });
  afterAll(() => t.close());

  const operations = () => operationsOf(partnerDoc);

  it('has no spectral:oas error on the partner paths', async () => {
    expect(await oasErrors(partnerDoc)).toEqual([]);
  });

  it('declares an answer schema for every partner operation (a download: for each of its media types)', () => {
    expect(operations().length).toBe(28);
    expect(operationsWithoutAnswerSchema(doc as unknown as OpenApiDocument, PARTNER_PATHS)).toEqual([]);
    const download = doc.paths['/partner-files/{id}/content'].get.responses['200'].content ?? {};
    expect(Object.keys(download).sort()).toEqual(['application/x-ndjson', 'text/csv']);
    for (const media of Object.values(download)) expect(media.schema).toEqual({ type: 'string', format: 'binary' });
  });

  it('declares for every user operation its marketing:partners permission, bearer security, 401 and 403', () => {
    const wrong: string[] = [];
    const user = operations().filter(([name]) => !EXCHANGE.test(name.split(' ')[1]));
    expect(user.length).toBe(25);
    for (const [name, op] of user) {
      const path = name.split(' ')[1];
      const declared = new Set((op.parameters ?? []).flatMap((p) => (p.in === 'path' && p.name ? [p.name] : [])));
      for (const [, param] of path.matchAll(/\{([^}]+)\}/g))
        if (!declared.has(param)) wrong.push(`${name}: path parameter ${param}`);
      const permission = op['x-required-permission'];
      if (permission !== 'marketing:partners:read' && permission !== 'marketing:partners:admin')
        wrong.push(`${name}: permission ${String(permission)}`);
      else if (!op.description?.includes(`\`${permission}\``)) wrong.push(`${name}: permission not in the description`);
      if (!op.security?.some((s) => 'bearer' in s)) wrong.push(`${name}: no bearer security`);
      for (const status of ['401', '403']) if (!op.responses[status]) wrong.push(`${name}: no ${status}`);
    }
    expect(wrong).toEqual([]);
    // Reading is read; anything that changes or moves data is admin.
    expect(doc.paths['/partner-shares'].get['x-required-permission']).toBe('marketing:partners:read');
    expect(doc.paths['/partner-agreements/{id}/shares'].post['x-required-permission']).toBe('marketing:partners:admin');
    expect(doc.paths['/partner-files/{id}/content'].get['x-required-permission']).toBe('marketing:partners:admin');
  });

  it('declares the partner exchange as signature-authenticated: no token, no permission, its three signed headers, 401', () => {
    const exchange = operations().filter(([name]) => EXCHANGE.test(name.split(' ')[1]));
    expect(exchange.map(([name]) => name).sort()).toEqual([
      'POST /partner-exchange/v1/audiences',
      'POST /partner-exchange/v1/deletions',
      'POST /partner-exchange/v1/match',
    ]);
    for (const [name, op] of exchange) {
      expect([name, op['x-required-permission']]).toEqual([name, undefined]);
      expect([name, op.security ?? []]).toEqual([name, []]);
      const headers = (op.parameters ?? []).filter((p) => p.in === 'header');
      expect([name, headers.map((h) => [h.name, h.required]).sort()]).toEqual([
        name,
        [
          [AGREEMENT_HEADER, true],
          [SIGNATURE_HEADER, true],
          [TIMESTAMP_HEADER, true],
        ].sort(),
      ]);
      // A bad signature is 401 PARTNER_SIGNATURE_INVALID; there is no permission to lack, so no 403.
      expect([name, Object.keys(op.responses).filter((s) => s === '401' || s === '403')]).toEqual([name, ['401']]);
      expect(op.responses['401'].content?.['application/problem+json']?.schema).toEqual({
        $ref: '#/components/schemas/Problem',
      });
    }
  });

  it('bounds every request string and array of the partner routes (OWASP api4), but the shared cursor', async () => {
    expect(await unboundedRequestFields(partnerDoc)).toEqual(['query cursor']);
  });
});
