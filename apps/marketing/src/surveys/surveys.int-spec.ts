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
    const links = (
      await t.call<{ items: { contactId: string; link: string }[] }>('POST', `/surveys/${survey.body.id}/invitations`, {
        body: { contactIds: contacts },
      })
    ).body.items;
    expect(new Set(links.map((l) => l.link)).size).toBe(6);
    const scores = [10, 9, 8, 7, 6, 0];
    for (const [i, l] of links.entries()) {
      const path = new URL(l.link).pathname;
      expect((await t.call('GET', path, { token: null })).status).toBe(200);
      const res = await t.call('POST', path, {
        token: null,
        body: { answers: { nps: scores[i], why: 'because', channel: 'friend' } },
      });
      expect(res.status).toBe(201);
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
    const seg = await t.call<{ id: string }>('POST', '/segments', { body: { name: 'fans', kind: 'static' } });
    await t.call('POST', `/segments/${seg.body.id}/members`, { body: { contactIds: contacts.slice(0, 3) } });
    const fans = await t.call('GET', `/surveys/${survey.body.id}/nps?segmentId=${seg.body.id}`);
    expect(fans.body).toMatchObject({ responses: 3, promoters: 2, detractors: 0, nps: 67 });
    const answered = await waitFor(
      () => t.published('crm.marketing.survey.answered'),
      (e) => e.length === 6,
    );
    expect(answered[0].data).toMatchObject({ surveyId: survey.body.id, nps: 10 });
  });
});
