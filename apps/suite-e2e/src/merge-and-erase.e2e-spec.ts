import { connect, type NatsConnection } from 'nats';
import { Client } from 'pg';
import { deleteNamespaceStreams, EventNaming, readStream, waitFor } from '@crm/messaging';
import { api, prepareSuite, type Suite } from './support/suite';
import { newPerson } from './support/contacts';

interface Summary {
  total: number;
  byCountry: Record<string, number>;
}

describe('merging and erasing contacts, end to end', () => {
  let suite: Suite;
  let nc: NatsConnection;
  let naming: EventNaming;
  let admin: string;

  beforeAll(async () => {
    suite = await prepareSuite(['contacts', 'analytics']);
    naming = new EventNaming(suite.namespace);
    nc = await connect({ servers: suite.natsUrl });
    await Promise.all([suite.services['contacts'].start(), suite.services['analytics'].start()]);
    await Promise.all([suite.services['contacts'].waitReady(), suite.services['analytics'].waitReady()]);
    admin = await suite.token();
  });

  afterAll(async () => {
    await deleteNamespaceStreams(await nc.jetstreamManager(), suite.namespace);
    await nc.close();
    await suite.teardown();
  });

  const events = async (type: string) =>
    (await readStream(await nc.jetstreamManager(), naming.streamFor('contacts')).catch(() => []))
      .map((m) => m.json() as { type: string; subject: string; data: Record<string, unknown> })
      .filter((e) => e.type === type);

  const summary = async () =>
    (await api<Summary>(suite.services['analytics'].baseUrl, 'GET', '/analytics/customers/summary', admin)).body;

  it('merges two people into one: the source is gone, its emails move, the event goes out and analytics counts one', async () => {
    const contacts = suite.services['contacts'].baseUrl;
    const run = `${suite.namespace}m`;
    const target = await api<{ id: string }>(contacts, 'POST', '/contacts', admin, newPerson(1, run));
    const source = await api<{ id: string }>(contacts, 'POST', '/contacts', admin, {
      ...newPerson(5, run),
      country: 'PT',
    });
    expect([target.status, source.status]).toEqual([201, 201]);
    await waitFor(summary, (s) => s.total === 2);

    const merged = await api(contacts, 'POST', `/contacts/${target.body.id}/merge`, admin, {
      sourceId: source.body.id,
    });
    expect(merged.status).toBeLessThan(300);

    const gone = await api<{ code: string; mergedInto: string }>(contacts, 'GET', `/contacts/${source.body.id}`, admin);
    expect(gone.status).toBe(410);
    expect(gone.body.mergedInto).toBe(target.body.id);
    const kept = await api<{ emails: { address: string }[] }>(contacts, 'GET', `/contacts/${target.body.id}`, admin);
    expect(kept.body.emails.map((e) => e.address)).toEqual(
      expect.arrayContaining([`ada.${run}.1@example.com`, `ada.${run}.5@example.com`]),
    );

    const mergedEvents = await waitFor(
      () => events('crm.contacts.contact.merged'),
      (e) => e.length === 1,
    );
    expect(mergedEvents[0].data).toMatchObject({ targetId: target.body.id, sourceId: source.body.id });
    const after = await waitFor(summary, (s) => s.total === 1);
    expect(after.byCountry['PT']).toBeUndefined();
  });

  it('erases a person: personal fields are gone, the id and non-personal facts stay, the event goes out', async () => {
    const contacts = suite.services['contacts'].baseUrl;
    const run = `${suite.namespace}e`;
    const person = await api<{ id: string }>(contacts, 'POST', '/contacts', admin, {
      ...newPerson(2, run),
      country: 'NL',
    });
    expect(person.status).toBe(201);
    const erased = await api(contacts, 'POST', `/contacts/${person.body.id}/erasure`, admin, {});
    expect(erased.status).toBeLessThan(300);

    const read = await api<Record<string, unknown>>(contacts, 'GET', `/contacts/${person.body.id}`, admin);
    expect(read.status).toBe(200);
    expect(read.body['status']).toBe('erased');
    expect(read.body['country']).toBe('NL');
    expect(JSON.stringify(read.body)).not.toContain(`ada.${run}.2@example.com`);
    expect(JSON.stringify(read.body)).not.toContain('Lovelace');

    const erasedEvents = await waitFor(
      () => events('crm.contacts.contact.erased'),
      (e) => e.some((x) => x.subject === person.body.id),
    );
    expect(JSON.stringify(erasedEvents.find((x) => x.subject === person.body.id))).not.toContain(
      `ada.${run}.2@example.com`,
    );
    const facts = await waitFor(
      async () =>
        (
          await api<{ status?: string; country?: string }>(
            suite.services['analytics'].baseUrl,
            'GET',
            `/analytics/customers/${person.body.id}/facts`,
            admin,
          )
        ).body,
      (f) => f.status === 'erased',
    );
    expect(facts.country).toBe('NL');
  });

  it('erasing a person also erases the contact merged into it: its row loses name, birth date, address, and both are confirmed', async () => {
    const contacts = suite.services['contacts'].baseUrl;
    const run = `${suite.namespace}x`;
    const personal = new RegExp(`Lovelace${run}|ada\\.${run}|1815-12-10|St James`, 'i');
    const target = await api<{ id: string }>(contacts, 'POST', '/contacts', admin, newPerson(3, run));
    const source = await api<{ id: string }>(contacts, 'POST', '/contacts', admin, {
      ...newPerson(4, run),
      birthDate: '1815-12-10',
      city: 'London',
      address: { line1: '12 St James Square' },
    });
    expect(
      (await api(contacts, 'POST', `/contacts/${target.body.id}/merge`, admin, { sourceId: source.body.id })).status,
    ).toBe(200);
    expect((await api(contacts, 'POST', `/contacts/${target.body.id}/erasure`, admin, {})).status).toBe(200);

    const db = new Client({ connectionString: suite.databases['contacts'].url });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT * FROM people WHERE id = $1`, [source.body.id]);
      expect(rows).toEqual([
        expect.objectContaining({
          status: 'merged',
          first_name: 'Erased',
          birth_date: null,
          address: null,
          city: null,
        }),
      ]);
      expect(JSON.stringify(rows)).not.toMatch(personal);
    } finally {
      await db.end();
    }

    const erasedEvents = await waitFor(
      () => events('crm.contacts.contact.erased'),
      (e) => e.filter((x) => [target.body.id, source.body.id].includes(x.subject)).length === 2,
    );
    const both = erasedEvents.filter((x) => [target.body.id, source.body.id].includes(x.subject));
    expect(new Set(both.map((x) => x.data['erasureRequestId'])).size).toBe(1);
    expect(JSON.stringify(both)).not.toMatch(personal);

    const status = await waitFor(
      () =>
        api<{ complete: boolean; contactIds: string[] }>(contacts, 'GET', `/contacts/${source.body.id}/erasure`, admin),
      (r) => r.status === 200 && r.body.complete,
    );
    expect(status.body.contactIds).toEqual([target.body.id, source.body.id]);
  });
});
