import { createHash } from 'node:crypto';
import { waitFor } from '@crm/messaging';
import { uuidv7 } from '@crm/persistence';
import { startMarketingApp, type MarketingTestApp } from '../testing/marketing-test-app';
import { SmtpReceiver } from '../testing/smtp-receiver';
import { CustomersRpc } from '../customers/customers.rpc';
import { PartnerAudiencesService } from './partner-audiences.service';
import {
  AGREEMENT_HEADER,
  emailHash,
  matchingKey,
  signBody,
  signManifest,
  signingKey,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
} from './partner-crypto';

jest.setTimeout(180_000);

interface Problem {
  status: number;
  code: string;
  errors?: { field: string; message: string }[];
}

const ENV = { PARTNER_ALLOW_HTTP: 'true', PARTNER_NOTICE_RETRY_SECONDS: '1', PARTNER_RECEIVE_TIMEOUT_SECONDS: '3' };
const email = (i: number) => `person${i}@example.com`;

/**
 * Two suites in one test: two marketing instances, each on its own database
 * and event namespace. A shares with B; B holds some of the same people
 * under its own contact ids.
 */
describe('partner sharing between two suites (real Postgres and NATS, signed HTTP between them)', () => {
  let a: MarketingTestApp;
  let b: MarketingTestApp;
  const smtp = new SmtpReceiver();
  // A's contacts 1..8: 1-6 granted partner_sharing and marketing (the agreement's purpose), 7 did not, 8 granted
  // but is a minor.
  const aIds = Array.from({ length: 9 }, () => uuidv7());
  // B's own ids for people 1-4 and 7, and two people A does not know.
  const bIds = Array.from({ length: 11 }, () => uuidv7());
  const inB = [1, 2, 3, 4, 7, 9, 10];
  let agreementA: string;
  let agreementB: string;
  let partnerOnA: string;
  let segmentAll: string;
  let sharedKey: string;
  let exchangeId: string;
  const exchangeBodies: string[] = [];
  /** Every answer one suite's exchange gave the other, as it came back over the wire. */
  const exchangeAnswers: { route: string; status: number; body: unknown }[] = [];
  const realFetch = globalThis.fetch;

  /** The answer is what the route's schema in the suite's own /openapi.json says, nothing more or less. */
  const conforms = async (t: MarketingTestApp, method: string, route: string, body: unknown) =>
    expect([`${method} ${route}`, await t.answerViolations(method, route, body)]).toEqual([`${method} ${route}`, []]);

  const consent = (t: MarketingTestApp, contactId: string, purpose: string, granted: boolean, decidedAt?: string) =>
    t.publish('contacts', {
      type: 'crm.contacts.consent.changed',
      subject: contactId,
      version: 1,
      data: {
        contactId,
        channel: 'email',
        purpose,
        granted,
        source: 'form',
        decidedAt: decidedAt ?? new Date().toISOString(),
      },
    });

  const staticSegment = async (t: MarketingTestApp, contactIds: string[]) => {
    const seg = await t.call<{ id: string }>('POST', '/segments', {
      body: { name: `list ${uuidv7()}`, kind: 'static' },
    });
    expect(seg.status).toBe(201);
    expect((await t.call('POST', `/segments/${seg.body.id}/members`, { body: { contactIds } })).status).toBe(200);
    return seg.body.id;
  };

  const bMembers = async (segmentId: string) =>
    (
      await b.db.query<{ contact_id: string }>(
        `SELECT contact_id FROM segment_members WHERE segment_id = $1 ORDER BY contact_id`,
        [segmentId],
      )
    ).rows.map((r) => r.contact_id);

  beforeAll(async () => {
    await smtp.start();
    a = await startMarketingApp('partners_a', ENV);
    b = await startMarketingApp('partners_b', {
      ...ENV,
      SMTP_URL: smtp.url,
      TRACKING_BASE_URL: 'http://tracking.test',
    });
    // Every request between the suites, as it went over the wire.
    jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      if (!String(input).includes('/partner-exchange/')) return realFetch(input, init);
      exchangeBodies.push(String(init?.body ?? ''));
      const res = await realFetch(input, init);
      const text = await res.clone().text();
      exchangeAnswers.push({
        route: new URL(String(input)).pathname,
        status: res.status,
        body: text ? (JSON.parse(text) as unknown) : undefined,
      });
      return res;
    });
    for (let i = 1; i <= 8; i++)
      await a.contact(
        aIds[i],
        1,
        {
          primaryEmail: i === 3 ? ` Person3@Example.COM ` : email(i),
          birthDate: i === 8 ? '2015-05-01' : '1980-02-03',
          country: 'FR',
        },
        'created',
      );
    for (const i of inB) await b.contact(bIds[i], 1, { primaryEmail: email(i) }, 'created');
    for (const i of [1, 2, 3, 4, 5, 6, 8])
      for (const purpose of ['partner_sharing', 'marketing'])
        await consent(a, aIds[i], purpose, true, '2026-01-01T00:00:00Z');
    await consent(a, aIds[7], 'marketing', true, '2026-01-01T00:00:00Z');
    for (const i of inB) await consent(b, bIds[i], 'marketing', true, '2026-01-01T00:00:00Z');
    await waitFor(
      () => a.count('consent_mirror'),
      (n) => n === 15,
    );
    await waitFor(
      () => b.count('consent_mirror'),
      (n) => n === inB.length,
    );
    await waitFor(
      async () => (await a.db.query(`SELECT count(*)::int AS n FROM contact_mirror WHERE status = 'active'`)).rows[0].n,
      (n) => n === 8,
    );
    await waitFor(
      async () => (await b.db.query(`SELECT count(*)::int AS n FROM contact_mirror WHERE status = 'active'`)).rows[0].n,
      (n) => n === inB.length,
    );

    // A makes the agreement; B records the same exchange id and key.
    const pa = await a.call<{ id: string }>('POST', '/partners', {
      body: { name: 'Bee Travel', contactEmail: 'dpo@bee.example', baseUrl: b.base },
    });
    expect(pa.status).toBe(201);
    await conforms(a, 'POST', '/partners', pa.body);
    partnerOnA = pa.body.id;
    const ag = await a.call<{ id: string; exchangeId: string; sharedKey: string; status: string }>(
      'POST',
      `/partners/${partnerOnA}/agreements`,
      {
        body: {
          name: 'Travel x Shop 2026',
          purposes: ['marketing'],
          fields: ['emailHash', 'country', 'ageBand'],
          validUntil: '2027-12-31T00:00:00Z',
          minAudienceSize: 3,
        },
      },
    );
    expect(ag.status).toBe(201);
    expect(ag.body.status).toBe('draft');
    expect(ag.body.sharedKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await conforms(a, 'POST', '/partners/{id}/agreements', ag.body);
    agreementA = ag.body.id;
    sharedKey = ag.body.sharedKey;
    exchangeId = ag.body.exchangeId;
    const pb = await b.call<{ id: string }>('POST', '/partners', { body: { name: 'Ay Shop', baseUrl: a.base } });
    const bg = await b.call<{ id: string; sharedKey?: string }>('POST', `/partners/${pb.body.id}/agreements`, {
      body: {
        name: 'Shop x Travel 2026',
        purposes: ['marketing'],
        fields: ['emailHash', 'country', 'ageBand'],
        validUntil: '2027-12-31T00:00:00Z',
        minAudienceSize: 3,
        exchangeId: ag.body.exchangeId,
        sharedKey: ag.body.sharedKey,
      },
    });
    expect(bg.status).toBe(201);
    expect(bg.body.sharedKey).toBeUndefined();
    await conforms(b, 'POST', '/partners/{id}/agreements', bg.body);
    agreementB = bg.body.id;
    segmentAll = await staticSegment(a, aIds.slice(1));
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await a?.close();
    await b?.close();
    await smtp.stop();
  });

  it('refuses to move anything under an agreement that is not active yet', async () => {
    const res = await a.call<Problem>('POST', `/partner-agreements/${agreementA}/match`, {
      body: { segmentId: segmentAll },
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('AGREEMENT_NOT_IN_FORCE');
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    for (const [t, id] of [
      [a, agreementA],
      [b, agreementB],
    ] as const) {
      const activated = await t.call<{ status: string }>('POST', `/partner-agreements/${id}/activate`);
      expect(activated.body.status).toBe('active');
      await conforms(t, 'POST', '/partner-agreements/{id}/{action}', activated.body);
    }
  });

  it('answers partners and agreements as their schemas say', async () => {
    const list = await a.call<{ items: unknown[] }>('GET', '/partners');
    expect(list.body.items).toHaveLength(1);
    await conforms(a, 'GET', '/partners', list.body);
    const one = await a.call('GET', `/partners/${partnerOnA}`);
    expect(one.body).toMatchObject({ id: partnerOnA, name: 'Bee Travel', contactName: null });
    await conforms(a, 'GET', '/partners/{id}', one.body);
    const agreements = await a.call<{ items: { id: string }[] }>('GET', `/partners/${partnerOnA}/agreements`);
    expect(agreements.body.items.map((g) => g.id)).toEqual([agreementA]);
    await conforms(a, 'GET', '/partners/{id}/agreements', agreements.body);
    const agreement = await a.call('GET', `/partner-agreements/${agreementA}`);
    expect(agreement.body).toMatchObject({ id: agreementA, status: 'active', inForce: true });
    expect(agreement.body['sharedKey']).toBeUndefined();
    await conforms(a, 'GET', '/partner-agreements/{id}', agreement.body);
    const renamed = await b.call('PATCH', `/partner-agreements/${agreementB}`, { body: { name: 'Shop x Travel' } });
    expect(renamed.body).toMatchObject({ name: 'Shop x Travel', version: 3 });
    await conforms(b, 'PATCH', '/partner-agreements/{id}', renamed.body);
  });

  it('audits every change to partners and agreements with who made it', async () => {
    const patched = await a.call<{ contactName: string }>('PATCH', `/partners/${partnerOnA}`, {
      body: { contactName: 'Dana' },
    });
    expect(patched.status).toBe(200);
    await conforms(a, 'PATCH', '/partners/{id}', patched.body);
    const trail = await a.call<{ items: { action: string; actor: string; changes: Record<string, unknown> }[] }>(
      'GET',
      `/partner-audit?entityId=${agreementA}`,
    );
    expect(trail.body.items.map((e) => e.action)).toEqual(['created', 'activate']);
    expect(trail.body.items[0].actor).toBe('spec-admin');
    expect(JSON.stringify(trail.body)).not.toContain('sharedKey');
    await conforms(a, 'GET', '/partner-audit', trail.body);
    const partnerTrail = await a.call<{ items: { action: string; changes: Record<string, unknown> }[] }>(
      'GET',
      `/partner-audit?entityId=${partnerOnA}`,
    );
    expect(partnerTrail.body.items.map((e) => e.action)).toEqual(['created', 'updated']);
    expect(partnerTrail.body.items[1].changes).toEqual({ contactName: { from: null, to: 'Dana' } });
    await conforms(a, 'GET', '/partner-audit', partnerTrail.body);
  });

  it('keeps the shared key only sealed: no column of either suite holds it (matching below still works)', async () => {
    for (const t of [a, b]) {
      const rows = (await t.db.query(`SELECT row_to_json(g)::text AS json FROM partner_agreements g`)).rows;
      expect(rows).toHaveLength(1);
      expect(rows[0].json).not.toContain(sharedKey);
      expect(rows[0].json).not.toContain(Buffer.from(sharedKey, 'base64url').toString('hex'));
      expect(rows[0].json).toMatch(/"shared_key_sealed":"v1\./);
    }
  });

  it('keeps a hash index per agreement that follows the contacts', async () => {
    const ready = await waitFor(
      async () =>
        (await b.db.query(`SELECT hash_index_ready FROM partner_agreements WHERE id = $1`, [agreementB])).rows[0]
          .hash_index_ready,
      (r) => r === true,
      20_000,
    );
    expect(ready).toBe(true);
    const key = matchingKey(sharedKey);
    const hashOf = async (contactId: string) =>
      (
        await b.db.query<{ hash: string }>(
          `SELECT hash FROM partner_contact_hashes WHERE agreement_id = $1 AND contact_id = $2`,
          [agreementB, contactId],
        )
      ).rows.map((r) => r.hash);
    expect(await b.count(`partner_contact_hashes WHERE agreement_id = '${agreementB}'`)).toBe(inB.length);
    expect(await hashOf(bIds[10])).toEqual([emailHash(key, email(10))]);
    await b.contact(bIds[10], 2, { primaryEmail: 'moved10@example.com' });
    await waitFor(
      () => hashOf(bIds[10]),
      (h) => h[0] === emailHash(key, 'moved10@example.com'),
    );
    await b.contact(bIds[10], 3, { primaryEmail: email(10) });
    await waitFor(
      () => hashOf(bIds[10]),
      (h) => h[0] === emailHash(key, email(10)),
    );
  });

  it('refuses fields outside the allow-list and agreements without an identifier to match on', async () => {
    const bad = await a.call<Problem>('POST', `/partners/${partnerOnA}/agreements`, {
      body: { name: 'x', purposes: ['marketing'], fields: ['firstName'], validUntil: '2027-01-01T00:00:00Z' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.field)).toContain('fields');
    const noId = await a.call<Problem>('POST', `/partners/${partnerOnA}/agreements`, {
      body: { name: 'x', purposes: ['marketing'], fields: ['country'], validUntil: '2027-01-01T00:00:00Z' },
    });
    expect(noId.status).toBe(400);
    expect(noId.body.errors?.map((e) => e.field)).toEqual(['fields']);
  });

  it('checks permissions: the marketing role cannot see partners, admin can', async () => {
    const marketer = await a.token(['marketing']);
    expect((await a.call('GET', '/partners', { token: marketer })).status).toBe(403);
    expect(
      (
        await a.call('POST', `/partner-agreements/${agreementA}/shares`, {
          token: marketer,
          body: { segmentId: segmentAll },
        })
      ).status,
    ).toBe(403);
    expect((await a.call('GET', '/partners', { token: null })).status).toBe(401);
    expect((await a.call('GET', '/partners')).status).toBe(200);
  });

  it('counts the overlap without raw emails leaving: 6 consented, 4 of them are also B contacts', async () => {
    const before = exchangeBodies.length;
    const res = await a.call<{ audience: number; matched: number; shareable: boolean }>(
      'POST',
      `/partner-agreements/${agreementA}/match`,
      { body: { segmentId: segmentAll } },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ audience: 6, matched: 4, shareable: true });
    await conforms(a, 'POST', '/partner-agreements/{id}/match', res.body);
    const sent = exchangeBodies.slice(before).join('\n');
    expect(sent).not.toContain('@');
    expect(sent.toLowerCase()).not.toContain('person');
    expect(await b.count('partner_audiences')).toBe(0);
  });

  it('refuses a share below the k threshold, on the consented audience and on the match', async () => {
    const small = await staticSegment(a, [aIds[1], aIds[2], aIds[7]]);
    const res = await a.call<Problem & { minAudienceSize: number }>(
      'POST',
      `/partner-agreements/${agreementA}/shares`,
      { body: { segmentId: small } },
    );
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'AUDIENCE_BELOW_THRESHOLD', minAudienceSize: 3 });
    const fewMatches = await staticSegment(a, [aIds[1], aIds[5], aIds[6]]);
    const res2 = await a.call<Problem>('POST', `/partner-agreements/${agreementA}/shares`, {
      body: { segmentId: fewMatches },
    });
    expect(res2.status).toBe(422);
    expect(res2.body.code).toBe('AUDIENCE_BELOW_THRESHOLD');
    expect(await b.count('partner_audiences')).toBe(0);
    expect(await a.count('partner_share_contacts')).toBe(0);
  });

  let audienceOnB: string;
  let partnerSegment: string;

  it('shares only consented adults; B keeps the 4 it matched as a partner audience segment with provenance', async () => {
    const before = exchangeBodies.length;
    const res = await a.call<{ status: string; audience: number; matched: number; partnerAudienceId: string }>(
      'POST',
      `/partner-agreements/${agreementA}/shares`,
      { body: { segmentId: segmentAll } },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'delivered', audience: 6, matched: 4 });
    await conforms(a, 'POST', '/partner-agreements/{id}/shares', res.body);
    audienceOnB = res.body.partnerAudienceId;
    const shared = (
      await a.db.query<{ contact_id: string }>(`SELECT contact_id FROM partner_share_contacts ORDER BY contact_id`)
    ).rows.map((r) => r.contact_id);
    expect(shared).toEqual(aIds.slice(1, 7).sort());
    const payloads = exchangeBodies.slice(before).map((s) => JSON.parse(s) as { records: Record<string, unknown>[] });
    const records = payloads[payloads.length - 1].records;
    expect(records).toHaveLength(6);
    for (const r of records) expect(Object.keys(r).sort()).toEqual(['ageBand', 'country', 'emailHash']);
    expect(exchangeBodies.slice(before).join('\n')).not.toContain('@');

    const aud = await b.call<{
      status: string;
      members: number;
      segmentId: string;
      provenance: { partnerName: string; purposes: string[] };
      expiresAt: string;
    }>('GET', `/partner-audiences/${audienceOnB}`);
    expect(aud.body).toMatchObject({
      status: 'active',
      members: 4,
      provenance: { partnerName: 'Ay Shop', purposes: ['marketing'] },
    });
    await conforms(b, 'GET', '/partner-audiences/{id}', aud.body);
    const received = await b.call<{ items: { id: string }[] }>('GET', '/partner-audiences');
    expect(received.body.items.map((x) => x.id)).toEqual([audienceOnB]);
    await conforms(b, 'GET', '/partner-audiences', received.body);
    partnerSegment = aud.body.segmentId;
    expect(await bMembers(partnerSegment)).toEqual([bIds[1], bIds[2], bIds[3], bIds[4]].sort());
    // Person 7 is B's contact too, but never consented at A: not in the export, not in B's audience.
    const attrs = await b.db.query(`SELECT country, age_band FROM partner_audience_members WHERE audience_id = $1`, [
      audienceOnB,
    ]);
    expect(attrs.rows.every((r) => r.country === 'FR' && r.age_band === '45-54')).toBe(true);
  });

  it('B runs a campaign to the partner audience', async () => {
    const tpl = await b.call<{ id: string }>('POST', '/templates', {
      body: { name: 'Offer', channel: 'email', subject: 'Hello', body: '<p>Partner offer</p>' },
    });
    const created = await b.call<{ id: string }>('POST', '/campaigns', {
      body: { name: 'Partner offer', channel: 'email', templateId: tpl.body.id, segmentIds: [partnerSegment] },
    });
    expect(created.status).toBe(201);
    await b.call('POST', `/campaigns/${created.body.id}/schedule`, { body: {} });
    await waitFor(
      async () => (await b.call<{ status: string }>('GET', `/campaigns/${created.body.id}`)).body.status,
      (s) => s === 'done',
      30_000,
      200,
    );
    expect(smtp.mails.flatMap((m) => m.to).sort()).toEqual([email(1), email(2), email(3), email(4)]);
  });

  it('refuses an exchange request whose signature does not match', async () => {
    const res = await realFetch(`${b.base}/partner-exchange/v1/deletions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-crm-partner-agreement': uuidv7(),
        'x-crm-partner-timestamp': String(Math.floor(Date.now() / 1000)),
        'x-crm-partner-signature': 'sha256=00',
      },
      body: JSON.stringify({
        noticeId: uuidv7(),
        issuedAt: new Date().toISOString(),
        emailHashes: [],
        phoneHashes: [],
      }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as Problem).code).toBe('PARTNER_SIGNATURE_INVALID');
  });

  it('consent withdrawal sends a signed deletion notice and B deletes the contact', async () => {
    await consent(a, aIds[1], 'partner_sharing', false);
    const notice = await waitFor(
      async () =>
        (
          await a.db.query(`SELECT status, partner_deleted FROM partner_deletion_notices WHERE contact_id = $1`, [
            aIds[1],
          ])
        ).rows[0],
      (n) => n?.status === 'delivered',
      20_000,
    );
    expect(notice.partner_deleted).toBe(1);
    expect(await bMembers(partnerSegment)).toEqual([bIds[2], bIds[3], bIds[4]].sort());
    expect(
      Number(
        (await b.db.query(`SELECT count(*) FROM partner_audience_members WHERE contact_id = $1`, [bIds[1]])).rows[0]
          .count,
      ),
    ).toBe(0);
  });

  it('retries a deletion notice the partner did not receive, recording each failure', async () => {
    await a.call('PATCH', `/partners/${partnerOnA}`, { body: { baseUrl: 'http://127.0.0.1:59998' } });
    await consent(a, aIds[2], 'partner_sharing', false);
    const failed = await waitFor(
      async () =>
        (
          await a.db.query(`SELECT status, attempts, last_error FROM partner_deletion_notices WHERE contact_id = $1`, [
            aIds[2],
          ])
        ).rows[0],
      (n) => n?.attempts >= 1,
      20_000,
    );
    expect(failed.status).toBe('pending');
    expect(failed.last_error).toContain('did not answer: ECONNREFUSED');
    await a.call('PATCH', `/partners/${partnerOnA}`, { body: { baseUrl: b.base } });
    await waitFor(
      async () =>
        (await a.db.query(`SELECT status FROM partner_deletion_notices WHERE contact_id = $1`, [aIds[2]])).rows[0]
          .status,
      (s) => s === 'delivered',
      30_000,
    );
    expect(await bMembers(partnerSegment)).toEqual([bIds[3], bIds[4]].sort());
  });

  it('shows where one contact went: the share and the delivered notice', async () => {
    const view = await a.call<{
      shares: { partner: { name: string }; fields: string[]; status: string }[];
      deletionNotices: { reason: string; status: string; partnerDeleted: number }[];
    }>('GET', `/partner-shares/contacts/${aIds[1]}`);
    expect(view.status).toBe(200);
    expect(view.body.shares).toEqual([
      expect.objectContaining({
        partner: { id: partnerOnA, name: 'Bee Travel' },
        fields: ['emailHash', 'country', 'ageBand'],
        status: 'delivered',
      }),
    ]);
    expect(view.body.deletionNotices).toEqual([
      expect.objectContaining({ reason: 'consent_withdrawn', status: 'delivered', partnerDeleted: 1 }),
    ]);
    await conforms(a, 'GET', '/partner-shares/contacts/{contactId}', view.body);
    // The same in the customer 360 (marketing's request-reply part).
    const part = await a.app.get(CustomersRpc).customer({ contactId: aIds[1] });
    expect(part?.partnerSharing).toEqual([
      expect.objectContaining({
        partnerName: 'Bee Travel',
        status: 'delivered',
        deletionNotice: expect.objectContaining({ status: 'delivered', reason: 'consent_withdrawn' }),
      }),
    ]);
    const never = await a.call<{ shares: unknown[] }>('GET', `/partner-shares/contacts/${aIds[7]}`);
    expect(never.body.shares).toEqual([]);
    await conforms(a, 'GET', '/partner-shares/contacts/{contactId}', never.body);
  });

  it('leaves withdrawn contacts out of later shares; expiry deletes the received audience', async () => {
    for (const [t, id] of [
      [a, agreementA],
      [b, agreementB],
    ] as const)
      expect((await t.call('PATCH', `/partner-agreements/${id}`, { body: { minAudienceSize: 2 } })).status).toBe(200);
    const res = await a.call<{
      shareId: string;
      audience: number;
      matched: number;
      partnerAudienceId: string;
      expiresAt: string;
    }>('POST', `/partner-agreements/${agreementA}/shares`, {
      body: { segmentId: segmentAll, expiresAt: new Date(Date.now() + 5000).toISOString() },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ audience: 4, matched: 2 });
    const inShare = (
      await a.db.query<{ contact_id: string }>(
        `SELECT contact_id FROM partner_share_contacts WHERE share_id = $1 ORDER BY contact_id`,
        [res.body.shareId],
      )
    ).rows.map((r) => r.contact_id);
    expect(inShare).toEqual(aIds.slice(3, 7).sort());
    const aud = await b.call<{ status: string; members: number; segmentId: string }>(
      'GET',
      `/partner-audiences/${res.body.partnerAudienceId}`,
    );
    expect(aud.body).toMatchObject({ status: 'active', members: 2 });
    expect(await bMembers(aud.body.segmentId)).toEqual([bIds[3], bIds[4]].sort());
    const expired = await waitFor(
      async () =>
        (
          await b.call<{ status: string; members: number; segmentId: string | null }>(
            'GET',
            `/partner-audiences/${res.body.partnerAudienceId}`,
          )
        ).body,
      (x) => x.status === 'expired',
      30_000,
      250,
    );
    expect(expired).toMatchObject({ members: 0, segmentId: null });
    await conforms(b, 'GET', '/partner-audiences/{id}', expired);
    expect((await b.call('GET', `/segments/${aud.body.segmentId}`)).status).toBe(404);
    // The first audience (no expiry yet) keeps its members.
    expect((await b.call<{ members: number }>('GET', `/partner-audiences/${audienceOnB}`)).body.members).toBe(2);
  });

  it('keeps a complete share log: every match and share, refused or not, with counts', async () => {
    const log = await a.call<{
      items: {
        kind: string;
        status: string;
        contacts: number;
        matched: number | null;
        partner: { name: string };
        agreementId: string;
        actor: string;
      }[];
    }>('GET', `/partner-shares?agreementId=${agreementA}`);
    expect(log.status).toBe(200);
    expect(log.body.items.map((e) => [e.kind, e.status, e.contacts, e.matched])).toEqual([
      ['share', 'delivered', 4, 2],
      ['share', 'delivered', 6, 4],
      ['share', 'refused', 3, 1],
      ['share', 'refused', 2, null],
      ['match', 'counted', 6, 4],
    ]);
    expect(
      log.body.items.every(
        (e) => e.partner.name === 'Bee Travel' && e.agreementId === agreementA && e.actor === 'spec-admin',
      ),
    ).toBe(true);
    await conforms(a, 'GET', '/partner-shares', log.body);
    const refused = log.body.items[2] as { id?: string };
    const entry = await a.call('GET', `/partner-shares/${String(refused.id)}`);
    expect(entry.body).toMatchObject({ status: 'refused', reason: 'AUDIENCE_BELOW_THRESHOLD: match with the partner' });
    await conforms(a, 'GET', '/partner-shares/{id}', entry.body);
    const page = await a.call<{ items: unknown[]; nextCursor: string }>('GET', `/partner-shares?limit=2`);
    expect(page.body.items).toHaveLength(2);
    const rest = await a.call<{ items: unknown[]; nextCursor: string | null }>(
      'GET',
      `/partner-shares?limit=10&cursor=${page.body.nextCursor}`,
    );
    expect(rest.body.items).toHaveLength(3);
    expect(rest.body.nextCursor).toBeNull();
    await conforms(a, 'GET', '/partner-shares', page.body);
    await conforms(a, 'GET', '/partner-shares', rest.body);
  });

  it('reports per agreement for the data protection officer, on both sides', async () => {
    const onA = await a.call<{
      agreements: {
        agreement: { id: string };
        sent: Record<string, unknown>;
        deletionNotices: Record<string, number>;
      }[];
    }>('GET', '/partner-shares/report');
    expect(onA.status).toBe(200);
    expect(onA.body.agreements).toEqual([
      expect.objectContaining({
        agreement: expect.objectContaining({ id: agreementA }),
        sent: expect.objectContaining({ shares: 4, delivered: 2, refused: 2, failed: 0, contacts: 6 }),
        deletionNotices: { pending: 0, delivered: 2, failed: 0, toHandOver: 0 },
      }),
    ]);
    await conforms(a, 'GET', '/partner-shares/report', onA.body);
    const onB = await b.call<{ agreements: { received: Record<string, number> }[] }>('GET', '/partner-shares/report');
    expect(onB.body.agreements[0].received).toEqual({ activeAudiences: 1, membersHeld: 2, deletedAudiences: 1 });
    await conforms(b, 'GET', '/partner-shares/report', onB.body);
  });

  it('erasing a shared contact notifies the partner', async () => {
    const requestId = uuidv7();
    await a.publish('contacts', {
      type: 'crm.contacts.contact.erased',
      subject: aIds[3],
      version: 2,
      data: { id: aIds[3], status: 'erased', erasureRequestId: requestId, tags: [] },
    });
    // The receipt counts the partner part too: the mirror row and the two share-log rows whose hashes were cleared.
    const receipt = await waitFor(
      async () => (await a.published('crm.marketing.erasure.completed')).find((e) => e.data['requestId'] === requestId),
      (e) => e !== undefined,
    );
    expect(receipt?.data['records']).toBe(3);
    // It lists the partner told to delete them (delivery is the notice's, retried and recorded).
    const notice3 = (
      await a.db.query<{ id: string }>(`SELECT id FROM partner_deletion_notices WHERE contact_id = $1`, [aIds[3]])
    ).rows;
    expect(receipt?.data['partnersNotified']).toEqual([
      {
        partnerId: partnerOnA,
        partnerName: 'Bee Travel',
        agreementId: agreementA,
        noticeId: notice3[0].id,
        reason: 'erased',
      },
    ]);
    const notice = await waitFor(
      async () =>
        (
          await a.db.query(`SELECT status, reason, email_hashes FROM partner_deletion_notices WHERE contact_id = $1`, [
            aIds[3],
          ])
        ).rows[0],
      (n) => n?.status === 'delivered',
      20_000,
    );
    expect(notice).toMatchObject({ reason: 'erased', email_hashes: [] });
    expect(
      await bMembers((await b.call<{ segmentId: string }>('GET', `/partner-audiences/${audienceOnB}`)).body.segmentId),
    ).toEqual([bIds[4]]);
    const hashes = await a.db.query(`SELECT email_hash FROM partner_share_contacts WHERE contact_id = $1`, [aIds[3]]);
    expect(hashes.rows.every((r) => r.email_hash === null)).toBe(true);
  });

  it('answers 502 when the partner suite is down, and logs the failed attempt', async () => {
    await a.call('PATCH', `/partners/${partnerOnA}`, { body: { baseUrl: 'http://127.0.0.1:59998' } });
    const res = await a.call<Problem>('POST', `/partner-agreements/${agreementA}/shares`, {
      body: { segmentId: segmentAll },
    });
    expect(res.status).toBe(502);
    expect(res.body.code).toBe('PARTNER_UNREACHABLE');
    const log = await a.call<{ items: { kind: string; status: string; reason: string }[] }>(
      'GET',
      '/partner-shares?limit=1',
    );
    expect(log.body.items[0]).toMatchObject({
      kind: 'share',
      status: 'failed',
      reason: expect.stringContaining('ECONNREFUSED'),
    });
    await a.call('PATCH', `/partners/${partnerOnA}`, { body: { baseUrl: b.base } });
  });

  it("shares only contacts who granted every one of the agreement's purposes, and a purpose withdrawal notifies only that agreement's partner", async () => {
    // A second agreement, for marketing and profiling. 4, 5 and 6 still consent to partner_sharing and marketing;
    // only 4 and 5 also to profiling. B knows 4 and, from now on, 5.
    const both = {
      name: 'Travel x Shop profiling',
      purposes: ['marketing', 'profiling'],
      fields: ['emailHash'],
      validUntil: '2027-12-31T00:00:00Z',
      minAudienceSize: 2,
    };
    const ag = await a.call<{ id: string; exchangeId: string; sharedKey: string }>(
      'POST',
      `/partners/${partnerOnA}/agreements`,
      { body: both },
    );
    const pb = (await b.call<{ items: { id: string }[] }>('GET', '/partners')).body.items[0].id;
    const bg = await b.call<{ id: string }>('POST', `/partners/${pb}/agreements`, {
      body: { ...both, exchangeId: ag.body.exchangeId, sharedKey: ag.body.sharedKey },
    });
    for (const [t, id] of [
      [a, ag.body.id],
      [b, bg.body.id],
    ] as const)
      expect((await t.call('POST', `/partner-agreements/${id}/activate`)).status).toBe(200);
    await b.contact(bIds[5], 1, { primaryEmail: email(5) }, 'created');
    await consent(a, aIds[4], 'profiling', true);
    await consent(a, aIds[5], 'profiling', true);
    await waitFor(
      () => a.count(`consent_mirror WHERE purpose = 'profiling'`),
      (n) => n === 2,
    );
    await waitFor(
      () => b.count(`contact_mirror WHERE contact_id = '${bIds[5]}'`),
      (n) => n === 1,
    );
    const onlyMarketing = await a.call<{ audience: number }>('POST', `/partner-agreements/${agreementA}/match`, {
      body: { segmentId: segmentAll },
    });
    expect(onlyMarketing.body.audience).toBe(3);
    const res = await a.call<{ shareId: string; audience: number; matched: number }>(
      'POST',
      `/partner-agreements/${ag.body.id}/shares`,
      { body: { segmentId: segmentAll } },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ audience: 2, matched: 2 });
    const inShare = (
      await a.db.query<{ contact_id: string }>(
        `SELECT contact_id FROM partner_share_contacts WHERE share_id = $1 ORDER BY contact_id`,
        [res.body.shareId],
      )
    ).rows.map((r) => r.contact_id);
    expect(inShare).toEqual([aIds[4], aIds[5]].sort());

    // 4 withdraws profiling: B is told under the profiling agreement only (the marketing one still holds).
    await consent(a, aIds[4], 'profiling', false);
    const notices = await waitFor(
      async () =>
        (
          await a.db.query<{ agreement_id: string; status: string }>(
            `SELECT agreement_id, status FROM partner_deletion_notices WHERE contact_id = $1`,
            [aIds[4]],
          )
        ).rows,
      (rows) => rows.length === 1 && rows[0].status === 'delivered',
      20_000,
    );
    expect(notices[0].agreement_id).toBe(ag.body.id);
    const left = await b.db.query(
      `SELECT count(*)::int AS n FROM partner_audience_members pm JOIN partner_audiences pa ON pa.id = pm.audience_id
        WHERE pa.agreement_id = $1 AND pm.contact_id = $2`,
      [bg.body.id, bIds[4]],
    );
    expect(left.rows[0].n).toBe(0);
    expect((await b.call<{ members: number }>('GET', `/partner-audiences/${audienceOnB}`)).body.members).toBe(1);
  });

  /** A request as A's suite would send it, signed under the first agreement. */
  const signedToB = async (route: string, payload: object) => {
    const body = JSON.stringify(payload);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await realFetch(`${b.base}/partner-exchange/v1/${route}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [AGREEMENT_HEADER]: exchangeId,
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signBody(signingKey(sharedKey), timestamp, body),
      },
      body,
    });
    return {
      status: res.status,
      body: (await res.json()) as Problem & { audienceId: string; status: string; matched?: number; received?: number },
    };
  };
  const hashes = (people: number[]) =>
    people.map((i) => ({ emailHash: emailHash(matchingKey(sharedKey), email(i)) as string }));
  const chunkToB = (shareId: string, chunk: number, chunks: number, people: number[]) =>
    signedToB('audiences', {
      shareId,
      chunk,
      chunks,
      sharedAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      purposes: ['marketing'],
      fields: ['emailHash'],
      records: hashes(people),
    });
  const audienceOf = async (shareId: string) =>
    (
      await b.db.query<{ status: string; reason: string | null; segment_id: string | null; members: number }>(
        `SELECT status, reason, segment_id, (SELECT count(*)::int FROM partner_audience_members m WHERE m.audience_id = a.id) AS members
           FROM partner_audiences a WHERE remote_share_id = $1`,
        [shareId],
      )
    ).rows[0];

  it('applies k to the whole share: chunks smaller than k make an audience once the last one is in', async () => {
    expect((await b.call('PATCH', `/partner-agreements/${agreementB}`, { body: { minAudienceSize: 3 } })).status).toBe(
      200,
    );
    const shareId = uuidv7();
    const segments = await b.count('segments');
    expect((await chunkToB(shareId, 0, 2, [4, 5])).status).toBe(200);
    // Held, not usable: no segment until the share is complete.
    expect(await audienceOf(shareId)).toMatchObject({ status: 'receiving', segment_id: null });
    expect(await b.count('segments')).toBe(segments);
    const last = await chunkToB(shareId, 1, 2, [9, 10]);
    expect(last.status).toBe(200);
    expect(await audienceOf(shareId)).toMatchObject({ status: 'active', members: 4 });
    expect(await b.count('segments')).toBe(segments + 1);
  });

  it('counts a match in chunks as one list: no count before the last chunk, k on the whole list', async () => {
    const matchId = uuidv7();
    const first = await signedToB('match', { matchId, chunk: 0, chunks: 2, records: hashes([4, 8]) });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ received: 2 });
    const last = await signedToB('match', { matchId, chunk: 1, chunks: 2, records: hashes([5, 11]) });
    expect(last.status).toBe(200);
    expect(last.body).toEqual({ matched: 2 });
    const small = uuidv7();
    expect((await signedToB('match', { matchId: small, chunk: 0, chunks: 2, records: hashes([4]) })).status).toBe(200);
    const below = await signedToB('match', { matchId: small, chunk: 1, chunks: 2, records: hashes([5]) });
    expect(below.status).toBe(422);
    expect(below.body.code).toBe('AUDIENCE_BELOW_THRESHOLD');
  });

  it('discards a whole share below k at the receiver and tells the sender, which logs it refused', async () => {
    const shareId = uuidv7();
    expect((await chunkToB(shareId, 0, 2, [4, 8])).status).toBe(200);
    expect((await audienceOf(shareId)).members).toBe(1);
    const last = await chunkToB(shareId, 1, 2, [6, 11]);
    expect(last.status).toBe(422);
    expect(last.body.code).toBe('AUDIENCE_BELOW_THRESHOLD');
    expect(await audienceOf(shareId)).toMatchObject({ status: 'refused', reason: 'below_threshold', members: 0 });
    // The same through A: A's k (2) lets 3 consented records with 2 matches go; B's k (3) keeps none of them.
    const res = await a.call<Problem>('POST', `/partner-agreements/${agreementA}/shares`, {
      body: { segmentId: segmentAll },
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('AUDIENCE_BELOW_THRESHOLD');
    const log = await a.call<{ items: { status: string; reason: string }[] }>('GET', '/partner-shares?limit=1');
    expect(log.body.items[0]).toMatchObject({ status: 'refused', reason: expect.stringContaining('the partner') });
  });

  it('discards a share whose chunks stopped coming', async () => {
    const shareId = uuidv7();
    expect((await chunkToB(shareId, 0, 3, [4, 5, 9])).status).toBe(200);
    await new Promise((r) => setTimeout(r, 3500));
    await b.app.get(PartnerAudiencesService).sweep();
    expect(await audienceOf(shareId)).toMatchObject({ status: 'refused', reason: 'incomplete', members: 0 });
    const late = await chunkToB(shareId, 1, 3, [10]);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('PARTNER_SHARE_DISCARDED');
  });

  let fileId: string;
  let fileBody: string;
  let fileManifest: string;
  let fileSignature: string;

  it('makes a signed file of the consented members, downloadable once, recorded in the share log', async () => {
    const made = await a.call<{ id: string; contacts: number; downloadedAt: string | null }>(
      'POST',
      `/partner-agreements/${agreementA}/files`,
      { body: { segmentId: segmentAll, encoding: 'csv' } },
    );
    expect(made.status).toBe(201);
    expect(made.headers.get('location')).toBe(`/partner-files/${made.body.id}`);
    expect(made.body).toMatchObject({ contacts: 3, downloadedAt: null });
    await conforms(a, 'POST', '/partner-agreements/{id}/files', made.body);
    fileId = made.body.id;
    const marketer = await a.token(['marketing']);
    expect((await a.call('GET', `/partner-files/${fileId}/content`, { token: marketer })).status).toBe(403);
    expect((await a.call('GET', `/partner-files/${fileId}/content`, { token: null })).status).toBe(401);

    const res = await a.call('GET', `/partner-files/${fileId}/content`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    fileBody = res.text;
    fileManifest = Buffer.from(String(res.headers.get('x-crm-partner-manifest')), 'base64url').toString('utf8');
    fileSignature = String(res.headers.get('x-crm-partner-signature'));
    const lines = fileBody.trim().split('\n');
    expect(lines[0]).toBe('emailHash,country,ageBand');
    expect(lines.slice(1).sort()).toEqual(
      [4, 5, 6].map((i) => `${emailHash(matchingKey(sharedKey), email(i))},FR,45-54`).sort(),
    );
    expect(fileBody).not.toContain('@');
    const manifest = JSON.parse(fileManifest);
    expect(manifest).toMatchObject({
      format: 'crm-partner-file/v1',
      agreement: exchangeId,
      encoding: 'csv',
      count: 3,
      sha256: createHash('sha256').update(fileBody).digest('hex'),
    });
    expect(fileSignature).toBe(signManifest(signingKey(sharedKey), fileManifest));

    const again = await a.call<Problem>('GET', `/partner-files/${fileId}/content`);
    expect(again.status).toBe(410);
    expect(again.body.code).toBe('PARTNER_FILE_ALREADY_DOWNLOADED');
    const log = await a.call<{ items: { kind: string; status: string; contacts: number }[] }>(
      'GET',
      '/partner-shares?limit=1',
    );
    expect(log.body.items[0]).toMatchObject({ kind: 'file', status: 'delivered', contacts: 3 });
    const view = await a.call<{ downloadedBy: string; signature: string }>('GET', `/partner-files/${fileId}`);
    expect(view.body).toMatchObject({ downloadedBy: 'spec-admin', signature: fileSignature });
    await conforms(a, 'GET', '/partner-files/{id}', view.body);
  });

  const importToB = (body: string, manifest: string, signature: string, type = 'text/csv') =>
    b.call<Problem & { id: string; members: number; via: string; status: string; segmentId: string }>(
      'POST',
      `/partner-agreements/${agreementB}/imports`,
      {
        raw: body,
        headers: {
          'content-type': type,
          'x-crm-partner-manifest': Buffer.from(manifest).toString('base64url'),
          'x-crm-partner-signature': signature,
        },
      },
    );

  it("imports a partner's signed file as a partner audience, refusing a forged or damaged one", async () => {
    expect((await b.call('PATCH', `/partner-agreements/${agreementB}`, { body: { minAudienceSize: 2 } })).status).toBe(
      200,
    );
    const forged = JSON.stringify({ ...JSON.parse(fileManifest), count: 2 });
    const unsigned = await importToB(fileBody, forged, fileSignature);
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.code).toBe('PARTNER_SIGNATURE_INVALID');
    const damaged = await importToB(fileBody.replace(/\n[^\n]+\n$/, '\n'), fileManifest, fileSignature);
    expect(damaged.status).toBe(400);
    expect(damaged.body.code).toBe('PARTNER_FILE_INVALID');
    expect(
      await b.count(`partner_audience_members pm JOIN partner_audiences pa ON pa.id = pm.audience_id
                           WHERE pa.status = 'receiving' OR pa.reason = 'invalid'`),
    ).toBe(0);

    const ok = await importToB(fileBody, fileManifest, fileSignature);
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ status: 'active', members: 2, via: 'file' });
    await conforms(b, 'POST', '/partner-agreements/{id}/imports', ok.body);
    expect(await bMembers(ok.body.segmentId)).toEqual([bIds[4], bIds[5]].sort());
    const twice = await importToB(fileBody, fileManifest, fileSignature);
    expect(twice.status).toBe(409);
  });

  it('imports JSON lines, and refuses a file whose count is below k before reading it', async () => {
    const key = matchingKey(sharedKey);
    const body = [9, 10, 4].map((i) => JSON.stringify({ emailHash: emailHash(key, email(i)) })).join('\n') + '\n';
    const manifest = (count: number) =>
      JSON.stringify({
        format: 'crm-partner-file/v1',
        agreement: exchangeId,
        shareId: uuidv7(),
        encoding: 'jsonl',
        fields: ['emailHash'],
        purposes: ['marketing'],
        count,
        createdAt: new Date().toISOString(),
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
        sha256: createHash('sha256').update(body).digest('hex'),
      });
    const m3 = manifest(3);
    const ok = await importToB(body, m3, signManifest(signingKey(sharedKey), m3), 'application/x-ndjson');
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ members: 3, via: 'file' });
    await conforms(b, 'POST', '/partner-agreements/{id}/imports', ok.body);
    const m1 = manifest(1);
    const few = await importToB(body, m1, signManifest(signingKey(sharedKey), m1), 'application/x-ndjson');
    expect(few.status).toBe(422);
    expect(few.body.code).toBe('AUDIENCE_BELOW_THRESHOLD');
    const wrongType = await importToB(body, m3, signManifest(signingKey(sharedKey), m3), 'text/csv');
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors?.map((e) => e.field)).toEqual(['content-type']);
  });

  it('tells a partner that got the contacts only as files by a signed deletion file, which its suite applies', async () => {
    const terms = {
      name: 'Files only',
      purposes: ['marketing'],
      fields: ['emailHash'],
      validUntil: '2027-12-31T00:00:00Z',
      minAudienceSize: 2,
    };
    const ag = await a.call<{ id: string; exchangeId: string; sharedKey: string }>(
      'POST',
      `/partners/${partnerOnA}/agreements`,
      { body: terms },
    );
    const pb = (await b.call<{ items: { id: string }[] }>('GET', '/partners')).body.items[0].id;
    const bg = await b.call<{ id: string }>('POST', `/partners/${pb}/agreements`, {
      body: { ...terms, exchangeId: ag.body.exchangeId, sharedKey: ag.body.sharedKey },
    });
    for (const [t, id] of [
      [a, ag.body.id],
      [b, bg.body.id],
    ] as const)
      expect((await t.call('POST', `/partner-agreements/${id}/activate`)).status).toBe(200);
    await waitFor(
      async () =>
        (await b.db.query(`SELECT hash_index_ready FROM partner_agreements WHERE id = $1`, [bg.body.id])).rows[0]
          .hash_index_ready,
      (r) => r === true,
      20_000,
    );
    // 4, 5 and 6 still consent at A; B knows 4 and 5. They go to B only as a file under this agreement.
    const made = await a.call<{ id: string }>('POST', `/partner-agreements/${ag.body.id}/files`, {
      body: { segmentId: segmentAll, encoding: 'jsonl' },
    });
    expect(made.status).toBe(201);
    const file = await a.call('GET', `/partner-files/${made.body.id}/content`);
    expect(file.status).toBe(200);
    const signed = (res: { headers: Headers }) => ({
      'x-crm-partner-manifest': String(res.headers.get('x-crm-partner-manifest')),
      'x-crm-partner-signature': String(res.headers.get('x-crm-partner-signature')),
    });
    const audience = await b.call<{ id: string; members: number; segmentId: string }>(
      'POST',
      `/partner-agreements/${bg.body.id}/imports`,
      { raw: file.text, headers: { 'content-type': 'application/x-ndjson', ...signed(file) } },
    );
    expect(audience.status).toBe(201);
    expect(audience.body.members).toBe(2);

    const deletionsBefore = exchangeBodies.filter((x) => x.includes('"noticeId"')).length;
    await consent(a, aIds[5], 'partner_sharing', false);
    // Over the exchange for the agreements whose shares went to B's suite; by file for this one, never posted.
    const notices = await waitFor(
      async () =>
        (
          await a.db.query<{ id: string; agreement_id: string; status: string; attempts: number }>(
            `SELECT id, agreement_id, status, attempts FROM partner_deletion_notices WHERE contact_id = $1 ORDER BY id`,
            [aIds[5]],
          )
        ).rows,
      (rows) => rows.length === 3 && rows.filter((r) => r.status === 'delivered').length === 2,
      20_000,
    );
    const byFile = notices.find((n) => n.agreement_id === ag.body.id);
    expect(byFile).toMatchObject({ status: 'pending', attempts: 0 });
    const posted = exchangeBodies.filter((x) => x.includes('"noticeId"')).slice(deletionsBefore);
    expect(posted).toHaveLength(2);
    expect(posted.join('\n')).not.toContain(String(byFile?.id));
    const owed = async () =>
      (
        await a.call<{ agreements: { agreement: { id: string }; deletionNotices: { toHandOver: number } }[] }>(
          'GET',
          '/partner-shares/report',
        )
      ).body.agreements.find((x) => x.agreement.id === ag.body.id)?.deletionNotices.toHandOver;
    expect(await owed()).toBe(1);
    const view = await a.call<{ deletionNotices: { id: string; via: string; status: string }[] }>(
      'GET',
      `/partner-shares/contacts/${aIds[5]}`,
    );
    expect(view.body.deletionNotices.find((n) => n.id === byFile?.id)).toMatchObject({
      via: 'file',
      status: 'pending',
    });
    expect(view.body.deletionNotices.filter((n) => n.via === 'suite')).toHaveLength(2);
    await conforms(a, 'GET', '/partner-shares/contacts/{contactId}', view.body);

    const taken = await a.call('POST', `/partner-agreements/${ag.body.id}/deletion-files`);
    expect(taken.status).toBe(200);
    expect(taken.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = taken.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { noticeId: string; emailHashes: string[] });
    expect(lines).toEqual([
      expect.objectContaining({
        noticeId: byFile?.id,
        emailHashes: [emailHash(matchingKey(ag.body.sharedKey), email(5))],
      }),
    ]);
    const manifest = Buffer.from(signed(taken)['x-crm-partner-manifest'], 'base64url').toString('utf8');
    expect(JSON.parse(manifest)).toMatchObject({
      format: 'crm-partner-deletions/v1',
      agreement: ag.body.exchangeId,
      count: 1,
      sha256: createHash('sha256').update(taken.text).digest('hex'),
    });
    expect(signed(taken)['x-crm-partner-signature']).toBe(signManifest(signingKey(ag.body.sharedKey), manifest));
    const handed = (
      await a.db.query(
        `SELECT status, attempts, partner_deleted, delivered_at FROM partner_deletion_notices WHERE id = $1`,
        [byFile?.id],
      )
    ).rows[0];
    expect(handed).toMatchObject({ status: 'delivered', attempts: 1, partner_deleted: null });
    expect(handed.delivered_at).not.toBeNull();
    expect(await owed()).toBe(0);
    const none = await a.call('POST', `/partner-agreements/${ag.body.id}/deletion-files`);
    expect(none.text).toBe('');

    const importDeletions = (body: string, headers: Record<string, string>) =>
      b.call<Problem & { notices: number; deleted: number }>(
        'POST',
        `/partner-agreements/${bg.body.id}/deletion-imports`,
        { raw: body, headers: { 'content-type': 'application/x-ndjson', ...headers } },
      );
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(manifest), count: 0 })).toString('base64url');
    const refused = await importDeletions(taken.text, { ...signed(taken), 'x-crm-partner-manifest': forged });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('PARTNER_SIGNATURE_INVALID');
    const applied = await importDeletions(taken.text, signed(taken));
    expect(applied.status).toBe(200);
    expect(applied.body).toEqual({ notices: 1, deleted: 1 });
    await conforms(b, 'POST', '/partner-agreements/{id}/deletion-imports', applied.body);
    expect((await b.call<{ members: number }>('GET', `/partner-audiences/${audience.body.id}`)).body.members).toBe(1);
    expect(await bMembers(audience.body.segmentId)).toEqual([bIds[4]]);
    // Again: each notice applies once, so the answer is the same and nothing more goes.
    expect((await importDeletions(taken.text, signed(taken))).body).toEqual({ notices: 1, deleted: 1 });
    expect(await bMembers(audience.body.segmentId)).toEqual([bIds[4]]);
  });

  it("answers the other suite's exchange requests as the exchange's schemas say (match, audiences, deletions)", async () => {
    const ok = exchangeAnswers.filter((x) => x.status === 200);
    expect([...new Set(ok.map((x) => x.route))].sort()).toEqual([
      '/partner-exchange/v1/audiences',
      '/partner-exchange/v1/deletions',
      '/partner-exchange/v1/match',
    ]);
    // Chunked matches answer `{ received }` until the last chunk, then `{ matched }`: both kinds were seen.
    const matches = ok.filter((x) => x.route.endsWith('/match')).map((x) => Object.keys(x.body as object));
    expect(matches).toContainEqual(['matched']);
    for (const x of ok) await conforms(b, 'POST', x.route, x.body);
  });

  it('keeps applying contact events when the master key changed; the index is marked not ready instead', async () => {
    await b.restart({ PARTNER_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64') });
    await b.contact(bIds[9], 2, { primaryEmail: 'moved9@example.com' });
    await waitFor(
      async () => (await b.db.query(`SELECT email FROM contact_mirror WHERE contact_id = $1`, [bIds[9]])).rows[0].email,
      (e) => e === 'moved9@example.com',
    );
    const ready = (await b.db.query(`SELECT hash_index_ready FROM partner_agreements WHERE id = $1`, [agreementB]))
      .rows[0].hash_index_ready;
    expect(ready).toBe(false);
    expect(await b.count(`partner_contact_hashes WHERE contact_id = '${bIds[9]}'`)).toBe(0);
  });
});
