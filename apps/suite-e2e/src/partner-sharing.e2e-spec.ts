import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { SMTPServer } from 'smtp-server';
import { buildCloudEvent, deleteNamespaceStreams, EventNaming, waitFor } from '@crm/messaging';
import { api, prepareSuite, type Suite } from './support/suite';

jest.setTimeout(480_000);

/**
 * Two suites, each its own databases and event namespace: a shop (contacts,
 * marketing, gateway) shares a consented segment with a travel agency
 * (marketing, gateway; its contacts arrive as events), which mails the
 * partner audience; a withdrawal at the shop makes the agency delete.
 */
describe('partner sharing end to end: two suites, an agreement, a consented segment shared, a campaign on the receiving side', () => {
  let shop: Suite;
  let agency: Suite;
  let nc: NatsConnection;
  let shopGw: string;
  let agencyGw: string;
  let shopAdmin: string;
  let agencyAdmin: string;
  const run = randomBytes(3).toString('hex');
  const email = (i: number) => `p${run}${i}@example.com`;
  const mails: string[] = [];
  let smtp: SMTPServer;

  const up = async (s: Suite, app: string, env: Record<string, string>) => {
    await s.services[app].start(env).catch((e: Error) => {
      if (!/did not come up/.test(e.message)) throw e;
    });
    await s.services[app].waitReady(120_000);
  };

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, cb) {
        stream.on('data', () => undefined);
        stream.on('end', () => {
          for (const r of session.envelope.rcptTo) mails.push(r.address);
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    const smtpPort = (smtp as unknown as { server: { address(): { port: number } } }).server.address().port;
    shop = await prepareSuite(['contacts', 'marketing', 'gateway']);
    agency = await prepareSuite(['marketing', 'gateway']);
    nc = await connect({ servers: shop.natsUrl });
    const internal = { INTERNAL_TOKEN_SECRET: randomBytes(32).toString('hex') };
    const partnerEnv = { PARTNER_ALLOW_HTTP: 'true', PARTNER_NOTICE_RETRY_SECONDS: '1' };
    await up(shop, 'contacts', internal);
    await up(shop, 'marketing', { ...internal, ...partnerEnv });
    await up(shop, 'gateway', {
      ...internal,
      CONTACTS_URL: shop.services['contacts'].baseUrl,
      MARKETING_URL: shop.services['marketing'].baseUrl,
      ANALYTICS_URL: 'http://127.0.0.1:9',
    });
    await up(agency, 'marketing', {
      ...internal,
      ...partnerEnv,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      TRACKING_BASE_URL: 'http://tracking.invalid',
    });
    await up(agency, 'gateway', {
      ...internal,
      MARKETING_URL: agency.services['marketing'].baseUrl,
      CONTACTS_URL: 'http://127.0.0.1:9',
      ANALYTICS_URL: 'http://127.0.0.1:9',
    });
    shopGw = `${shop.services['gateway'].baseUrl}/api/v1`;
    agencyGw = `${agency.services['gateway'].baseUrl}/api/v1`;
    shopAdmin = await shop.token(['admin']);
    agencyAdmin = await agency.token(['admin']);
  });

  afterAll(async () => {
    for (const s of [shop, agency]) if (s) await deleteNamespaceStreams(await nc.jetstreamManager(), s.namespace);
    await nc?.close();
    await shop?.teardown();
    await agency?.teardown();
    await new Promise<void>((r) => smtp.close(() => r()));
  });

  /** The agency's own contacts, as its contacts service would announce them. */
  const agencyContact = async (i: number) => {
    const id = randomUUID();
    const naming = new EventNaming(agency.namespace);
    const now = new Date().toISOString();
    const events = [
      buildCloudEvent('contacts', {
        type: 'crm.contacts.contact.created',
        subject: id,
        version: 1,
        data: {
          id,
          status: 'active',
          displayName: `Traveller ${i}`,
          primaryEmail: email(i),
          country: 'FR',
          tags: [],
          customFields: {},
          createdAt: now,
          updatedAt: now,
        },
      }),
      buildCloudEvent('contacts', {
        type: 'crm.contacts.consent.changed',
        subject: id,
        version: 1,
        data: {
          contactId: id,
          channel: 'email',
          purpose: 'marketing',
          granted: true,
          source: 'web form',
          decidedAt: now,
        },
      }),
    ];
    for (const e of events) await nc.jetstream().publish(naming.subjectFor(e.type), JSON.stringify(e), { msgID: e.id });
    return id;
  };

  it('shares the consented members with the partner suite, which mails them; a withdrawal makes the partner delete', async () => {
    // The shop: 5 people, 4 of whom grant partner sharing for marketing (through contacts, as a person would).
    const shopIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await api<{ id: string }>(shopGw, 'POST', '/contacts', shopAdmin, {
        firstName: `P${i}`,
        lastName: `Run${run}`,
        emails: [{ address: email(i), primary: true }],
        country: 'FR',
      });
      expect(res.status).toBe(201);
      shopIds.push(res.body.id);
      // Partner sharing and the agreement's purpose (marketing): both are needed for a contact to be shared.
      if (i < 4)
        for (const purpose of ['partner_sharing', 'marketing']) {
          const c = await api(shopGw, 'POST', `/contacts/${res.body.id}/consents`, shopAdmin, {
            channel: 'email',
            purpose,
            granted: true,
            source: 'checkout form',
          });
          expect(c.status).toBeLessThan(300);
        }
    }
    // The agency knows people 0-2 and 4 (4 never consented at the shop).
    const agencyIds = [await agencyContact(0), await agencyContact(1), await agencyContact(2), await agencyContact(4)];

    const partner = await api<{ id: string }>(shopGw, 'POST', '/partners', shopAdmin, {
      name: 'Agency',
      baseUrl: agency.services['marketing'].baseUrl,
    });
    expect(partner.status).toBe(201);
    const agreement = await api<{ id: string; exchangeId: string; sharedKey: string }>(
      shopGw,
      'POST',
      `/partners/${partner.body.id}/agreements`,
      shopAdmin,
      {
        name: 'Shop x Agency',
        purposes: ['marketing'],
        fields: ['emailHash', 'country'],
        validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString(),
        minAudienceSize: 2,
      },
    );
    expect(agreement.status).toBe(201);
    const back = await api<{ id: string }>(agencyGw, 'POST', '/partners', agencyAdmin, {
      name: 'Shop',
      baseUrl: shop.services['marketing'].baseUrl,
    });
    const mirrored = await api<{ id: string }>(agencyGw, 'POST', `/partners/${back.body.id}/agreements`, agencyAdmin, {
      name: 'Agency x Shop',
      purposes: ['marketing'],
      fields: ['emailHash', 'country'],
      validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString(),
      minAudienceSize: 2,
      exchangeId: agreement.body.exchangeId,
      sharedKey: agreement.body.sharedKey,
    });
    expect(mirrored.status).toBe(201);
    for (const [gw, token, id] of [
      [shopGw, shopAdmin, agreement.body.id],
      [agencyGw, agencyAdmin, mirrored.body.id],
    ])
      expect((await api(gw, 'POST', `/partner-agreements/${id}/activate`, token)).status).toBe(200);

    const segment = await api<{ id: string }>(shopGw, 'POST', '/segments', shopAdmin, {
      name: 'Everyone',
      kind: 'static',
    });
    expect(
      (await api(shopGw, 'POST', `/segments/${segment.body.id}/members`, shopAdmin, { contactIds: shopIds })).status,
    ).toBe(200);

    // The mirrors catch up (the shop's consent, the agency's contacts): the match shows it.
    const match = await waitFor(
      async () =>
        (
          await api<{ audience: number; matched: number }>(
            shopGw,
            'POST',
            `/partner-agreements/${agreement.body.id}/match`,
            shopAdmin,
            { segmentId: segment.body.id },
          )
        ).body,
      (m) => m.audience === 4 && m.matched === 3,
      60_000,
      1000,
    );
    expect(match).toMatchObject({ audience: 4, matched: 3 });
    const share = await api<{ status: string; matched: number; partnerAudienceId: string }>(
      shopGw,
      'POST',
      `/partner-agreements/${agreement.body.id}/shares`,
      shopAdmin,
      { segmentId: segment.body.id },
    );
    expect(share.status).toBe(201);
    expect(share.headers.get('location')).toMatch(/\/api\/v1\/partner-shares\//);
    expect(share.body).toMatchObject({ status: 'delivered', matched: 3 });

    const audience = await api<{ segmentId: string; members: number; provenance: { partnerName: string } }>(
      agencyGw,
      'GET',
      `/partner-audiences/${share.body.partnerAudienceId}`,
      agencyAdmin,
    );
    expect(audience.body).toMatchObject({ members: 3, provenance: { partnerName: 'Shop' } });

    const tpl = await api<{ id: string }>(agencyGw, 'POST', '/templates', agencyAdmin, {
      name: 'Trips',
      channel: 'email',
      subject: 'Trips for you',
      body: '<p>Hello</p>',
    });
    const campaign = await api<{ id: string }>(agencyGw, 'POST', '/campaigns', agencyAdmin, {
      name: 'Partner trips',
      channel: 'email',
      templateId: tpl.body.id,
      segmentIds: [audience.body.segmentId],
    });
    expect(campaign.status).toBe(201);
    await api(agencyGw, 'POST', `/campaigns/${campaign.body.id}/schedule`, agencyAdmin, {});
    await waitFor(
      async () =>
        (await api<{ status: string }>(agencyGw, 'GET', `/campaigns/${campaign.body.id}`, agencyAdmin)).body.status,
      (s) => s === 'done',
      60_000,
      500,
    );
    expect([...mails].sort()).toEqual([email(0), email(1), email(2)]);

    // Person 0 withdraws at the shop: the agency's audience loses them.
    const w = await api(shopGw, 'POST', `/contacts/${shopIds[0]}/consents`, shopAdmin, {
      channel: 'email',
      purpose: 'partner_sharing',
      granted: false,
      source: 'preference centre',
    });
    expect(w.status).toBeLessThan(300);
    await waitFor(
      async () =>
        (
          await api<{ members: number }>(
            agencyGw,
            'GET',
            `/partner-audiences/${share.body.partnerAudienceId}`,
            agencyAdmin,
          )
        ).body.members,
      (n) => n === 2,
      60_000,
      500,
    );
    const members = await api<{ items: { contactId: string }[] }>(
      agencyGw,
      'GET',
      `/segments/${audience.body.segmentId}/members`,
      agencyAdmin,
    );
    expect(members.body.items.map((m) => m.contactId).sort()).toEqual([agencyIds[1], agencyIds[2]].sort());

    // Where person 0's data went, through the gateway and in the customer 360.
    const view = await api<{ shares: unknown[]; deletionNotices: { status: string }[] }>(
      shopGw,
      'GET',
      `/partner-shares/contacts/${shopIds[0]}`,
      shopAdmin,
    );
    expect(view.body.shares).toHaveLength(1);
    expect(view.body.deletionNotices).toEqual([expect.objectContaining({ status: 'delivered' })]);
    const c360 = await api<{
      parts: { marketing?: { partnerSharing?: { partnerName: string; deletionNotice: { status: string } | null }[] } };
    }>(shopGw, 'GET', `/customers/${shopIds[0]}`, shopAdmin);
    expect(c360.body.parts.marketing?.partnerSharing).toEqual([
      expect.objectContaining({
        partnerName: 'Agency',
        deletionNotice: expect.objectContaining({ status: 'delivered' }),
      }),
    ]);
  });
});
