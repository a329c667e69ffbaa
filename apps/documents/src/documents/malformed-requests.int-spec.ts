import { startDocumentsApp, type DocumentsTestApp } from '../testing/documents-test-app';

jest.setTimeout(60_000);

interface Problem {
  status: number;
  code: string;
  errors?: { field: string; message: string }[];
}

const TABLES = [
  'documents',
  'document_versions',
  'blobs',
  'blob_uploads',
  'document_links',
  'legal_holds',
  'retention_policies',
];
const UUID = '01900000-0000-7000-8000-000000000bad';

describe('malformed requests: each a 4xx problem+json naming the field, nothing written (real Postgres)', () => {
  let t: DocumentsTestApp;
  let documentId: string;
  let counts: Record<string, number>;

  beforeAll(async () => {
    t = await startDocumentsApp('malformed');
    ({ documentId } = await t.upload('a document to aim bad requests at\n'));
    counts = {};
    for (const table of TABLES) counts[table] = await t.count(table);
  });

  afterAll(async () => {
    for (const table of TABLES) expect([table, await t.count(table)]).toEqual([table, counts[table]]);
    await t.close();
  });

  const deep = (n: number): unknown => (n === 0 ? 'x' : { a: deep(n - 1) });
  const multipart = (field: string, withFile: boolean) => {
    const boundary = 'spec-boundary';
    const part = withFile
      ? `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n`
      : `--${boundary}\r\nContent-Disposition: form-data; name="${field}"\r\n\r\nhello\r\n`;
    return { bytes: `${part}--${boundary}--\r\n`, contentType: `multipart/form-data; boundary=${boundary}` };
  };

  type Case = [string, string, string, Record<string, unknown>, number, string | null, string?];
  // [name, method, path, call options, status, field named (null: none), code]
  const cases: Case[] = [
    ['create without a body', 'POST', '/documents', { body: {} }, 400, 'title'],
    ['a blank title', 'POST', '/documents', { body: { title: '   ', type: 'contract' } }, 400, 'title'],
    ['a title with NUL', 'POST', '/documents', { body: { title: 'a\u0000b', type: 'contract' } }, 400, 'title'],
    [
      'a title with a lone surrogate',
      'POST',
      '/documents',
      { body: { title: 'a\ud800b', type: 'contract' } },
      400,
      'title',
    ],
    ['a title too long', 'POST', '/documents', { body: { title: 'x'.repeat(501), type: 'contract' } }, 400, 'title'],
    ['a malformed type', 'POST', '/documents', { body: { title: 't', type: 'Contract!' } }, 400, 'type'],
    [
      'a type not configured',
      'POST',
      '/documents',
      { body: { title: 't', type: 'poems' } },
      400,
      'type',
      'DOCUMENT_TYPE_NOT_ALLOWED',
    ],
    ['tags not a list', 'POST', '/documents', { body: { title: 't', type: 'other', tags: 'a,b' } }, 400, 'tags'],
    [
      'too many tags',
      'POST',
      '/documents',
      { body: { title: 't', type: 'other', tags: Array.from({ length: 51 }, (_, i) => `t${i}`) } },
      400,
      'tags',
    ],
    [
      'a link to an unknown record kind',
      'POST',
      '/documents',
      { body: { title: 't', type: 'other', links: [{ kind: 'spaceship', id: UUID }] } },
      400,
      'links.0.kind',
    ],
    [
      'a link with a bad id',
      'POST',
      '/documents',
      { body: { title: 't', type: 'other', links: [{ kind: 'deal', id: 'abc' }] } },
      400,
      'links.0.id',
    ],
    [
      'an unknown language',
      'POST',
      '/documents',
      { body: { title: 't', type: 'other', language: 'klingon' } },
      400,
      'language',
    ],
    [
      'nested metadata',
      'POST',
      '/documents',
      { body: { title: 't', type: 'other', metadata: { a: { b: 1 } } } },
      400,
      'metadata',
    ],
    ['an unknown field', 'POST', '/documents', { body: { title: 't', type: 'other', colour: 'red' } }, 400, 'colour'],
    [
      'a body nested too deep',
      'POST',
      '/documents',
      { body: { title: 't', type: 'other', metadata: deep(40) } },
      400,
      'metadata',
    ],
    [
      'malformed JSON',
      'POST',
      '/documents',
      { bytes: '{"title": ', contentType: 'application/json' },
      400,
      null,
      'MALFORMED_JSON',
    ],
    ['a document id that is not a UUID', 'GET', '/documents/not-a-uuid', {}, 400, 'id'],
    ['limit 0', 'GET', '/documents?limit=0', {}, 400, 'limit'],
    ['limit past 200', 'GET', '/documents?limit=1000', {}, 400, 'limit'],
    ['a forged cursor', 'GET', '/documents?cursor=!!!', {}, 400, 'cursor'],
    [
      'a cursor of another listing',
      'GET',
      `/documents?cursor=${Buffer.from('[1,2]').toString('base64url')}`,
      {},
      400,
      'cursor',
    ],
    ['recordKind without recordId', 'GET', '/documents?recordKind=contact', {}, 400, 'recordId'],
    ['a date that is not ISO 8601', 'GET', '/documents?from=yesterday', {}, 400, 'from'],
    ['an unknown text status', 'GET', '/documents?textStatus=weird', {}, 400, 'textStatus'],
    ['a search without q', 'GET', '/documents/search', {}, 400, 'q'],
    ['a search q with NUL', 'GET', '/documents/search?q=a%00b', {}, 400, 'q'],
    ['a search q too long', 'GET', `/documents/search?q=${'x'.repeat(501)}`, {}, 400, 'q'],
    [
      'a search with an unknown record kind',
      'GET',
      `/documents/search?q=x&recordKind=planet&recordId=${UUID}`,
      {},
      400,
      'recordKind',
    ],
    [
      'If-Match that is not a version',
      'PATCH',
      '/documents/{id}',
      { body: { title: 'x' }, headers: { 'if-match': '"abc"' } },
      400,
      'If-Match',
    ],
    [
      'pinning a version of another document',
      'PATCH',
      '/documents/{id}',
      { body: { pinnedVersionId: UUID } },
      404,
      'pinnedVersionId',
      'VERSION_NOT_FOUND',
    ],
    ['a link to a planet', 'POST', '/documents/{id}/links', { body: { kind: 'planet', id: UUID } }, 400, 'kind'],
    ['unlinking an unknown kind', 'DELETE', `/documents/{id}/links/planet/${UUID}`, {}, 400, 'kind'],
    [
      'an upload sent as JSON',
      'POST',
      '/documents/{id}/versions',
      { body: { file: 'x' } },
      415,
      'content-type',
      'UNSUPPORTED_CONTENT_TYPE',
    ],
    [
      'multipart without a file part',
      'POST',
      '/documents/{id}/versions',
      multipart('file', false),
      400,
      'file',
      'UPLOAD_EMPTY',
    ],
    [
      'multipart with the file under another name',
      'POST',
      '/documents/{id}/versions',
      multipart('upload', true),
      400,
      'body',
      'UPLOAD_MALFORMED',
    ],
    [
      'multipart without a boundary',
      'POST',
      '/documents/{id}/versions',
      { bytes: 'x', contentType: 'multipart/form-data' },
      400,
      'body',
      'UPLOAD_MALFORMED',
    ],
    [
      'a file name with NUL',
      'POST',
      '/documents/{id}/versions?fileName=a%00b.txt',
      { bytes: 'hello' },
      400,
      'fileName',
      'VALIDATION_FAILED',
    ],
    [
      'a file name that is only a folder',
      'POST',
      '/documents/{id}/versions?fileName=..%2F',
      { bytes: 'hello' },
      400,
      'fileName',
      'UPLOAD_MALFORMED',
    ],
    ['an empty file', 'POST', '/documents/{id}/versions?fileName=a.txt', { bytes: '' }, 400, 'file', 'UPLOAD_EMPTY'],
    [
      'an upload to an unknown document',
      'POST',
      `/documents/${UUID}/versions`,
      { bytes: 'hello' },
      404,
      null,
      'DOCUMENT_NOT_FOUND',
    ],
    [
      'binary of no known type',
      'POST',
      '/documents/{id}/versions',
      { bytes: Buffer.from([0, 1, 2, 3, 250, 251, 0, 9]) },
      415,
      'file',
      'MEDIA_TYPE_NOT_ALLOWED',
    ],
    [
      'a hold on an unknown record kind',
      'POST',
      '/documents/holds',
      { body: { record: { kind: 'galaxy', id: UUID }, reason: 'r' } },
      400,
      'record.kind',
    ],
    ['a hold without a reason', 'POST', '/documents/{id}/holds', { body: {} }, 400, 'reason'],
    ['releasing a hold by a bad id', 'POST', '/documents/holds/nope/release', { body: { reason: 'r' } }, 400, 'holdId'],
    [
      'releasing an unknown hold',
      'POST',
      `/documents/holds/${UUID}/release`,
      { body: { reason: 'r' } },
      404,
      null,
      'HOLD_NOT_FOUND',
    ],
    [
      'retention kept for negative days',
      'PUT',
      '/documents/retention-policies/contract',
      { body: { keepDays: -1, basis: 'created', action: 'delete' } },
      400,
      'keepDays',
    ],
    [
      'retention on an unknown basis',
      'PUT',
      '/documents/retention-policies/contract',
      { body: { keepDays: 1, basis: 'whenever', action: 'delete' } },
      400,
      'basis',
    ],
    [
      'a download disposition that is neither',
      'GET',
      '/documents/{id}/content?disposition=download',
      {},
      400,
      'disposition',
    ],
    [
      'a range past the end',
      'GET',
      '/documents/{id}/content',
      { headers: { range: 'bytes=999999-' } },
      416,
      null,
      'RANGE_NOT_SATISFIABLE',
    ],
    ['a version id that is not a UUID', 'GET', '/documents/{id}/versions/v1', {}, 400, 'versionId'],
  ];

  it('covers at least 30 bad requests', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  // Rows as objects: a test function with more parameters than a row has columns would get jest's `done`.
  it.each(cases.map((c) => ({ name: c[0], c })))('refuses $name', async ({ c }) => {
    const [, method, path, opts, status, field, code] = c;
    const res = await t.call<Problem>(method, path.replace('{id}', documentId), opts);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.status).toBe(status);
    if (code) expect(res.body.code).toBe(code);
    if (field) expect(res.body.errors?.map((e) => e.field)).toContain(field);
  });
});
