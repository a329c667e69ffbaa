import { createHash, randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { api, prepareSuite, type Suite } from './support/suite';
import { newPerson } from './support/contacts';
import type { ServiceProcess } from './support/processes';

jest.setTimeout(300_000);

const MB = 1024 * 1024;

/** Resident memory of a process in bytes, from /proc (Linux). */
function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

function pidOf(service: ServiceProcess): number {
  // The spec measures the built app's own process; ServiceProcess keeps its child private.
  const child = (service as unknown as { child?: ChildProcess }).child;
  if (!child?.pid) throw new Error('the service is not running');
  return child.pid;
}

/** `size` bytes of text lines, made as they are read (never held whole), hashed on the way. */
function textStream(size: number, hash: ReturnType<typeof createHash>): ReadableStream<Uint8Array> {
  const line = Buffer.from('A long service report line with nothing to find in it, repeated for size.\n');
  const chunk = Buffer.alloc(MB);
  for (let i = 0; i < MB; i += line.length) line.copy(chunk, i, 0, Math.min(line.length, MB - i));
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) return controller.close();
      const piece = chunk.subarray(0, Math.min(MB, size - sent));
      sent += piece.length;
      hash.update(piece);
      controller.enqueue(new Uint8Array(piece));
    },
  });
}

