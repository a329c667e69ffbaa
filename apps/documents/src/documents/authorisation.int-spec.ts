import { startDocumentsApp, type DocumentsTestApp } from '../testing/documents-test-app';

jest.setTimeout(60_000);

describe('authorisation: each role against a read, a write and an admin route (real Postgres)', () => {
  let t: DocumentsTestApp;
  let documentId: string;

  beforeAll(async () => {
    t = await startDocumentsApp('authorisation');
    ({ documentId } = await t.upload('a document\n'));
  });

  afterAll(async () => {
    await t.close();
  });

  // role: [GET /documents/:id/content, POST /documents, POST /documents/:id/holds]
  const matrix: [string, number, number, number][] = [
    ['admin', 200, 201, 201],
    ['sales', 200, 201, 403],
    ['support', 200, 201, 403],
    ['analyst', 200, 403, 403],
    ['read-only', 200, 403, 403],
    ['marketing', 403, 403, 403],
    ['no-such-role', 403, 403, 403],
  ];

  it.each(matrix)('%s: read %i, write %i, admin %i', async (role, read, write, admin) => {
    const token = await t.token([role]);
    const holdsBefore = await t.count('legal_holds');
    const docsBefore = await t.count('documents');
    const r = await t.call('GET', `/documents/${documentId}/content`, { token });
    const w = await t.call<{ code: string }>('POST', '/documents', { token, body: { title: 'x', type: 'other' } });
    const a = await t.call('POST', `/documents/${documentId}/holds`, { token, body: { reason: 'r' } });
    expect([r.status, w.status, a.status]).toEqual([read, write, admin]);
    if (w.status === 403) {
      expect(w.body.code).toBe('PERMISSION_DENIED');
      expect(await t.count('documents')).toBe(docsBefore);
    }
    if (a.status === 403) expect(await t.count('legal_holds')).toBe(holdsBefore);
    if (a.status === 201) {
      const hold = a.body as { holdId: string };
      await t.call('POST', `/documents/holds/${hold.holdId}/release`, { body: { reason: 'spec' } });
    }
  });

  it('refuses every route without a token (401) and an upload before reading its body', async () => {
    for (const [method, path] of [
      ['GET', '/documents'],
      ['GET', `/documents/${documentId}/content`],
      ['GET', '/documents/search?q=x'],
      ['POST', `/documents/${documentId}/versions`],
      ['DELETE', `/documents/${documentId}`],
    ]) {
      const res = await t.call(method, path, { token: null, ...(method === 'POST' ? { bytes: 'x' } : {}) });
      expect([method, path, res.status]).toEqual([method, path, 401]);
    }
    const forged = await t.call('GET', '/documents', { token: 'not.a.jwt' });
    expect(forged.status).toBe(401);
    expect(await t.count('document_versions', `document_id = '${documentId}'`)).toBe(1);
  });
});
