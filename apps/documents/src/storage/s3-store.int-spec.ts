import { mkdtemp, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
// s3rver ships no types.
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
};
import { startDocumentsApp, type DocumentsTestApp } from '../testing/documents-test-app';
import { windowsExecutable } from '../testing/fixtures';

jest.setTimeout(90_000);

describe('documents on a real S3-protocol server (s3rver)', () => {
  let server: InstanceType<typeof S3rver>;
  let dir: string;
  let endpoint: string;
  let t: DocumentsTestApp;
  let s3: S3Client;
  const bucket = 'crm-documents-spec';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crm-s3rver-'));
    server = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: dir,
      configureBuckets: [{ name: bucket }],
    });
    const address = await server.run();
    endpoint = `http://127.0.0.1:${address.port}`;
    t = await startDocumentsApp('s3', {
      STORAGE_DRIVER: 's3',
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      DOCUMENT_MAX_BYTES: String(32 * 1024 * 1024),
    });
    s3 = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
  });

  afterAll(async () => {
    await t?.close();
    s3?.destroy();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function keys(): Promise<string[]> {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    return (out.Contents ?? []).map((o) => o.Key as string).sort();
  }

  it('streams a multipart-sized upload into the bucket and reads it back whole and by range', async () => {
    const line = 'S3 stored line of a long service manual\n';
    const body = Buffer.from(line.repeat(Math.ceil((10 * 1024 * 1024) / line.length)));
    const up = await t.upload(body, { fileName: 'manual.txt', type: 'manual' });
    expect(up.version['sha256']).toBe(createHash('sha256').update(body).digest('hex'));
    expect(up.version['size']).toBe(body.length);
    const [key] = (await t.db.query(`SELECT storage_key FROM blobs WHERE sha256 = $1`, [up.version['sha256']])).rows;
    expect(await keys()).toContain(key.storage_key);
    const whole = await t.call('GET', `/documents/${up.documentId}/content`);
    expect(whole.bytes.equals(body)).toBe(true);
    const part = await t.call('GET', `/documents/${up.documentId}/content`, { headers: { range: 'bytes=3-12' } });
    expect(part.status).toBe(206);
    expect(part.bytes.toString()).toBe(body.subarray(3, 13).toString());
  });

  it('keeps one object for two uploads of one file, and removes it once no version references it', async () => {
    const before = await keys();
    const a = await t.upload('same bytes in S3\n', { fileName: 'a.txt' });
    const b = await t.upload('same bytes in S3\n', { fileName: 'b.txt' });
    const after = await keys();
    expect(after.length).toBe(before.length + 1);
    expect((await t.call('DELETE', `/documents/${a.documentId}`)).status).toBe(204);
    expect((await keys()).length).toBe(before.length + 1);
    expect((await t.call('GET', `/documents/${b.documentId}/content`)).bytes.toString()).toBe('same bytes in S3\n');
    expect((await t.call('DELETE', `/documents/${b.documentId}`)).status).toBe(204);
    for (let i = 0; i < 100 && (await keys()).length !== before.length; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await keys()).toEqual(before);
  });

  it('leaves no object behind for a refused upload', async () => {
    const before = await keys();
    const created = await t.call<{ id: string }>('POST', '/documents', { body: { title: 'x', type: 'other' } });
    const res = await t.call('POST', `/documents/${created.body.id}/versions?fileName=x.pdf`, {
      bytes: windowsExecutable(),
    });
    expect(res.status).toBe(415);
    expect(await keys()).toEqual(before);
    expect(await t.count('blob_uploads')).toBe(0);
  });

  it('answers readiness with the bucket checked', async () => {
    const res = await t.call<{ checks: Record<string, { status: string }> }>('GET', '/health/ready', { token: null });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain('storage');
  });
});
