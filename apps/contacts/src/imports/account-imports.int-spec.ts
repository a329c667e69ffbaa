import { CONTACTS_EVENTS } from '@crm/contracts';
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

interface Account {
  id: string;
  name: string;
  domain: string | null;
  industry: string | null;
  sizeBand: string | null;
  country: string | null;
  version: number;
  externalIds: { source: string; id: string }[];
}

describe('importing accounts from CSV, and exporting them (real Postgres, durable job)', () => {
  let t: ContactsTestApp;
  let mappingId: string;

  beforeAll(async () => {
    t = await startContactsApp('account_imports');
    const m = await t.call<{ id: string }>('POST', '/accounts/import-mappings', {
      body: {
        name: 'crm export',
        columns: {
          Company: 'name',
          Web: 'domain',
          Sector: 'industry',
          Size: 'sizeBand',
          Country: 'country',
          Ref: 'externalId',
        },
        externalSource: 'legacy-crm',
      },
    });
    expect(m.status).toBe(201);
    mappingId = m.body.id;
  });
  afterAll(() => t.close());

  async function upload(csv: string, query = ''): Promise<Status> {
    const res = await fetch(`${t.base}/accounts/imports?mappingId=${mappingId}${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.token()}`, 'content-type': 'text/csv' },
      body: csv,
    });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toMatch(/^\/accounts\/imports\//);
    return (await res.json()) as Status;
  }

  async function finished(id: string): Promise<Status> {
    for (let i = 0; i < 200; i++) {
      const s = (await t.call<Status>('GET', `/accounts/imports/${id}`)).body;
      if (['completed', 'cancelled', 'failed'].includes(s.status)) return s;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('import did not finish');
  }

  const byRef = async (ref: string) =>
    (await t.call<{ items: Account[] }>('GET', `/accounts?q=${encodeURIComponent(ref)}`)).body.items.find((a) =>
      a.externalIds.some((x) => x.id === ref),
    );

  it('writes the good rows with their external ids and events, and reports each bad one with the API’s message', async () => {
    const csv =
      'Company,Web,Sector,Size,Country,Ref\r\n' +
      'Acme,ACME.example,Manufacturing,51-200,fr,A-1\r\n' +
      '"Globex, Inc.",globex.example,Energy,,US,A-2\r\n' +
      ',nameless.example,,,,A-3\r\n' +
      'Initech,not a domain,,,,A-4\r\n' +
      'Umbrella,umbrella.example,,huge,,A-5\r\n' +
      'Hooli,hooli.example,,,XX,A-6\r\n';
    const s = await finished((await upload(csv)).id);
    expect(s).toMatchObject({ status: 'completed', rowsTotal: 6, rowsRead: 6, valid: 2, written: 2, failed: 4 });
    expect(await byRef('A-1')).toMatchObject({
      name: 'Acme',
      domain: 'acme.example',
      sizeBand: '51-200',
      country: 'FR',
      version: 1,
      externalIds: [{ source: 'legacy-crm', id: 'A-1' }],
    });
    const report = await fetch(`${t.base}/accounts/imports/${s.id}/errors`, {
      headers: { authorization: `Bearer ${await t.token()}` },
    });
    expect((await report.text()).trim().split('\r\n')).toEqual([
      'row,column,value,message',
      '3,Company,,is needed',
      '4,Web,not a domain,must be a domain name',
      '5,Size,huge,"sizeBand must be one of the following values: 1-10, 11-50, 51-200, 201-1000, 1001-5000, 5000+"',
      '6,Country,XX,must be an ISO 3166-1 alpha-2 country code',
    ]);
    const created = await t.outbox({ type: CONTACTS_EVENTS.accountCreated });
    expect(created).toHaveLength(2);
    const acme = (await byRef('A-1'))!;
    // The event POST /accounts would publish for the account as stored.
    const view = (await t.call<Record<string, unknown>>('GET', `/accounts/${acme.id}`)).body;
    expect(created.find((e) => e.subject === acme.id)!.payload).toMatchObject({ version: 1, data: view });
  });

  it('matches by external id, then by domain; onMatch=update changes the account as a PATCH would', async () => {
    const acme = (await byRef('A-1'))!;
    const globex = (await byRef('A-2'))!;
    const accounts = await t.count('accounts');
    const skip = await finished(
      (await upload('Company,Web,Ref\r\nAcme again,,A-1\r\nGlobex,globex.example,G-9\r\nNewco,newco.example,N-1\r\n'))
        .id,
    );
    expect(skip).toMatchObject({ written: 1, skipped: 2, updated: 0 });
    expect(await t.count('accounts')).toBe(accounts + 1);
    expect((await t.call<Account>('GET', `/accounts/${acme.id}`)).body).toMatchObject({ name: 'Acme', version: 1 });

    const update = await finished(
      (
        await upload(
          'Company,Web,Sector,Ref\r\nAcme Corp,,Robotics,A-1\r\nGlobex Corp,globex.example,,G-9\r\n',
          '&onMatch=update',
        )
      ).id,
    );
    expect(update).toMatchObject({ written: 0, updated: 2, skipped: 0 });
    expect((await t.call<Account>('GET', `/accounts/${acme.id}`)).body).toMatchObject({
      name: 'Acme Corp',
      industry: 'Robotics',
      domain: 'acme.example',
      version: 2,
    });
    // Matched by domain, it keeps its id and gains the new external id.
    expect((await t.call<Account>('GET', `/accounts/${globex.id}`)).body.externalIds).toEqual([
      { source: 'legacy-crm', id: 'A-2' },
      { source: 'legacy-crm', id: 'G-9' },
    ]);
    const updatedEvents = await t.outbox({ type: CONTACTS_EVENTS.accountUpdated, subject: acme.id });
    expect(updatedEvents.map((e) => e.payload.version)).toEqual([2]);
  });

  it('a dry run counts what it would write and writes nothing', async () => {
    const before = { accounts: await t.count('accounts'), outbox: await t.count('outbox') };
    const s = await finished((await upload('Company,Ref\r\nDry One,D-1\r\nAcme Corp,A-1\r\n', '&dryRun=true')).id);
    expect(s).toMatchObject({ status: 'completed', written: 1, skipped: 1 });
    expect(await t.count('accounts')).toBe(before.accounts);
    expect(await t.count('outbox')).toBe(before.outbox);
    expect(await t.count('account_import_staged')).toBe(0);
  });

  it('refuses a bad mapping or upload naming the field; contacts imports and their mappings stay apart', async () => {
    const bad = await t.call<{ errors: { field: string }[] }>('POST', '/accounts/import-mappings', {
      body: { name: 'bad', columns: { X: 'firstName' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.field)).toEqual(expect.arrayContaining(['columns.X', 'columns']));
    // An accounts mapping is not a contacts mapping, nor an accounts import a contacts import.
    const res = await fetch(`${t.base}/imports?mappingId=${mappingId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.token()}`, 'content-type': 'text/csv' },
      body: 'Company\r\nX\r\n',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { field: string }[] }).errors[0].field).toBe('mappingId');
    const s = await finished((await upload('Company\r\nSolo\r\n')).id);
    expect((await t.call('GET', `/imports/${s.id}`)).status).toBe(404);
    const noPermission = await fetch(`${t.base}/accounts/imports?mappingId=${mappingId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.token(['read-only'])}`, 'content-type': 'text/csv' },
      body: 'Company\r\nX\r\n',
    });
    expect(noPermission.status).toBe(403);
  });

  it('exports accounts filtered like the list, with the columns chosen, audited', async () => {
    const res = await fetch(`${t.base}/accounts/export?q=A-1&columns=name,domain,externalIds`, {
      headers: { authorization: `Bearer ${await t.token()}` },
    });
    expect(res.status).toBe(200);
    expect((await res.text()).trim().split('\r\n')).toEqual([
      'name,domain,externalIds',
      'Acme Corp,acme.example,legacy-crm:A-1',
    ]);
    const jsonl = await fetch(`${t.base}/accounts/export?format=jsonl&country=US&columns=name,country`, {
      headers: { authorization: `Bearer ${await t.token()}` },
    });
    expect(
      (await jsonl.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([{ name: 'Globex Corp', country: 'US' }]);
    const { rows } = await t.db.query(
      `SELECT kind, format, columns, filters, rows, outcome FROM contact_exports WHERE id = $1`,
      [jsonl.headers.get('x-export-id')],
    );
    expect(rows[0]).toEqual({
      kind: 'accounts',
      format: 'jsonl',
      columns: ['name', 'country'],
      filters: { country: 'US' },
      rows: 1,
      outcome: 'completed',
    });
    const bad = await t.call<{ errors: { field: string }[] }>('GET', '/accounts/export?columns=name,secret');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('columns');
    expect((await t.call('GET', '/accounts/export?sizeBand=huge')).status).toBe(400);
  });
});
