import { answerViolations, operationsWithoutAnswerSchema, type OpenApiDocument } from '@crm/platform';
import { oasErrors } from '@crm/platform/testing';
import { startDocumentsApp, type DocumentsTestApp } from '../testing/documents-test-app';

jest.setTimeout(90_000);

describe("documents' OpenAPI document (what the gateway merges and the console is typed from)", () => {
  let t: DocumentsTestApp;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    t = await startDocumentsApp('openapi');
    const res = await t.call<OpenApiDocument>('GET', '/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(() => t.close());

  it('has no spectral:oas error', async () => {
    expect(await oasErrors(doc)).toEqual([]);
  });

  it('declares the answer of every operation: JSON schemas, the file downloads as binary', () => {
    expect(operationsWithoutAnswerSchema(doc)).toEqual([]);
    const download = (doc.paths['/documents/{id}/content'] as Record<string, { responses: Record<string, unknown> }>)
      .get;
    expect(Object.keys(download.responses)).toEqual(expect.arrayContaining(['200', '206', '304', '416']));
  });

  it('answers as it declares: a document, its versions, a search, a re-extraction', async () => {
    const up = await t.upload('The quarterly maintenance plan for the boiler room.\n', { title: 'Maintenance plan' });
    await t.extracted(up.documentId, up.versionId);
    const answers: [string, string, string][] = [
      ['GET', `/documents/${up.documentId}`, '/documents/{id}'],
      ['GET', `/documents/${up.documentId}/versions`, '/documents/{id}/versions'],
      ['GET', `/documents/${up.documentId}/versions/${up.versionId}`, '/documents/{id}/versions/{versionId}'],
      ['GET', '/documents?limit=5', '/documents'],
      ['GET', '/documents/search?q=boiler', '/documents/search'],
      [
        'POST',
        `/documents/${up.documentId}/versions/${up.versionId}/extraction`,
        '/documents/{id}/versions/{versionId}/extraction',
      ],
    ];
    for (const [method, path, route] of answers) {
      const res = await t.call(method, path);
      expect([path, res.status < 300]).toEqual([path, true]);
      expect([path, answerViolations(doc, method, route, res.body)]).toEqual([path, []]);
    }
  });
});
