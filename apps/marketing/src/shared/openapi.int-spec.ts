import { operationsWithoutAnswerSchema, type OpenApiDocument } from '@crm/platform';
import {
  contractProblems,
  oasErrors,
  operationsOf,
  unboundedRequestFields,
  type CheckedDocument,
} from '@crm/platform/testing';
import { startMarketingApp, type MarketingTestApp } from '../testing/marketing-test-app';

jest.setTimeout(120_000);

/** The partner routes (/partners, /partner-agreements, /partner-exchange, ...) have their own spec. */
const NOT_PARTNER = /^\/(?!partner)/;
/**
 * Reached by a message's recipient without a login: the signed tracking links and the survey answer
 * link are the credential (the gateway lists the same paths as public).
 */
const PUBLIC = [
  'GET /t/o/{messageId}',
  'GET /t/c/{messageId}',
  'GET /t/u/{messageId}',
  'POST /t/u/{messageId}',
  'GET /s/{token}',
  'POST /s/{token}',
];

describe("marketing's OpenAPI document, but the partner routes (what the gateway merges)", () => {
  let t: MarketingTestApp;
  let doc: CheckedDocument;

  beforeAll(async () => {
    t = await startMarketingApp('openapi');
    const res = await fetch(`${t.base}/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as CheckedDocument;
  });
  afterAll(() => t.close());

  it('has no spectral:oas error', async () => {
    expect(await oasErrors(doc, NOT_PARTNER)).toEqual([]);
  });

  it('declares for every operation its permission, problems and answer schema; the public links are the six known', () => {
    const mine = operationsOf(doc, NOT_PARTNER);
    expect(mine.length).toBeGreaterThan(50);
    expect(mine.map(([name]) => name)).toEqual(expect.arrayContaining([...PUBLIC, 'GET /surveys']));
    expect(contractProblems(mine, { permission: 'marketing:', publicOperations: PUBLIC })).toEqual([]);
  });

  it('types the answer of every operation (the click redirect by its 302 and Location)', () => {
    expect(operationsWithoutAnswerSchema(doc as unknown as OpenApiDocument, NOT_PARTNER)).toEqual([]);
  });

  it('bounds every request string and array of its own routes (OWASP api4), but the shared cursor', async () => {
    expect(await unboundedRequestFields(doc, NOT_PARTNER)).toEqual(['query cursor']);
  });
});
