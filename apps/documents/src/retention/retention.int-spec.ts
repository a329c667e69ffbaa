import { startDocumentsApp, type DocumentsTestApp } from '../testing/documents-test-app';

jest.setTimeout(60_000);

async function until(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
}

describe('retention by a durable scheduled job, legal hold (real Postgres)', () => {
  let t: DocumentsTestApp;

  beforeAll(async () => {
    t = await startDocumentsApp('retention', { RETENTION_SWEEP_MS: '300' });
  });

  afterAll(async () => {
    await t.close();
  });

  const exists = async (id: string) => (await t.count('documents', `id = '${id}'`)) === 1;

  it('deletes due documents on schedule, flags review types, and spares documents under hold until released', async () => {
    const recordId = '01900000-0000-7000-8000-0000000000d1';
    const due = await t.upload('an old quote\n', { type: 'quote' });
    const heldByDocument = await t.upload('a quote in dispute\n', { type: 'quote' });
    const heldByRecord = await t.upload('a quote of a deal in dispute\n', {
      type: 'quote',
      links: [{ kind: 'deal', id: recordId }],
    });
    const review = await t.upload('an invoice\n', { type: 'invoice' });
    const kept = await t.upload('a contract\n', { type: 'contract' });
    const hold = await t.call<{ holdId: string }>('POST', `/documents/${heldByDocument.documentId}/holds`, {
      body: { reason: 'audit' },
    });
    const recordHold = await t.call<{ holdId: string; record: unknown }>('POST', '/documents/holds', {
      body: { record: { kind: 'deal', id: recordId }, reason: 'claim 7' },
    });
    expect(recordHold.status).toBe(201);
    expect(recordHold.body.record).toEqual({ kind: 'deal', id: recordId });
    // Policies last: with keepDays 0 the documents are due at once.
    expect(
      (
        await t.call('PUT', '/documents/retention-policies/quote', {
          body: { keepDays: 0, basis: 'created', action: 'delete' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await t.call('PUT', '/documents/retention-policies/invoice', {
          body: { keepDays: 0, basis: 'created', action: 'review' },
        })
      ).status,
    ).toBe(200);

    await until(async () => !(await exists(due.documentId)));
    await until(
      async () => (await t.count('documents', `id = '${review.documentId}' AND review_flagged_at IS NOT NULL`)) === 1,
    );
    // Two more sweeps: the held ones stay.
    await new Promise((r) => setTimeout(r, 800));
    expect(await exists(heldByDocument.documentId)).toBe(true);
    expect(await exists(heldByRecord.documentId)).toBe(true);
    expect(await exists(review.documentId)).toBe(true);
    expect(await exists(kept.documentId)).toBe(true);
    const expired = await t.outbox({ type: 'crm.documents.retention.expired', subject: due.documentId });
    expect(expired[0].payload.data).toMatchObject({ action: 'delete', documentType: 'quote' });
    expect(
      (await t.outbox({ type: 'crm.documents.document.deleted', subject: due.documentId }))[0].payload.data,
    ).toMatchObject({
      reason: 'retention',
    });
    const flagged = await t.call<{ items: { id: string }[] }>('GET', '/documents?flaggedForReview=true');
    expect(flagged.body.items.map((d) => d.id)).toEqual([review.documentId]);

    await t.call('POST', `/documents/holds/${hold.body.holdId}/release`, { body: { reason: 'audit closed' } });
    await until(async () => !(await exists(heldByDocument.documentId)));
    expect(await exists(heldByRecord.documentId)).toBe(true);
    await t.call('POST', `/documents/holds/${recordHold.body.holdId}/release`, { body: { reason: 'claim settled' } });
    await until(async () => !(await exists(heldByRecord.documentId)));
    const holds = await t.call<{ items: { holdId: string; releasedBy: string; releaseReason: string }[] }>(
      'GET',
      '/documents/holds?active=false',
    );
    expect(holds.body.items.map((h) => h.releaseReason).sort()).toEqual(['audit closed', 'claim settled']);
  });

  it('counts from the last link removed for "unlinked" policies', async () => {
    await t.call('PUT', '/documents/retention-policies/manual', {
      body: { keepDays: 0, basis: 'unlinked', action: 'delete' },
    });
    const contact = '01900000-0000-7000-8000-0000000000c1';
    const linked = await t.upload('a manual\n', { type: 'manual', links: [{ kind: 'contact', id: contact }] });
    await new Promise((r) => setTimeout(r, 800));
    expect(await exists(linked.documentId)).toBe(true);
    expect((await t.call('DELETE', `/documents/${linked.documentId}/links/contact/${contact}`)).status).toBe(200);
    await until(async () => !(await exists(linked.documentId)));
  });

  it('keeps the sweep as one durable job row that outlives the process', async () => {
    const rows = await t.db.query(
      `SELECT kind, run_at > now() - interval '5 seconds' AS fresh FROM work_jobs WHERE kind = 'retention-sweep'`,
    );
    expect(rows.rows).toEqual([{ kind: 'retention-sweep', fresh: true }]);
  });

  it('refuses a policy for a type that is not configured', async () => {
    const res = await t.call<{ code: string }>('PUT', '/documents/retention-policies/poems', {
      body: { keepDays: 1, basis: 'created', action: 'delete' },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('DOCUMENT_TYPE_NOT_ALLOWED');
  });
});