/** A minimal one-page PDF with `text` in it. */
function pdf(text: string): Buffer {
  const stream = `BT /F1 18 Tf 72 700 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

describe('documents through the gateway: streamed uploads in bounded memory, search, the customer 360', () => {
  let suite: Suite;
  let gw: string;
  let admin: string;

  beforeAll(async () => {
    suite = await prepareSuite(['contacts', 'documents', 'gateway']);
    const internal = { INTERNAL_TOKEN_SECRET: randomBytes(32).toString('hex') };
    // One after another: on a busy machine three cold starts at once can miss the start deadline.
    await suite.services['documents'].start({
      ...internal,
      STORAGE_DIR: `/tmp/crm-e2e-documents-${suite.namespace}`,
      DOCUMENT_MAX_BYTES: String(256 * MB),
      WORK_POLL_MS: '100',
    });
    await suite.services['documents'].waitReady();
    await suite.services['contacts'].start(internal);
    await suite.services['contacts'].waitReady();
    await suite.services['gateway'].start({
      ...internal,
      CONTACTS_URL: suite.services['contacts'].baseUrl,
      DOCUMENTS_URL: suite.services['documents'].baseUrl,
      ANALYTICS_URL: 'http://127.0.0.1:9',
      SALES_URL: 'http://127.0.0.1:9',
      SUPPORT_URL: 'http://127.0.0.1:9',
    });
    await suite.services['gateway'].waitReady();
    gw = `${suite.services['gateway'].baseUrl}/api/v1`;
    admin = await suite.token(['admin']);
  });

  afterAll(async () => {
    await suite?.teardown();
    const { rm } = await import('node:fs/promises');
    await rm(`/tmp/crm-e2e-documents-${suite.namespace}`, { recursive: true, force: true });
  });

  it('streams a 200 MB upload through the gateway with neither process growing by 64 MB, and reads it back by range', async () => {
    const doc = await api<{ id: string }>(gw, 'POST', '/documents', admin, { title: 'Big report', type: 'report' });
    expect(doc.status).toBe(201);
    const pids = { gateway: pidOf(suite.services['gateway']), documents: pidOf(suite.services['documents']) };
    const before = { gateway: rss(pids.gateway), documents: rss(pids.documents) };
    const peak = { ...before };
    const sampler = setInterval(() => {
      peak.gateway = Math.max(peak.gateway, rss(pids.gateway));
      peak.documents = Math.max(peak.documents, rss(pids.documents));
    }, 50);
    const hash = createHash('sha256');
    const size = 200 * MB;
    const started = Date.now();
    const res = await fetch(`${gw}/documents/${doc.body.id}/versions?fileName=big-report.txt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/plain' },
      body: textStream(size, hash),
      duplex: 'half',
    } as RequestInit);
    const seconds = (Date.now() - started) / 1000;
    clearInterval(sampler);
    const version = (await res.json()) as { sha256: string; size: number; mediaType: string; id: string };
    expect(res.status).toBe(201);
    expect(version).toMatchObject({ sha256: hash.digest('hex'), size, mediaType: 'text/plain' });
    const growth = { gateway: peak.gateway - before.gateway, documents: peak.documents - before.documents };
    process.stdout.write(
      `200 MB upload through the gateway: ${(200 / seconds).toFixed(1)} MB/s; RSS growth gateway ${(growth.gateway / MB).toFixed(1)} MB, documents ${(growth.documents / MB).toFixed(1)} MB\n`,
    );
    expect(growth.gateway).toBeLessThan(64 * MB);
    expect(growth.documents).toBeLessThan(64 * MB);

    const tail = await fetch(`${gw}/documents/${doc.body.id}/content`, {
      headers: { authorization: `Bearer ${admin}`, range: `bytes=${size - 10}-` },
    });
    expect(tail.status).toBe(206);
    expect(tail.headers.get('content-range')).toBe(`bytes ${size - 10}-${size - 1}/${size}`);
    expect((await tail.arrayBuffer()).byteLength).toBe(10);
    const etag = tail.headers.get('etag') as string;
    const again = await fetch(`${gw}/documents/${doc.body.id}/content`, {
      headers: { authorization: `Bearer ${admin}`, 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
  });

  it('refuses a body over the documents limit at the gateway by its Content-Length, with 413 problem+json', async () => {
    const doc = await api<{ id: string }>(gw, 'POST', '/documents', admin, { title: 'Too big', type: 'report' });
    const url = new URL(`${gw}/documents/${doc.body.id}/versions`);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        url,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${admin}`,
            'content-type': 'text/plain',
            'content-length': String(4 * 1024 * MB),
          },
        },
        (r) => {
          let body = '';
          r.on('data', (d) => (body += d));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.write(Buffer.alloc(64 * 1024, 'x'));
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    const versions = await api<{ items: unknown[] }>(gw, 'GET', `/documents/${doc.body.id}/versions`, admin);
    expect(versions.body.items).toEqual([]);
  });

  it("finds a PDF's word through the gateway's search and shows the contact's documents in the customer 360", async () => {
    const person = await api<{ id: string }>(gw, 'POST', '/contacts', admin, newPerson(0, suite.namespace));
    expect(person.status).toBe(201);
    const doc = await api<{ id: string }>(gw, 'POST', '/documents', admin, {
      title: 'Signed contract',
      type: 'contract',
      language: 'english',
      links: [{ kind: 'contact', id: person.body.id }],
    });
    const up = await fetch(`${gw}/documents/${doc.body.id}/versions?fileName=contract.pdf`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/pdf' },
      body: pdf('The hovercraft is full of eels'),
    });
    expect(up.status).toBe(201);
    let hits: { id: string; subtitle: string }[] = [];
    for (let i = 0; i < 100 && hits.length === 0; i++) {
      const found = await api<{ results: { document?: { id: string; subtitle: string }[] } }>(
        gw,
        'GET',
        '/search?q=hovercraft',
        admin,
      );
      hits = found.body.results.document ?? [];
      if (!hits.length) await new Promise((r) => setTimeout(r, 200));
    }
    expect(hits.map((h) => h.id)).toEqual([doc.body.id]);
    expect(hits[0].subtitle).toContain('«hovercraft»');

    const customer = await api<{
      parts: { documents?: { items: { id: string; mediaType: string }[]; total: number } };
    }>(gw, 'GET', `/customers/${person.body.id}`, admin);
    expect(customer.status).toBe(200);
    expect(customer.body.parts.documents).toMatchObject({
      total: 1,
      items: [{ id: doc.body.id, mediaType: 'application/pdf' }],
    });
  });

  it('lets a read-only caller download but not upload, through the gateway', async () => {
    const reader = await suite.token(['read-only']);
    const doc = await api<{ id: string }>(gw, 'POST', '/documents', reader, { title: 'x', type: 'other' });
    expect(doc.status).toBe(403);
    const list = await api(gw, 'GET', '/documents', reader);
    expect(list.status).toBe(200);
  });
});
