import { waitFor } from '@crm/messaging';
import { uuidv7 } from '@crm/persistence';
import { daysAgo } from '../testing/orders';
import { startMarketingApp, type MarketingTestApp } from '../testing/marketing-test-app';
import { SmtpReceiver } from '../testing/smtp-receiver';

jest.setTimeout(90_000);

interface Campaign {
  id: string;
  status: string;
  counts: { sent: number; skipped: number; skippedBy: Record<string, number> };
}

describe('campaigns: send rules, mail over SMTP, tracking links, unsubscribe (real Postgres, NATS and SMTP)', () => {
  let t: MarketingTestApp;
  const smtp = new SmtpReceiver();
  const [consented, unconsented, capped, blocked] = [uuidv7(), uuidv7(), uuidv7(), uuidv7()];
  const email = (id: string) => `${id.slice(-12)}@example.com`;
  let templateId: string;

  const consent = (contactId: string, granted: boolean) =>
    t.publish('contacts', {
      type: 'crm.contacts.consent.changed',
      subject: contactId,
      version: 1,
      data: { contactId, channel: 'email', purpose: 'marketing', granted, source: 'form', decidedAt: daysAgo(1) },
    });

  const list = async (contactIds: string[]) => {
    const seg = await t.call<{ id: string }>('POST', '/segments', {
      body: { name: `list ${uuidv7()}`, kind: 'static' },
    });
    await t.call('POST', `/segments/${seg.body.id}/members`, { body: { contactIds } });
    return seg.body.id;
  };

  const send = async (segmentId: string, extra: Record<string, unknown> = {}) => {
    const created = await t.call<Campaign>('POST', '/campaigns', {
      body: { name: 'Spring', channel: 'email', templateId, segmentIds: [segmentId], utmCampaign: 'spring', ...extra },
    });
    expect(created.status).toBe(201);
    expect(await t.answerViolations('POST', '/campaigns', created.body)).toEqual([]);
    const scheduled = await t.call<Campaign>('POST', `/campaigns/${created.body.id}/schedule`, { body: {} });
    expect(scheduled.body.status).toBe('scheduled');
    expect(await t.answerViolations('POST', '/campaigns/{id}/schedule', scheduled.body)).toEqual([]);
    return waitFor(
      async () => (await t.call<Campaign>('GET', `/campaigns/${created.body.id}`)).body,
      (c) => c.status === 'done',
      30_000,
      200,
    );
  };

  beforeAll(async () => {
    await smtp.start();
    t = await startMarketingApp('campaigns', { SMTP_URL: smtp.url, TRACKING_BASE_URL: 'http://tracking.test' });
    for (const id of [consented, unconsented, capped, blocked]) await t.contact(id, 1, { firstName: 'Ada' }, 'created');
    for (const id of [consented, capped, blocked]) await consent(id, true);
    await waitFor(
      async () => t.count('consent_mirror'),
      (n) => n === 3,
    );
    await waitFor(
      async () => (await t.db.query(`SELECT count(*)::int AS n FROM contact_mirror WHERE status = 'active'`)).rows[0].n,
      (n) => n === 4,
    );
    const tpl = await t.call<{ id: string }>('POST', '/templates', {
      body: {
        name: 'Spring',
        channel: 'email',
        subject: 'Hello {{ contact.firstName }}',
        body: '<html><body><p>Hi {{ contact.firstName }}</p><a href="https://shop.example/spring?x=1">Shop</a></body></html>',
      },
    });
    expect(tpl.status).toBe(201);
    expect(await t.answerViolations('POST', '/templates', tpl.body)).toEqual([]);
    templateId = tpl.body.id;
    const rule = await t.call('PUT', '/send-rules/email', { body: { maxMessages: 1, periodHours: 24 } });
    expect(rule.status).toBe(200);
    expect(await t.answerViolations('PUT', '/send-rules/{channel}', rule.body)).toEqual([]);
    const dnc = await t.call('POST', '/do-not-contact', { body: { contactId: blocked, reason: 'asked by phone' } });
    expect(dnc.status).toBe(200);
    expect(await t.answerViolations('POST', '/do-not-contact', dnc.body)).toEqual([]);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('sends to the consenting contact only, recording no consent, the frequency cap and do-not-contact as skips', async () => {
    const first = await send(await list([capped]));
    expect(first.counts.sent).toBe(1);
    const second = await send(await list([consented, unconsented, capped, blocked]));
    expect(second.counts).toMatchObject({
      sent: 1,
      skipped: 3,
      skippedBy: { no_consent: 1, frequency_cap: 1, do_not_contact: 1 },
    });
    expect(smtp.to(email(consented))).toHaveLength(1);
    expect(smtp.to(email(capped))).toHaveLength(1);
    expect(smtp.to(email(unconsented))).toHaveLength(0);
    expect(smtp.to(email(blocked))).toHaveLength(0);
    const mail = smtp.to(email(consented))[0];
    expect(mail.header('subject')).toBe('Hello Ada');
    expect(mail.header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(mail.header('list-unsubscribe')).toMatch(/^<http:\/\/tracking\.test\/t\/u\/[0-9a-f-]{36}\?s=[\w-]{43}>$/);
    const skipped = await waitFor(
      () => t.published('crm.marketing.message.skipped'),
      (e) => e.length === 3,
    );
    expect(skipped.map((e) => e.data['reason']).sort()).toEqual(['do_not_contact', 'frequency_cap', 'no_consent']);
    const sent = await waitFor(
      () => t.published('crm.marketing.message.sent'),
      (e) => e.length === 2,
    );
    expect(sent[1].data).toMatchObject({
      campaignId: second.id,
      contactId: consented,
      channel: 'email',
      utmCampaign: 'spring',
    });
  });

  it('records opens once and clicks through signed links, and refuses a tampered link', async () => {
    const mail = smtp.to(email(consented))[0];
    const link = /href="(http:\/\/tracking\.test\/t\/c\/[^"]+)"/.exec(mail.html)?.[1].replace(/&amp;/g, '&') as string;
    const pixel = /src="(http:\/\/tracking\.test\/t\/o\/[^"]+)"/.exec(mail.html)?.[1].replace(/&amp;/g, '&') as string;
    const local = (u: string) => u.replace('http://tracking.test', '');
    const click = await t.call('GET', local(link), { token: null });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe('https://shop.example/spring?x=1');
    const tampered = new URL(link);
    tampered.searchParams.set('u', 'https://evil.example/');
    const refused = await t.call<{ code: string }>('GET', `${tampered.pathname}${tampered.search}`, { token: null });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('LINK_SIGNATURE_INVALID');
    for (let i = 0; i < 2; i++) {
      const open = await t.call('GET', local(pixel), { token: null });
      expect(open.status).toBe(200);
      expect(open.headers.get('content-type')).toBe('image/gif');
    }
    const kinds = (
      await t.call<{ items: { kind: string; utmCampaign: string }[] }>('GET', `/touchpoints?contactId=${consented}`)
    ).body.items;
    expect(kinds.map((k) => k.kind).sort()).toEqual(['clicked', 'opened', 'sent']);
    expect(kinds.every((k) => k.utmCampaign === 'spring')).toBe(true);
    // A page at a time, newest first: the three in two pages, each as the document declares it.
    const first = await t.call<{ items: { id: string }[]; nextCursor: string }>(
      'GET',
      `/touchpoints?contactId=${consented}&limit=2`,
    );
    expect(await t.answerViolations('GET', '/touchpoints', first.body)).toEqual([]);
    expect(first.body.items).toHaveLength(2);
    const rest = await t.call<{ items: { id: string }[]; nextCursor: string | null }>(
      'GET',
      `/touchpoints?contactId=${consented}&limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(await t.answerViolations('GET', '/touchpoints', rest.body)).toEqual([]);
    expect(rest.body.nextCursor).toBeNull();
    expect([...first.body.items, ...rest.body.items].map((i) => i.id).sort()).toEqual(
      (kinds as unknown as { id: string }[]).map((k) => k.id).sort(),
    );
  });

  it('unsubscribes in one click (RFC 8058), writes consent back through an event, and sends nothing after', async () => {
    const mail = smtp.to(email(consented))[0];
    const url = /^<(.+)>$/.exec(mail.header('list-unsubscribe') as string)?.[1] as string;
    const res = await fetch(url.replace('http://tracking.test', t.base), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(200);
    expect(await t.answerViolations('POST', '/t/u/{messageId}', await res.json())).toEqual([]);
    const [withdrawn] = await waitFor(
      () => t.published('crm.marketing.consent.withdrawn'),
      (e) => e.length === 1,
    );
    expect(withdrawn).toMatchObject({
      subject: consented,
      data: { contactId: consented, channel: 'email', purpose: 'marketing', source: 'unsubscribe' },
    });
    const forged = await t.call(
      'POST',
      url.replace('http://tracking.test', '').replace(/s=[\w-]+/, `s=${'A'.repeat(43)}`),
      {
        token: null,
      },
    );
    expect(forged.status).toBe(403);
    // Lift the cap so only consent stands in the way.
    await t.call('PUT', '/send-rules/email', { body: { maxMessages: 10, periodHours: 24 } });
    const third = await send(await list([consented]));
    expect(third.counts).toMatchObject({ sent: 0, skippedBy: { no_consent: 1 } });
    expect(smtp.to(email(consented))).toHaveLength(1);
  });

  it('refuses moves a campaign status does not allow', async () => {
    const c = await t.call<{ id: string }>('POST', '/campaigns', {
      body: { name: 'Draft', channel: 'email', templateId, contactIds: [consented] },
    });
    const pause = await t.call<{ code: string }>('POST', `/campaigns/${c.body.id}/pause`);
    expect(pause.status).toBe(409);
    expect(pause.body.code).toBe('CAMPAIGN_TRANSITION_INVALID');
  });

  it('answers every campaign, template, send-rule and delivery route as its document declares', async () => {
    const conform = async (method: string, route: string, res: { status: number; body: unknown }, status = 200) => {
      expect({ route, status: res.status, body: res.status === status ? 'as asked' : res.body }).toEqual({
        route,
        status,
        body: 'as asked',
      });
      expect({ route, violations: await t.answerViolations(method, route, res.body) }).toEqual({
        route,
        violations: [],
      });
    };
    const list = await t.call<{ items: { id: string; status: string; counts: { sent: number } }[] }>(
      'GET',
      '/campaigns?limit=200',
    );
    await conform('GET', '/campaigns', list);
    const done = list.body.items.find((c) => c.status === 'done' && c.counts.sent > 0) as { id: string };
    await conform('GET', '/campaigns/{id}', await t.call('GET', `/campaigns/${done.id}`));
    await conform('GET', '/campaigns/{id}/report', await t.call('GET', `/campaigns/${done.id}/report`));
    const messages = await t.call<{ items: { id: string; status: string }[] }>('GET', `/campaigns/${done.id}/messages`);
    await conform('GET', '/campaigns/{id}/messages', messages);
    const sent = messages.body.items.find((m) => m.status === 'sent') as { id: string };
    await conform(
      'POST',
      '/deliveries',
      await t.call('POST', '/deliveries', { body: { messageId: sent.id, status: 'delivered' } }),
    );
    await conform('GET', '/send-rules', await t.call('GET', '/send-rules'));

    const draft = await t.call<{ id: string }>('POST', '/campaigns', {
      body: { name: 'Later', channel: 'email', templateId, contactIds: [capped], costMinor: 500, currency: 'EUR' },
    });
    await conform('POST', '/campaigns', draft, 201);
    await conform('POST', '/campaigns/{id}/cancel', await t.call('POST', `/campaigns/${draft.body.id}/cancel`));

    await conform('GET', '/templates', await t.call('GET', '/templates'));
    await conform('GET', '/templates/{id}', await t.call('GET', `/templates/${templateId}`));
    await conform(
      'PATCH',
      '/templates/{id}',
      await t.call('PATCH', `/templates/${templateId}`, { body: { name: 'Spring (v2)' } }),
    );
    await conform(
      'POST',
      '/templates/{id}/preview',
      await t.call('POST', `/templates/${templateId}/preview`, { body: { contactId: capped } }),
    );

    const mail = smtp.to(email(consented))[0];
    const page = /^<(.+)>$/.exec(mail.header('list-unsubscribe') as string)?.[1] as string;
    const html = await t.call('GET', page.replace('http://tracking.test', ''), { token: null });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toContain('text/html');
  });
});
