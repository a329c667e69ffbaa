import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startDocumentsApp, type DocumentsTestApp } from '../testing/documents-test-app';
import { windowsExecutable } from '../testing/fixtures';

jest.setTimeout(60_000);

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  }
  return out;
}

describe('document versions on local disk (real Postgres)', () => {
  let t: DocumentsTestApp;

  beforeAll(async () => {
    t = await startDocumentsApp('versions', { DOCUMENT_MAX_BYTES: String(1024 * 1024) });
  });

  afterAll(async () => {
    await t.close();
  });

  it('keeps every upload as a numbered version, the latest current unless one is pinned, old ones downloadable', async () => {
    const first = await t.upload('first text\n', { fileName: 'terms.txt' });
    const second = await t.upload('second text\n', { documentId: first.documentId, fileName: 'terms-v2.txt' });
    expect(second.version['number']).toBe(2);
    let doc = await t.call<{ currentVersion: { id: string }; versionCount: number; version: number }>(
      'GET',
      `/documents/${first.documentId}`,
    );
    expect(doc.body.currentVersion.id).toBe(second.versionId);
    expect(doc.body.versionCount).toBe(2);
    const old = await t.call('GET', `/documents/${first.documentId}/versions/${first.versionId}/content`);
    expect(old.status).toBe(200);
    expect(old.bytes.toString()).toBe('first text\n');
    expect(old.headers.get('content-disposition')).toContain('filename="terms.txt"');

    const pinned = await t.call<{ currentVersion: { id: string } }>('PATCH', `/documents/${first.documentId}`, {
      body: { pinnedVersionId: first.versionId },
      headers: { 'if-match': `"${doc.body.version}"` },
    });
    expect(pinned.status).toBe(200);
    expect(pinned.body.currentVersion.id).toBe(first.versionId);
    const current = await t.call('GET', `/documents/${first.documentId}/content`);
    expect(current.bytes.toString()).toBe('first text\n');
    doc = await t.call('GET', `/documents/${first.documentId}`);
    const stale = await t.call('PATCH', `/documents/${first.documentId}`, {
      body: { title: 'x' },
      headers: { 'if-match': `"${doc.body.version - 1}"` },
    });
    expect(stale.status).toBe(412);
    const versions = await t.call<{ items: { number: number }[] }>('GET', `/documents/${first.documentId}/versions`);
    expect(versions.body.items.map((v) => v.number)).toEqual([2, 1]);
    const events = await t.outbox({ subject: first.documentId });
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['crm.documents.document.uploaded', 'crm.documents.version.added']),
    );
  });

  it('stores the same file once: two uploads are one blob, deleting one version keeps it for the other', async () => {
    const bytes = `the same contract body ${Date.now()}\n`;
    const a = await t.upload(bytes, { fileName: 'a.txt' });
    const b = await t.upload(bytes, { fileName: 'b.txt' });
    expect(a.version['sha256']).toBe(b.version['sha256']);
    const sha = String(a.version['sha256']);
    expect(await t.count('blobs', `sha256 = '${sha}'`)).toBe(1);
    const blob = await t.db.query(`SELECT storage_key, ref_count FROM blobs WHERE sha256 = $1`, [sha]);
    expect(blob.rows[0].ref_count).toBe(2);
    const onDisk = (await filesUnder(t.storageDir)).filter((f) =>
      f.endsWith(blob.rows[0].storage_key.split('/').pop()),
    );
    expect(onDisk).toHaveLength(1);
    expect(await t.count('blob_uploads')).toBe(0);

    const del = await t.call('DELETE', `/documents/${a.documentId}/versions/${a.versionId}`);
    expect(del.status).toBe(204);
    expect((await t.db.query(`SELECT ref_count FROM blobs WHERE sha256 = $1`, [sha])).rows[0].ref_count).toBe(1);
    const still = await t.call('GET', `/documents/${b.documentId}/content`);
    expect(still.bytes.toString()).toBe(bytes);

    const gone = await t.call('DELETE', `/documents/${b.documentId}`);
    expect(gone.status).toBe(204);
    expect(await t.count('blobs', `sha256 = '${sha}'`)).toBe(0);
    // The object goes through the work queue, after commit.
    for (
      let i = 0;
      i < 100 && (await filesUnder(t.storageDir)).some((f) => f.endsWith(blob.rows[0].storage_key.split('/').pop()));
      i++
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await filesUnder(t.storageDir)).some((f) => f.endsWith(blob.rows[0].storage_key.split('/').pop()))).toBe(
      false,
    );
  });

  it('detects the type from the content: an .exe renamed .pdf is refused with 415 and nothing is kept', async () => {
    const created = await t.call<{ id: string }>('POST', '/documents', { body: { title: 'Invoice', type: 'invoice' } });
    const blobsBefore = await t.count('blobs');
    const filesBefore = (await filesUnder(t.storageDir)).length;
    const res = await t.call<{ code: string; detected: string; errors: { field: string }[] }>(
      'POST',
      `/documents/${created.body.id}/versions?fileName=invoice.pdf`,
      { bytes: windowsExecutable(), contentType: 'application/pdf' },
    );
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.code).toBe('MEDIA_TYPE_NOT_ALLOWED');
    expect(res.body.detected).toBe('application/x-msdownload');
    expect(res.body.errors[0].field).toBe('file');
    expect(await t.count('blobs')).toBe(blobsBefore);
    expect(await t.count('document_versions', `document_id = '${created.body.id}'`)).toBe(0);
    expect(await t.count('blob_uploads')).toBe(0);
    expect((await filesUnder(t.storageDir)).length).toBe(filesBefore);
  });

  it('records the detected type, not the one the client claims', async () => {
    const up = await t.upload('<!doctype html><html><body><p>hello</p></body></html>', { fileName: 'page.pdf' });
    expect(up.version['mediaType']).toBe('text/html');
  });

  it('refuses a body over the limit with 413 problem+json and leaves nothing behind (streamed, chunked)', async () => {
    const created = await t.call<{ id: string }>('POST', '/documents', { body: { title: 'Big', type: 'report' } });
    const blobsBefore = await t.count('blobs');
    const filesBefore = (await filesUnder(t.storageDir)).length;
    const chunk = Buffer.alloc(256 * 1024, 'a');
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 3 * 1024 * 1024) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const res = await fetch(`${t.base}/documents/${created.body.id}/versions?fileName=big.txt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.token()}`, 'content-type': 'text/plain' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    const problem = (await res.json()) as { code: string; limit: number };
    expect(problem.code).toBe('UPLOAD_TOO_LARGE');
    expect(problem.limit).toBe(1024 * 1024);
    expect(await t.count('blobs')).toBe(blobsBefore);
    expect(await t.count('blob_uploads')).toBe(0);
    expect(await t.count('document_versions', `document_id = '${created.body.id}'`)).toBe(0);
    expect((await filesUnder(t.storageDir)).length).toBe(filesBefore);
  });

  it('refuses at once a body whose Content-Length is over the limit', async () => {
    const created = await t.call<{ id: string }>('POST', '/documents', { body: { title: 'Big', type: 'report' } });
    const res = await t.call<{ code: string }>('POST', `/documents/${created.body.id}/versions`, {
      bytes: Buffer.alloc(1024 * 1024 + 1, 'b'),
      contentType: 'text/plain',
    });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('UPLOAD_TOO_LARGE');
  });

  it('takes multipart/form-data with one file part', async () => {
    const created = await t.call<{ id: string }>('POST', '/documents', { body: { title: 'Manual', type: 'manual' } });
    const form = new FormData();
    form.append('file', new Blob(['multipart manual text\n'], { type: 'text/plain' }), 'manual.txt');
    const res = await fetch(`${t.base}/documents/${created.body.id}/versions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.token()}` },
      body: form,
    });
    expect(res.status).toBe(201);
    const v = (await res.json()) as { fileName: string; mediaType: string; size: number };
    expect(v).toMatchObject({ fileName: 'manual.txt', mediaType: 'text/plain', size: 22 });
    expect(res.headers.get('location')).toMatch(new RegExp(`/documents/${created.body.id}/versions/[0-9a-f-]{36}$`));
  });

  describe('downloads', () => {
    let documentId: string;
    const text = '0123456789abcdefghij';

    beforeAll(async () => {
      ({ documentId } = await t.upload(text, { fileName: 'Angebot für Müller.txt' }));
    });

    it('answers with ETag, Last-Modified, Content-Disposition (ASCII and UTF-8 names) and Accept-Ranges', async () => {
      const res = await t.call('GET', `/documents/${documentId}/content`);
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{64}"$/);
      expect(res.headers.get('last-modified')).toBeTruthy();
      expect(res.headers.get('accept-ranges')).toBe('bytes');
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBe(
        `attachment; filename="Angebot f_r M_ller.txt"; filename*=UTF-8''Angebot%20f%C3%BCr%20M%C3%BCller.txt`,
      );
    });

    it('answers a conditional GET with 304 and no body', async () => {
      const first = await t.call('GET', `/documents/${documentId}/content`);
      const etag = first.headers.get('etag') as string;
      const again = await t.call('GET', `/documents/${documentId}/content`, { headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);
      expect(again.bytes.length).toBe(0);
      const since = await t.call('GET', `/documents/${documentId}/content`, {
        headers: { 'if-modified-since': first.headers.get('last-modified') as string },
      });
      expect(since.status).toBe(304);
      const other = await t.call('GET', `/documents/${documentId}/content`, { headers: { 'if-none-match': '"nope"' } });
      expect(other.status).toBe(200);
    });

    it('serves byte ranges with 206 and Content-Range', async () => {
      const mid = await t.call('GET', `/documents/${documentId}/content`, { headers: { range: 'bytes=5-9' } });
      expect(mid.status).toBe(206);
      expect(mid.bytes.toString()).toBe('56789');
      expect(mid.headers.get('content-range')).toBe(`bytes 5-9/${text.length}`);
      const tail = await t.call('GET', `/documents/${documentId}/content`, { headers: { range: 'bytes=-3' } });
      expect(tail.bytes.toString()).toBe('hij');
      const open = await t.call('GET', `/documents/${documentId}/content`, { headers: { range: 'bytes=18-' } });
      expect(open.bytes.toString()).toBe('ij');
    });

    it('answers a range past the end with 416 problem+json and Content-Range bytes */size', async () => {
      const res = await t.call<{ code: string }>('GET', `/documents/${documentId}/content`, {
        headers: { range: 'bytes=100-200' },
      });
      expect(res.status).toBe(416);
      expect(res.body.code).toBe('RANGE_NOT_SATISFIABLE');
      expect(res.headers.get('content-range')).toBe(`bytes */${text.length}`);
    });

    it('sends the whole file when If-Range no longer matches', async () => {
      const res = await t.call('GET', `/documents/${documentId}/content`, {
        headers: { range: 'bytes=0-1', 'if-range': '"stale"' },
      });
      expect(res.status).toBe(200);
      expect(res.bytes.toString()).toBe(text);
    });

    it('answers HEAD with the headers only', async () => {
      const res = await t.call('HEAD', `/documents/${documentId}/content`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-length')).toBe(String(text.length));
    });
  });

  it('refuses to delete a document under legal hold (409) until the hold is released', async () => {
    const { documentId, versionId } = await t.upload('held text\n');
    const hold = await t.call<{ holdId: string }>('POST', `/documents/${documentId}/holds`, {
      body: { reason: 'litigation 2026-17' },
    });
    expect(hold.status).toBe(201);
    const del = await t.call<{ code: string; holdIds: string[] }>('DELETE', `/documents/${documentId}`);
    expect(del.status).toBe(409);
    expect(del.body.code).toBe('DOCUMENT_UNDER_HOLD');
    expect(del.body.holdIds).toEqual([hold.body.holdId]);
    const delVersion = await t.call('DELETE', `/documents/${documentId}/versions/${versionId}`);
    expect(delVersion.status).toBe(409);
    const released = await t.call<{ releasedBy: string; active: boolean }>(
      'POST',
      `/documents/holds/${hold.body.holdId}/release`,
      { body: { reason: 'settled' } },
    );
    expect(released.body).toMatchObject({ releasedBy: 'spec-admin', active: false });
    expect((await t.call('DELETE', `/documents/${documentId}`)).status).toBe(204);
  });
});
