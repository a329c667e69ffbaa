import { waitFor } from '@crm/messaging';
import { uuidv7 } from '@crm/persistence';
import { startMarketingApp, type MarketingTestApp } from '../testing/marketing-test-app';

jest.setTimeout(60_000);

describe('surveys: unguessable links, one answer each, NPS per survey and segment', () => {
  let t: MarketingTestApp;
  beforeAll(async () => {
    t = await startMarketingApp('surveys');
  });
  afterAll(() => t.close());

  it('computes NPS from the answers, overall and for a segment', async () => {
    const contacts = Array.from({ length: 6 }, () => uuidv7());
    const survey = await t.call<{ id: string }>('POST', '/surveys', {
      body: {
        name: 'After purchase',
        questions: [
          { id: 'nps', kind: 'nps', text: 'How likely are you to recommend us?' },
          { id: 'why', kind: 'text', text: 'Why?' },
          { id: 'channel', kind: 'choice', text: 'Where did you hear of us?', options: ['friend', 'ad', 'search'] },
        ],
      },
    });
    expect(survey.status).toBe(201);
    expect(await t.answerViolations('POST', '/surveys', survey.body)).toEqual([]);
    const invited = await t.call<{ items: { contactId: string; link: string }[] }>(
      'POST',
      `/surveys/${survey.body.id}/invitations`,
      { body: { contactIds: contacts } },
    );
    expect(invited.status).toBe(201);
    expect(await t.answerViolations('POST', '/surveys/{id}/invitations', invited.body)).toEqual([]);
    const links = invited.body.items;
    expect(new Set(links.map((l) => l.link)).size).toBe(6);
    const scores = [10, 9, 8, 7, 6, 0];
    for (const [i, l] of links.entries()) {
      const path = new URL(l.link).pathname;
      const page = await t.call<{ answered: boolean }>('GET', path, { token: null });
      expect(page.status).toBe(200);
      expect(page.body.answered).toBe(false);
      expect(await t.answerViolations('GET', '/s/{token}', page.body)).toEqual([]);
      const res = await t.call('POST', path, {
        token: null,
        body: { answers: { nps: scores[i], why: 'because', channel: 'friend' } },
      });
      expect(res.status).toBe(201);
      expect(await t.answerViolations('POST', '/s/{token}', res.body)).toEqual([]);
    }
    const again = await t.call<{ code: string }>('POST', new URL(links[0].link).pathname, {
      token: null,
      body: { answers: { nps: 0 } },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('SURVEY_ALREADY_ANSWERED');
    const bad = await t.call<{ errors: { field: string }[] }>('POST', '/surveys', {
      body: { name: 'x', questions: [] },
    });
    expect(bad.status).toBe(400);

    const overall = await t.call('GET', `/surveys/${survey.body.id}/nps`);
    expect(overall.body).toMatchObject({ responses: 6, promoters: 2, passives: 2, detractors: 2, nps: 0 });
    expect(await t.answerViolations('GET', '/surveys/{id}/nps', overall.body)).toEqual([]);
    const one = await t.call('GET', `/surveys/${survey.body.id}`);
    expect(one.status).toBe(200);
    expect(await t.answerViolations('GET', '/surveys/{id}', one.body)).toEqual([]);
    const seg = await t.call<{ id: string }>('POST', '/segments', { body: { name: 'fans', kind: 'static' } });
    await t.call('POST', `/segments/${seg.body.id}/members`, { body: { contactIds: contacts.slice(0, 3) } });
    const fans = await t.call('GET', `/surveys/${survey.body.id}/nps?segmentId=${seg.body.id}`);
    expect(fans.body).toMatchObject({ responses: 3, promoters: 2, detractors: 0, nps: 67 });
    expect(await t.answerViolations('GET', '/surveys/{id}/nps', fans.body)).toEqual([]);
    const answered = await waitFor(
      () => t.published('crm.marketing.survey.answered'),
      (e) => e.length === 6,
    );
    expect(answered[0].data).toMatchObject({ surveyId: survey.body.id, nps: 10 });
  });

  it('lists surveys newest first, a bounded page at a time, each page as the document declares it', async () => {
    const ids: string[] = [];
    for (const name of ['Onboarding', 'Churn', 'Delivery']) {
      const res = await t.call<{ id: string }>('POST', '/surveys', {
        body: { name, questions: [{ id: 'score', kind: 'rating', text: 'How was it?' }] },
      });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: { items: { id: string; name: string }[]; nextCursor: string | null } } =
        await t.call('GET', `/surveys?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(await t.answerViolations('GET', '/surveys', page.body)).toEqual([]);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((s) => s.id));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    // The one of the first test, then these three; newest first, none twice.
    expect(seen).toHaveLength(4);
    expect(seen.slice(0, 3)).toEqual([...ids].reverse());
    expect(new Set(seen).size).toBe(4);

    expect((await t.call('GET', '/surveys?limit=201')).status).toBe(400);
    expect((await t.call('GET', '/surveys?cursor=not-a-cursor!')).status).toBe(400);
    const reader = await t.token(['read-only']);
    expect((await t.call('GET', '/surveys', { token: reader })).status).toBe(200);
    expect((await t.call('GET', '/surveys', { token: null })).status).toBe(401);
    expect((await t.call('GET', '/surveys', { token: await t.token(['support']) })).status).toBe(403);
  });
});
