import {
  contractProblems,
  oasErrors,
  operationsOf,
  unboundedRequestFields,
  type CheckedDocument,
} from '@crm/platform/testing';
import { startSalesApp, type SalesTestApp } from '../testing/sales-test-app';

jest.setTimeout(120_000);

/** The pipeline, deal, forecast and rate routes (products, quotes and orders have their own specs). */
const MINE = /^\/(pipelines|deals|deal-fields|lost-reasons|forecast|currency-rates)/;

describe("sales' OpenAPI document (what the gateway merges)", () => {
  let t: SalesTestApp;
  let doc: CheckedDocument;

  beforeAll(async () => {
    t = await startSalesApp('openapi');
    const res = await fetch(`${t.base}/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as CheckedDocument;
  });
  afterAll(() => t.close());

  it('has no spectral:oas error', async () => {
    expect(await oasErrors(doc)).toEqual([]);
  });

  it('declares for every pipeline, deal, forecast and rate operation its permission, problems and answer schema', () => {
    const mine = operationsOf(doc, MINE);
    expect(mine.length).toBeGreaterThan(20);
    // A download (an export) answers its own media types instead of JSON, each with its schema.
    expect(contractProblems(mine, { permission: 'sales:' })).toEqual([]);
  });

  it('bounds every request string and array of its own routes (OWASP api4), but the shared cursor', async () => {
    expect(await unboundedRequestFields(doc, MINE)).toEqual(['query cursor']);
  });
});
