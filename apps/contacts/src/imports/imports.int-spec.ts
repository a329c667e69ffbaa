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
