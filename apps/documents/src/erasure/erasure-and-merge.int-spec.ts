import { buildCloudEvent, ensureStream, type CloudEvent } from '@crm/messaging';
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

describe('contact merged and erased (real Postgres and NATS)', () => {
  let t: DocumentsTestApp;

  beforeAll(async () => {
    t = await startDocumentsApp('erasure');
    await ensureStream(await t.nc.jetstreamManager(), t.naming.streamFor('contacts'), [
      t.naming.streamSubjects('contacts'),
    ]);
  });

  afterAll(async () => {
    await t.close();
  });

  async function publish(e: CloudEvent): Promise<void> {
    await t.nc.jetstream().publish(t.naming.subjectFor(e.type), JSON.stringify(e), { msgID: e.id });
  }

  const contact = (n: number) => `01900000-0000-7000-8000-00000000${String(n).padStart(4, '0')}`;

  it('moves links and holds of a merged contact to the target', async () => {
    const source = contact(1);
    const target = contact(2);
    const onlySource = await t.upload('source doc\n', { links: [{ kind: 'contact', id: source }] });
    const both = await t.upload('both doc\n', {
      links: [
        { kind: 'contact', id: source },
        { kind: 'contact', id: target },
      ],
    });
    await t.call('POST', '/documents/holds', { body: { record: { kind: 'contact', id: source }, reason: 'case' } });
    await publish(
      buildCloudEvent('contacts', {
        type: 'crm.contacts.contact.merged',
        subject: source,
        version: 3,
        data: { sourceId: source, targetId: target },
      }),
    );
    await until(async () => (await t.count('document_links', `record_id = '${source}'`)) === 0);
    const listed = await t.call<{ items: { id: string }[] }>('GET', `/documents?recordKind=contact&recordId=${target}`);
    expect(new Set(listed.body.items.map((d) => d.id))).toEqual(new Set([onlySource.documentId, both.documentId]));
    expect(await t.count('document_links', `document_id = '${both.documentId}'`)).toBe(1);
    expect(await t.count('legal_holds', `record_id = '${target}' AND released_at IS NULL`)).toBe(1);
  });

  it('deletes documents linked only to an erased person, unlinks shared ones, keeps held ones and confirms once', async () => {
    const person = contact(10);
    const account = '01900000-0000-7000-8000-00000000a010';
    const only = await t.upload('personal letter\n', {
      type: 'correspondence',
      links: [{ kind: 'contact', id: person }],
    });
    const shared = await t.upload('account contract\n', {
      links: [
        { kind: 'contact', id: person },
        { kind: 'account', id: account },
      ],
    });
    const held = await t.upload('disputed letter\n', {
      type: 'correspondence',
      links: [{ kind: 'contact', id: person }],
    });
    await t.call('POST', `/documents/${held.documentId}/holds`, { body: { reason: 'litigation' } });
    const erased = buildCloudEvent('contacts', {
      type: 'crm.contacts.contact.erased',
      subject: person,
      version: 5,
      data: { id: person, status: 'erased', erasureRequestId: '01900000-0000-7000-8000-0000000e0001' },
    });
    await publish(erased);
    await until(
      async () => (await t.outbox({ type: 'crm.documents.erasure.completed', subject: person })).length === 1,
    );
    const [receipt] = await t.outbox({ type: 'crm.documents.erasure.completed', subject: person });
    expect(receipt.payload.data).toMatchObject({
      contactId: person,
      requestId: '01900000-0000-7000-8000-0000000e0001',
      records: 2,
      heldDocumentIds: [held.documentId],
    });
    expect(await t.count('documents', `id = '${only.documentId}'`)).toBe(0);
    expect(await t.count('documents', `id = '${shared.documentId}'`)).toBe(1);
    expect(await t.count('document_links', `document_id = '${shared.documentId}' AND record_id = '${person}'`)).toBe(0);
    expect(await t.count('document_links', `document_id = '${held.documentId}' AND record_id = '${person}'`)).toBe(1);

    // Redelivered: nothing is applied twice, no second receipt.
    await t.nc
      .jetstream()
      .publish(t.naming.subjectFor(erased.type), JSON.stringify(erased), { msgID: `${erased.id}-again` });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await t.outbox({ type: 'crm.documents.erasure.completed', subject: person })).toHaveLength(1);
  });
});
