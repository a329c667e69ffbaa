import { startDocumentsApp, type DocumentsTestApp } from '../testing/documents-test-app';
import { docxWithText, eml, pdfWithText } from '../testing/fixtures';

jest.setTimeout(90_000);

interface Hit {
  id: string;
  title: string;
  snippet: string;
  rank: number;
  mediaType: string;
}

describe('text extraction and full-text search (real Postgres)', () => {
  let t: DocumentsTestApp;
  const ids: Record<string, string> = {};
  const account = '01900000-0000-7000-8000-00000000a001';

  beforeAll(async () => {
    t = await startDocumentsApp('search');
    const pdf = await t.upload(pdfWithText('The warranty covers the flux capacitor for five years'), {
      fileName: 'warranty.pdf',
      title: 'Warranty terms',
      language: 'english',
      links: [{ kind: 'account', id: account }],
    });
    const docx = await t.upload(
      await docxWithText('Service report\nThe technician replaced the zephyrometer gasket.'),
      {
        fileName: 'report.docx',
        title: 'Service visit',
        type: 'report',
        language: 'english',
      },
    );
    const html = await t.upload(
      '<!doctype html><html><body><h1>Price list</h1><p>Quokka plans start at 10 EUR.</p></body></html>',
      {
        fileName: 'prices.html',
        title: 'Prices',
        type: 'quote',
      },
    );
    const mail = await t.upload(eml('Re: your order', 'Thanks, the marzipan shipment leaves on Monday.'), {
      fileName: 'reply.eml',
      title: 'Order correspondence',
      type: 'correspondence',
    });
    const broken = await t.upload(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2000, 0x41)]), {
      fileName: 'broken.pdf',
      title: 'Broken scan',
    });
    Object.assign(ids, {
      pdf: pdf.documentId,
      docx: docx.documentId,
      html: html.documentId,
      mail: mail.documentId,
      broken: broken.documentId,
    });
    for (const u of [pdf, docx, html, mail, broken]) await t.extracted(u.documentId, u.versionId);
  });

  afterAll(async () => {
    await t.close();
  });

  async function search(q: string, extra = ''): Promise<Hit[]> {
    const res = await t.call<{ items: Hit[] }>('GET', `/documents/search?q=${encodeURIComponent(q)}${extra}`);
    expect(res.status).toBe(200);
    return res.body.items;
  }

  it('finds a word inside a PDF, with a highlighted snippet', async () => {
    const hits = await search('capacitor');
    expect(hits.map((h) => h.id)).toEqual([ids.pdf]);
    expect(hits[0].snippet).toContain('«capacitor»');
    expect(hits[0].mediaType).toBe('application/pdf');
  });

  it('finds a word inside a DOCX, with a highlighted snippet', async () => {
    const hits = await search('zephyrometer');
    expect(hits.map((h) => h.id)).toEqual([ids.docx]);
    expect(hits[0].snippet).toContain('«zephyrometer»');
  });

  it('finds words in HTML and e-mail bodies', async () => {
    expect((await search('quokka')).map((h) => h.id)).toEqual([ids.html]);
    expect((await search('marzipan')).map((h) => h.id)).toEqual([ids.mail]);
  });

  it('stems in the document language and takes web-style syntax: phrases, or, -excluded', async () => {
    expect((await search('replacing')).map((h) => h.id)).toEqual([ids.docx]);
    expect((await search('"flux capacitor"')).map((h) => h.id)).toEqual([ids.pdf]);
    expect((await search('"capacitor flux"')).map((h) => h.id)).toEqual([]);
    expect(new Set((await search('quokka or marzipan')).map((h) => h.id))).toEqual(new Set([ids.html, ids.mail]));
    expect((await search('warranty -capacitor')).map((h) => h.id)).toEqual([]);
  });

  it('ranks a title match above a text match', async () => {
    const title = await t.upload('nothing relevant in here\n', { title: 'Capacitor datasheet', language: 'english' });
    await t.extracted(title.documentId, title.versionId);
    const hits = await search('capacitor');
    expect(hits.map((h) => h.id)).toEqual([title.documentId, ids.pdf]);
    expect(hits[0].rank).toBeGreaterThan(hits[1].rank);
  });

  it("builds a text's vector once, with the text: an edit reuses it, a new language parses the text again", async () => {
    const up = await t.upload('The gardeners were planting tulips along the quay.\n', {
      title: 'Spring works',
      language: 'english',
    });
    await t.extracted(up.documentId, up.versionId);
    const stored = await t.db.query(
      `SELECT vector_language::text AS language, text_vector IS NOT NULL AS vector FROM document_texts WHERE version_id = $1`,
      [up.versionId],
    );
    expect(stored.rows).toEqual([{ language: 'english', vector: true }]);
    const patch = async (body: Record<string, unknown>) => {
      const doc = await t.call<{ version: number }>('GET', `/documents/${up.documentId}`);
      const res = await t.call('PATCH', `/documents/${up.documentId}`, {
        body,
        headers: { 'if-match': `"${doc.body.version}"` },
      });
      expect(res.status).toBe(200);
    };
    await patch({ title: 'Autumn works' });
    expect((await search('plant')).map((h) => h.id)).toEqual([up.documentId]); // english stems: planting -> plant
    expect((await search('autumn')).map((h) => h.id)).toEqual([up.documentId]);
    await patch({ language: 'simple' });
    expect((await search('plant')).map((h) => h.id)).toEqual([]); // no stemming in 'simple'
    expect((await search('planting')).map((h) => h.id)).toEqual([up.documentId]);
  });

  it('filters by type, linked record and creation date', async () => {
    expect((await search('capacitor', '&type=report')).map((h) => h.id)).toEqual([]);
    expect((await search('capacitor', `&recordKind=account&recordId=${account}`)).map((h) => h.id)).toEqual([ids.pdf]);
    expect(await search('capacitor', '&to=2000-01-01')).toEqual([]);
  });

  it('records a failed extraction with its reason and lists it', async () => {
    const versions = await t.call<{ items: { text: { status: string; error: string } }[] }>(
      'GET',
      `/documents/${ids.broken}/versions`,
    );
    expect(versions.body.items[0].text.status).toBe('failed');
    expect(versions.body.items[0].text.error).toMatch(/PDF/);
    const failed = await t.call<{ items: { id: string }[] }>('GET', '/documents?textStatus=failed');
    expect(failed.body.items.map((d) => d.id)).toEqual([ids.broken]);
    const events = await t.outbox({ type: 'crm.documents.text.extracted', subject: ids.broken });
    expect(events[0].payload.data).toMatchObject({ status: 'failed' });
  });

  it("lists a record's documents in one call", async () => {
    const res = await t.call<{ items: { id: string }[] }>('GET', `/documents?recordKind=account&recordId=${account}`);
    expect(res.body.items.map((d) => d.id)).toEqual([ids.pdf]);
  });

  it('pages search results with a cursor', async () => {
    const first = await t.call<{ items: Hit[]; nextCursor: string }>('GET', '/documents/search?q=capacitor&limit=1');
    expect(first.body.items).toHaveLength(1);
    const second = await t.call<{ items: Hit[]; nextCursor: string | null }>(
      'GET',
      `/documents/search?q=capacitor&limit=1&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    expect(second.body.nextCursor).toBeNull();
  });
});
