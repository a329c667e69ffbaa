import { waitFor } from '@crm/messaging';
import { uuidv7 } from '@crm/persistence';
import { startMarketingApp, type MarketingTestApp } from '../testing/marketing-test-app';
import { ExchangeProtocols, PROTOCOLS_HEADER, speaksOnlyFirstProtocol } from './exchange-protocol';
import {
  AGREEMENT_HEADER,
  emailHash,
  matchingKey,
  signBody,
  signingKey,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
} from './partner-crypto';

jest.setTimeout(180_000);

const ENV = { PARTNER_ALLOW_HTTP: 'true', PARTNER_RECEIVE_TIMEOUT_SECONDS: '3' };
const email = (i: number) => `person${i}@example.com`;

interface Wire {
  route: string;
  sent: Record<string, unknown>;
  status: number;
  body: { code?: string; errors?: { field: string; message: string }[]; matched?: number } | undefined;
  protocols: string | null;
}

/**
 * Exchange protocol versions on two real suites (own databases and event
 * namespaces, signed HTTP between them). A suite pinned to protocol 1 stands
 * in for a partner on the first release: it checks a match against that
 * release's own request DTO and states no versions.
 */
describe('partner exchange protocol versions between two suites (real Postgres and NATS)', () => {
  let a: MarketingTestApp;
  let b: MarketingTestApp;
  const aIds = Array.from({ length: 7 }, () => uuidv7());
  const bIds = Array.from({ length: 11 }, () => uuidv7());
  // B knows people 1-4 (also A's) and 9-10 (not A's): the overlap with A's consented 1-6 is 4.
  const inB = [1, 2, 3, 4, 9, 10];
  let agreementA: string;
  let agreementB: string;
  let sharedKey: string;
  let exchangeId: string;
  let segment: string;
  const wire: Wire[] = [];
  const realFetch = globalThis.fetch;

  const consent = (t: MarketingTestApp, contactId: string, purpose: string) =>
    t.publish('contacts', {
      type: 'crm.contacts.consent.changed',
      subject: contactId,
      version: 1,
      data: { contactId, channel: 'email', purpose, granted: true, source: 'form', decidedAt: '2026-01-01T00:00:00Z' },
    });
  const speak = (t: MarketingTestApp, versions: number[]) => {
    t.app.get(ExchangeProtocols).speaks = versions;
  };
  const matchOnA = () =>
    a.call<{ audience: number; matched: number; code?: string }>('POST', `/partner-agreements/${agreementA}/match`, {
      body: { segmentId: segment },
    });
  const matchWire = (from: number) => wire.slice(from).filter((w) => w.route.endsWith('/match'));

  /** A request as a caller suite sends it, signed under the agreement (the body is what the signature covers). */
  const signedToB = async (payload: object, sentBody?: string) => {
    const body = JSON.stringify(payload);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await realFetch(`${b.base}/partner-exchange/v1/match`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [AGREEMENT_HEADER]: exchangeId,
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signBody(signingKey(sharedKey), timestamp, body),
      },
      body: sentBody ?? body,
    });
    return {
      status: res.status,
      protocols: res.headers.get(PROTOCOLS_HEADER),
      body: (await res.json()) as Wire['body'],
    };
  };
  const hashes = (people: number[]) => people.map((i) => ({ emailHash: emailHash(matchingKey(sharedKey), email(i)) }));

  beforeAll(async () => {
    a = await startMarketingApp('partners_pv_a', ENV);
    b = await startMarketingApp('partners_pv_b', ENV);
    jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      if (!String(input).includes('/partner-exchange/')) return realFetch(input, init);
      const res = await realFetch(input, init);
      const text = await res.clone().text();
      wire.push({
        route: new URL(String(input)).pathname,
        sent: JSON.parse(String(init?.body ?? '{}')) as Record<string, unknown>,
        status: res.status,
        body: text ? (JSON.parse(text) as Wire['body']) : undefined,
        protocols: res.headers.get(PROTOCOLS_HEADER),
      });
      return res;
    });
    for (let i = 1; i <= 6; i++)
      await a.contact(aIds[i], 1, { primaryEmail: email(i), birthDate: '1980-02-03', country: 'FR' }, 'created');
    for (const i of inB) await b.contact(bIds[i], 1, { primaryEmail: email(i) }, 'created');
    for (let i = 1; i <= 6; i++) for (const p of ['partner_sharing', 'marketing']) await consent(a, aIds[i], p);
    for (const i of inB) await consent(b, bIds[i], 'marketing');
    await waitFor(
      () => a.count('consent_mirror'),
      (n) => n === 12,
    );
    await waitFor(
      () => b.count('consent_mirror'),
      (n) => n === inB.length,
    );
    for (const [t, n] of [
      [a, 6],
      [b, inB.length],
    ] as const)
      await waitFor(
        async () =>
          (await t.db.query(`SELECT count(*)::int AS n FROM contact_mirror WHERE status = 'active'`)).rows[0].n,
        (x) => x === n,
      );

    const pa = await a.call<{ id: string }>('POST', '/partners', { body: { name: 'Bee Travel', baseUrl: b.base } });
    const terms = {
      purposes: ['marketing'],
      fields: ['emailHash', 'country'],
      validUntil: '2027-12-31T00:00:00Z',
      minAudienceSize: 3,
    };
    const ag = await a.call<{ id: string; exchangeId: string; sharedKey: string }>(
      'POST',
      `/partners/${pa.body.id}/agreements`,
      { body: { name: 'Travel x Shop', ...terms } },
    );
    expect(ag.status).toBe(201);
    agreementA = ag.body.id;
    sharedKey = ag.body.sharedKey;
    exchangeId = ag.body.exchangeId;
    const pb = await b.call<{ id: string }>('POST', '/partners', { body: { name: 'Ay Shop', baseUrl: a.base } });
    const bg = await b.call<{ id: string }>('POST', `/partners/${pb.body.id}/agreements`, {
      body: { name: 'Shop x Travel', ...terms, exchangeId, sharedKey },
    });
    expect(bg.status).toBe(201);
    agreementB = bg.body.id;
    for (const [t, id] of [
      [a, agreementA],
      [b, agreementB],
    ] as const)
      expect((await t.call('POST', `/partner-agreements/${id}/activate`)).status).toBe(200);
    await waitFor(
      async () =>
        (await b.db.query(`SELECT hash_index_ready FROM partner_agreements WHERE id = $1`, [agreementB])).rows[0]
          .hash_index_ready,
      (r) => r === true,
      20_000,
    );
    const seg = await a.call<{ id: string }>('POST', '/segments', { body: { name: 'all', kind: 'static' } });
    segment = seg.body.id;
    expect((await a.call('POST', `/segments/${segment}/members`, { body: { contactIds: aIds.slice(1) } })).status).toBe(
      200,
    );
  });

  afterEach(() => {
    speak(a, [1, 2]);
    speak(b, [1, 2]);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await a?.close();
    await b?.close();
  });

  it('two current suites match in one chunked request stating protocol 2; the answer lists 1 and 2', async () => {
    const from = wire.length;
    const res = await matchOnA();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ audience: 6, matched: 4 });
    const sent = matchWire(from);
    expect(sent).toHaveLength(1);
    expect(sent[0].sent).toMatchObject({ protocol: 2, chunk: 0, chunks: 1 });
    expect(sent[0]).toMatchObject({ status: 200, body: { matched: 4 }, protocols: '1, 2' });
  });

  it('matches a partner on the first release: its refusal of the chunked request is recognised, the old request counts', async () => {
    speak(b, [1]);
    const from = wire.length;
    const res = await matchOnA();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ audience: 6, matched: 4 });
    const [chunked, old, ...more] = matchWire(from);
    expect(more).toEqual([]);
    // The first release's refusal: 400 VALIDATION_FAILED, each of the new fields unknown, no versions stated.
    expect(chunked.sent).toMatchObject({ protocol: 2 });
    expect(chunked.status).toBe(400);
    expect(chunked.protocols).toBeNull();
    expect(chunked.body?.code).toBe('VALIDATION_FAILED');
    expect(chunked.body?.errors?.map((e) => `${e.field}: ${e.message}`).sort()).toEqual([
      'chunk: is not a known field',
      'chunks: is not a known field',
      'matchId: is not a known field',
      'protocol: is not a known field',
    ]);
    // Then the first release's own request: the records and nothing else, and only hashes.
    expect(Object.keys(old.sent)).toEqual(['records']);
    expect(old).toMatchObject({ status: 200, body: { matched: 4 }, protocols: null });
    expect(JSON.stringify(old.sent)).not.toContain('@');

    // A share with that partner goes the same way and lands on B as an audience of the 4 it knows.
    const share = await a.call<{ status: string; matched: number; partnerAudienceId: string }>(
      'POST',
      `/partner-agreements/${agreementA}/shares`,
      { body: { segmentId: segment } },
    );
    expect(share.status).toBe(201);
    expect(share.body).toMatchObject({ status: 'delivered', matched: 4 });
    const aud = await b.call<{ members: number; status: string }>(
      'GET',
      `/partner-audiences/${share.body.partnerAudienceId}`,
    );
    expect(aud.body).toMatchObject({ status: 'active', members: 4 });
  });

  it('does not fall back on a refusal that is not about the protocol (the agreement suspended on B)', async () => {
    speak(b, [1]);
    expect((await b.call('POST', `/partner-agreements/${agreementB}/suspend`)).status).toBe(200);
    try {
      const from = wire.length;
      const res = await matchOnA();
      expect(res.status).toBe(502);
      expect(res.body.code).toBe('PARTNER_REFUSED');
      // Pinned to protocol 1, B still answers the first release's refusal first (validation before the agreement):
      // A falls back, and the old request is then refused for the agreement; no third request.
      const sent = matchWire(from);
      expect(sent.map((w) => [w.status, w.body?.code])).toEqual([
        [400, 'VALIDATION_FAILED'],
        [409, 'AGREEMENT_NOT_IN_FORCE'],
      ]);
      speak(b, [1, 2]);
      const current = wire.length;
      expect((await matchOnA()).status).toBe(502);
      // A current partner's 409 is no protocol matter: one request, no fallback.
      expect(matchWire(current).map((w) => [w.status, w.body?.code, w.protocols])).toEqual([
        [409, 'AGREEMENT_NOT_IN_FORCE', '1, 2'],
      ]);
    } finally {
      expect((await b.call('POST', `/partner-agreements/${agreementB}/activate`)).status).toBe(200);
    }
  });

  it('a current suite answers a first-release caller: the old request alone, counted as a whole list', async () => {
    speak(a, [1]);
    const from = wire.length;
    const res = await matchOnA();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ audience: 6, matched: 4 });
    const sent = matchWire(from);
    expect(sent).toHaveLength(1);
    expect(Object.keys(sent[0].sent)).toEqual(['records']);
    expect(sent[0]).toMatchObject({ status: 200, body: { matched: 4 }, protocols: '1, 2' });
    // The old request straight, signed as the first release signs it; k still holds on it.
    expect(await signedToB({ records: hashes([1, 2, 5, 9]) })).toMatchObject({ status: 200, body: { matched: 3 } });
    const below = await signedToB({ records: hashes([1, 2]) });
    expect(below).toMatchObject({ status: 422, body: { code: 'AUDIENCE_BELOW_THRESHOLD' } });
  });

  it('refuses a protocol it does not speak, naming it and listing its own; the signature covers the version', async () => {
    const future = await signedToB({ protocol: 3, matchId: uuidv7(), chunk: 0, chunks: 1, records: hashes([1, 2, 3]) });
    expect(future.status).toBe(400);
    expect(future.protocols).toBe('1, 2');
    expect(future.body?.errors?.map((e) => e.field)).toEqual(['protocol']);
    // A caller reads that as "no chunked match for me?": no, this partner speaks 2.
    expect(speaksOnlyFirstProtocol({ ...future, protocols: [1, 2] })).toBe(false);
    const mixed = await signedToB({ protocol: 1, matchId: uuidv7(), chunk: 0, chunks: 1, records: hashes([1, 2, 3]) });
    expect(mixed.status).toBe(400);
    expect(mixed.body?.errors?.map((e) => e.field)).toEqual(['protocol']);
    // The version is in the signed body: changed on the way, the request is refused as unsigned.
    const payload = { protocol: 2, matchId: uuidv7(), chunk: 0, chunks: 1, records: hashes([1, 2, 3]) };
    const tampered = await signedToB(payload, JSON.stringify({ ...payload, protocol: 1 }));
    expect(tampered).toMatchObject({ status: 401, body: { code: 'PARTNER_SIGNATURE_INVALID' } });
    expect(await signedToB(payload)).toMatchObject({ status: 200, body: { matched: 3 } });
  });
});
