import { startContactsApp, type ContactsTestApp } from '../testing/contacts-test-app';

jest.setTimeout(120_000);

interface Status {
  id: string;
  status: string;
  rowsTotal: number;
  rowsRead: number;
  valid: number;
  written: number;
  updated: number;
  skipped: number;
  failed: number;
}

describe('importing contacts from CSV (real Postgres, durable job)', () => {
  let t: ContactsTestApp;
  let mappingId: string;

  beforeAll(async () => {
    t = await startContactsApp('imports');
    await t.call('POST', '/custom-fields', {
      body: { key: 'tier', label: 'Tier', type: 'enum', options: ['gold', 'silver'] },
    });
    const m = await t.call<{ id: string }>('POST', '/import-mappings', {
      body: {
        name: 'shop export',
        columns: {
          'First name': 'firstName',
          Surname: 'lastName',
          'E-mail': 'email',
          Country: 'country',
          Tags: 'tags',
          'Customer no': 'externalId',
          Tier: 'cf.tier',
        },
        externalSource: 'shop',
      },
    });
    expect(m.status).toBe(201);
    mappingId = m.body.id;
  });
  afterAll(() => t.close());

  async function upload(csv: string, query = ''): Promise<Status> {
    const token = await t.token();
    const res = await fetch(`${t.base}/imports?mappingId=${mappingId}${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: csv,
    });
    const body = (await res.json()) as Status;
    expect(res.status).toBe(202);
    return body;
  }

  async function finished(id: string): Promise<Status> {
    for (let i = 0; i < 200; i++) {
      const s = (await t.call<Status>('GET', `/imports/${id}`)).body;
      if (['completed', 'cancelled', 'failed'].includes(s.status)) return s;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('import did not finish');
  }

  it('reads a semicolon CSV with BOM, CRLF and quoted fields; writes the good rows and reports each bad one', async () => {
    const csv =
      '\uFEFFFirst name;Surname;E-mail;Country;Tags;Customer no;Tier\r\n' +
      'Ada;Lovelace;ada@import.example;GB;vip|math;C1;gold\r\n' +
      '"Grace";"Hopper; Jr";grace@import.example;US;;C2;silver\r\n' +
      'Bad;Email;not-an-email;FR;;C3;gold\r\n' +
      'Bad;Country;bad.country@import.example;XX;;C4;gold\r\n' +
      'Bad;Tier;bad.tier@import.example;FR;;C5;bronze\r\n';
    const s = await finished((await upload(csv)).id);
    expect(s).toMatchObject({ status: 'completed', rowsTotal: 5, rowsRead: 5, valid: 2, written: 2, failed: 3 });
    const ada = (await t.call<{ items: { id: string; tags: string[] }[] }>('GET', '/contacts?q=C1')).body.items;
    expect(ada).toHaveLength(1);
    const view = (
      await t.call<{ tags: string[]; customFields: unknown; externalIds: unknown }>('GET', `/contacts/${ada[0].id}`)
    ).body;
    expect(view).toMatchObject({
      tags: ['vip', 'math'],
      customFields: { tier: 'gold' },
      externalIds: [{ source: 'shop', id: 'C1' }],
    });
    expect(
      (await t.call<{ items: { displayName: string }[] }>('GET', '/contacts?q=shop:C2')).body.items[0].displayName,
    ).toBe('Grace Hopper; Jr');
    const report = await fetch(`${t.base}/imports/${s.id}/errors`, {
      headers: { authorization: `Bearer ${await t.token()}` },
    });
    const lines = (await report.text()).trim().split('\r\n');
    expect(lines[0]).toBe('row,column,value,message');
    expect(lines.slice(1)).toEqual([
      '3,E-mail,not-an-email,must be an email address',
      '4,Country,XX,must be an ISO 3166-1 alpha-2 country code',
      expect.stringMatching(/^5,Tier,bronze,/),
    ]);
    const created = await t.outbox({ type: 'crm.contacts.contact.created' });
    expect(created).toHaveLength(2);
    // The event an import writes in SQL carries what the API's own contact.created carries.
    const viaApi = await t.call<{ id: string }>('POST', '/contacts', {
      body: { firstName: 'Api', lastName: 'Made', emails: [{ address: 'api.made@import.example' }] },
    });
    const apiEvent = (await t.outbox({ type: 'crm.contacts.contact.created', subject: viaApi.body.id }))[0].payload;
    const imported = created.find((e) => e.subject === ada[0].id)!.payload;
    expect(Object.keys(imported).sort()).toEqual(Object.keys(apiEvent).sort());
    expect(Object.keys(imported.data).sort()).toEqual(Object.keys(apiEvent.data).sort());
    expect(imported).toMatchObject({ source: 'crm/contacts', version: 1, specversion: '1.0' });
    expect(imported.data).toMatchObject({
      id: ada[0].id,
      version: 1,
      status: 'active',
      displayName: 'Ada Lovelace',
      primaryEmail: 'ada@import.example',
      country: 'GB',
      lifecycleStage: 'lead',
      tags: ['vip', 'math'],
      customFields: { tier: 'gold' },
      externalIds: [{ source: 'shop', id: 'C1' }],
      accountId: null,
    });
  });

  it('writes nothing on a dry run, and counts what it would do', async () => {
    const before = await t.count('people');
    const csv = 'First name,Surname,E-mail\nMarie,Curie,marie@import.example\nBad,Row,nope\n';
    const s = await finished((await upload(csv, '&dryRun=true')).id);
    expect(s).toMatchObject({ status: 'completed', valid: 1, written: 1, failed: 1 });
    expect(await t.count('people')).toBe(before);
  });

  it('matches by external id first, then by email; onMatch skip leaves them, update changes them', async () => {
    const before = await t.count('people');
    const csv =
      'First name,Surname,E-mail,Customer no,Country\n' +
      'Ada,King,other@import.example,C1,FR\n' + // external id C1 is Ada
      'Grace,Hopper,grace@import.example,,DE\n'; // email is Grace's
    const skipped = await finished((await upload(csv)).id);
    expect(skipped).toMatchObject({ skipped: 2, written: 0 });
    const updated = await finished((await upload(csv, '&onMatch=update')).id);
    expect(updated).toMatchObject({ updated: 2, written: 0, failed: 0 });
    expect(await t.count('people')).toBe(before);
    const ada = (await t.call<{ items: { displayName: string; country: string }[] }>('GET', '/contacts?q=C1')).body
      .items;
    expect(ada[0]).toMatchObject({ displayName: 'Ada King', country: 'FR' });
    // A row matched by external id cannot take another contact's email.
    const clash = await finished(
      (await upload('First name,Surname,E-mail,Customer no\nAda,King,grace@import.example,C1\n', '&onMatch=update')).id,
    );
    expect(clash).toMatchObject({ failed: 1, updated: 0 });
    const report = await fetch(`${t.base}/imports/${clash.id}/errors`, {
      headers: { authorization: `Bearer ${await t.token()}` },
    });
    expect((await report.text()).trim().split('\r\n')[1]).toBe(
      '1,E-mail,grace@import.example,grace@import.example already belongs to another contact',
    );
  });

  it('reads a tab-separated file with quoted multi-line cells; a repeated row matches the contact its first occurrence created', async () => {
    const before = await t.count('people');
    const csv =
      'First name\tSurname\tE-mail\tCustomer no\n' +
      '"Tab"\t"Multi\nLine"\ttab.one@import.example\tT1\n' +
      'Tab\tTwo\ttab.two@import.example\tT2\n' +
      'Tab\tTwo again\tTAB.TWO@import.example\t\n' + // same email, other case: the contact of the row above
      'Tab\tOne again\tother@import.example\tT1\n'; // same external id: the contact of the first row
    const s = await finished((await upload(csv, '&delimiter=tab')).id);
    expect(s).toMatchObject({ status: 'completed', rowsRead: 4, written: 2, skipped: 2, failed: 0 });
    expect(await t.count('people')).toBe(before + 2);
    const one = (await t.call<{ items: { displayName: string }[] }>('GET', '/contacts?q=shop:T1')).body.items;
    expect(one.map((c) => c.displayName)).toEqual(['Tab Multi\nLine']);
  });

  it('records consent columns with their source and typed custom fields; refuses a bad consent value', async () => {
    await t.call('POST', '/custom-fields', { body: { key: 'visits', label: 'Visits', type: 'number' } });
    const m = await t.call<{ id: string }>('POST', '/import-mappings', {
      body: {
        name: 'newsletter',
        columns: {
          first: 'firstName',
          last: 'lastName',
          mail: 'email',
          visits: 'cf.visits',
          news: 'consent.email.marketing',
          sms: 'consent.sms.marketing',
        },
        consentSource: 'legacy-signup-form',
      },
    });
    expect(m.status).toBe(201);
    const token = await t.token();
    const res = await fetch(`${t.base}/imports?mappingId=${m.body.id}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body:
        'first,last,mail,visits,news,sms\n' +
        'Nina,Simone,nina@import.example,12,yes,no\n' +
        'Bad,Consent,bad.consent@import.example,3,perhaps,\n' +
        'Bad,Visits,bad.visits@import.example,many,yes,\n',
    });
    const s = await finished(((await res.json()) as Status).id);
    expect(s).toMatchObject({ written: 1, failed: 2 });
    const nina = (await t.call<{ items: { id: string }[] }>('GET', '/contacts?q=nina@import.example')).body.items[0];
    const view = (await t.call<{ customFields: unknown }>('GET', `/contacts/${nina.id}`)).body;
    expect(view.customFields).toEqual({ visits: 12 });
    const consent = (
      await t.call<{ current: { channel: string; purpose: string; granted: boolean; source: string }[] }>(
        'GET',
        `/contacts/${nina.id}/consents`,
      )
    ).body.current;
    expect(consent.map(({ channel, purpose, granted, source }) => ({ channel, purpose, granted, source }))).toEqual([
      { channel: 'email', purpose: 'marketing', granted: true, source: 'legacy-signup-form' },
      { channel: 'sms', purpose: 'marketing', granted: false, source: 'legacy-signup-form' },
    ]);
    const events = await t.outbox({ type: 'crm.contacts.consent.changed', subject: nina.id });
    expect(events.map((e) => e.payload.version)).toEqual([1, 2]);
    const report = await fetch(`${t.base}/imports/${s.id}/errors`, { headers: { authorization: `Bearer ${token}` } });
    expect((await report.text()).trim().split('\r\n').slice(1)).toEqual([
      '2,news,perhaps,"must be true or false (yes/no, 1/0, granted/withdrawn)"',
      '3,visits,many,must be a number',
    ]);
  });

  it('is cancelled between batches: what was written stays, the rest is never written', async () => {
    process.env['IMPORT_BATCH_ROWS'] = '100';
    try {
      const before = await t.count('people');
      let csv = 'First name,Surname,E-mail\n';
      for (let i = 0; i < 3000; i++) csv += `Cancel,Me ${i},cancel.${i}@import.example\n`;
      const started = await upload(csv);
      let s = started;
      for (let i = 0; i < 400 && s.written === 0; i++) {
        await new Promise((r) => setTimeout(r, 25));
        s = (await t.call<Status>('GET', `/imports/${started.id}`)).body;
      }
      const cancelled = await t.call<Status>('POST', `/imports/${started.id}/cancel`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('cancelled');
      await new Promise((r) => setTimeout(r, 1000));
      const after = (await t.call<Status>('GET', `/imports/${started.id}`)).body;
      expect(after.status).toBe('cancelled');
      expect(after.written).toBeLessThan(3000);
      expect(after.written).toBe(cancelled.body.written);
      expect(await t.count('people')).toBe(before + after.written);
      const staged = await t.db.query(`SELECT count(*)::int AS n FROM import_staged WHERE import_id = $1`, [
        started.id,
      ]);
      expect(staged.rows[0].n).toBe(0);
    } finally {
      delete process.env['IMPORT_BATCH_ROWS'];
    }
  });

  it('refuses a body that is not CSV and an unknown mapping, naming the field', async () => {
    const token = await t.token();
    const wrongType = await fetch(`${t.base}/imports?mappingId=${mappingId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(wrongType.status).toBe(400);
    const unknown = await fetch(`${t.base}/imports?mappingId=00000000-0000-7000-8000-000000000000`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: 'a,b\n1,2\n',
    });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { errors: { field: string }[] }).errors[0].field).toBe('mappingId');
  });
});
