import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { accessible as accessibleScreen, launch, signIn as signInAs, watchCsp } from './browser';
import { apiCall, consoleSuite } from './suite';

// The admin screens of issue 13 (audit log, custom fields, pipelines, SLA policies and calendars,
// roles) and marketing's surveys with NPS in the real browser, against the built suite; select with `npx nx e2e console --testFile=admin`.
const runId = Date.now().toString(36);
const suite = consoleSuite();
let browser: Browser;
let page: Page;
const cspReports: string[] = [];

const api = <T>(method: string, path: string, token: string, body?: unknown) =>
  apiCall<T>(suite.baseUrl, method, path, token, body);

const accessible = (name: string) => accessibleScreen(page, name);

const signIn = (role: string, name: string) => signInAs(page, suite.baseUrl, role, name);

/** The error Mantine ties to an input through aria-describedby. */
async function errorOf(input: ReturnType<Page['getByLabel']>): Promise<string> {
  await input.and(page.locator('[aria-invalid="true"]')).waitFor();
  const ids = ((await input.getAttribute('aria-describedby')) ?? '').split(' ');
  return (await page.locator(`[id="${ids.find((d) => d.endsWith('error'))}"]`).textContent()) ?? '';
}

const adminNav = () => page.getByRole('navigation', { name: 'Admin' });

beforeAll(async () => {
  await suite.start();
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  watchCsp(page, cspReports);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await suite.teardown();
});

describe('the admin screens in a real browser', () => {
  it('defines a custom field, the refused key on its field', async () => {
    await signIn('admin', 'Ada Admin');
    await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Admin' }).click();
    await adminNav().getByRole('link', { name: 'Custom fields' }).click();
    const form = page.getByRole('form', { name: 'New custom field' });
    await form.getByLabel(/^Key/).fill('Not A Key');
    await form.getByLabel(/^Label/).fill('Tier');
    await form.getByLabel('Type').selectOption('enum');
    await form.getByLabel('Allowed values').fill('gold, silver');
    await form.getByRole('button', { name: 'Define field' }).click();
    expect(await errorOf(form.getByLabel(/^Key/))).toContain('lower-case letters');
    await accessible('admin-custom-field-refused');
    await form.getByLabel(/^Key/).fill(`tier_${runId}`);
    await form.getByRole('button', { name: 'Define field' }).click();
    const row = page
      .getByRole('table', { name: 'Custom fields' })
      .getByRole('row', { name: new RegExp(`tier_${runId}`) });
    await row.getByText('one of gold, silver').waitFor();
    expect(await row.getByRole('cell').nth(1).textContent()).toBe('One of a list');
    // The same key again is refused on the key.
    await form.getByLabel(/^Key/).fill(`tier_${runId}`);
    await form.getByLabel(/^Label/).fill('Tier again');
    await form.getByLabel('Allowed values').fill('gold');
    await form.getByRole('button', { name: 'Define field' }).click();
    expect(await errorOf(form.getByLabel(/^Key/))).toContain('already exists');
    await accessible('admin-custom-fields');
  });

  it('creates a pipeline, renames and re-weights a stage, adds one and moves it, all seen by sales', async () => {
    await adminNav().getByRole('link', { name: 'Pipelines' }).click();
    const create = page.getByRole('form', { name: 'New pipeline' });
    await create.getByLabel('New pipeline').fill(`Partners ${runId}`);
    await create.getByRole('button', { name: 'Create pipeline' }).click();
    const stages = page.getByRole('table', { name: `Stages of Partners ${runId}` });
    await stages.waitFor();
    expect(await page.getByLabel('Pipeline', { exact: true }).inputValue()).toBeTruthy();
    await stages.getByLabel('Name of Proposal').fill('Offer');
    await stages.getByLabel('Win probability of Proposal (percent)').fill('45');
    await stages.getByRole('button', { name: 'Save' }).nth(1).click();
    await stages.getByLabel('Name of Offer').waitFor();
    expect(await stages.getByLabel('Win probability of Offer (percent)').inputValue()).toBe('45');
    const add = page.getByRole('form', { name: 'New stage' });
    await add.getByLabel('New stage').fill('Demo');
    await add.getByLabel('Win probability (percent)').fill('30');
    await add.getByRole('button', { name: 'Add stage' }).click();
    await stages.getByLabel('Name of Demo').waitFor();
    await stages.getByRole('button', { name: 'Move Demo up' }).click();
    await page.waitForFunction((label) => {
      const names = [...document.querySelectorAll(`table[aria-label="${label}"] tbody th input`)].map(
        (i) => (i as HTMLInputElement).value,
      );
      return names.indexOf('Demo') === names.indexOf('Negotiation') - 1;
    }, `Stages of Partners ${runId}`);
    const token = await suite.token(['admin']);
    const list = await api<{ items: { name: string; stages: { name: string; probability: number }[] }[] }>(
      'GET',
      '/api/v1/pipelines?limit=200',
      token,
    );
    const saved = list.body.items.find((p) => p.name === `Partners ${runId}`);
    expect(saved?.stages.map((s) => `${s.name} ${s.probability}`)).toEqual([
      'Qualification ' + saved?.stages[0].probability,
      'Offer 45',
      'Demo 30',
      'Negotiation ' + saved?.stages[3].probability,
      'Won 100',
      'Lost 0',
    ]);
    // A name already taken is refused on the field.
    await create.getByLabel('New pipeline').fill(`Partners ${runId}`);
    await create.getByRole('button', { name: 'Create pipeline' }).click();
    expect(await errorOf(create.getByLabel('New pipeline'))).toBeTruthy();
    await accessible('admin-pipelines');
  });

  it('creates a business calendar and an SLA policy on it, the refusals on their fields', async () => {
    await adminNav().getByRole('link', { name: 'SLA policies and calendars' }).click();
    const cal = page.getByRole('form', { name: 'New calendar' });
    await cal.getByLabel('Name').fill(`Paris office ${runId}`);
    await cal.getByLabel('Time zone').fill('Mars/Olympus');
    await cal.getByRole('checkbox', { name: 'Saturday' }).check();
    await cal.getByRole('button', { name: 'Create calendar' }).click();
    expect(await errorOf(cal.getByLabel('Time zone'))).toContain('IANA');
    await accessible('admin-calendar-refused');
    await cal.getByLabel('Time zone').fill('Europe/Paris');
    await cal.getByRole('checkbox', { name: 'Saturday' }).uncheck();
    await cal.getByRole('button', { name: 'Create calendar' }).click();
    const calRow = page
      .getByRole('table', { name: 'Business calendars' })
      .getByRole('row', { name: new RegExp(`Paris office ${runId}`) });
    await calRow.getByText('Mon–Fri 09:00–18:00').waitFor();
    const policy = page.getByRole('form', { name: 'New SLA policy' });
    await policy.getByLabel('Name').fill(`Urgent by phone ${runId}`);
    await policy.getByLabel('Calendar').selectOption({ label: `Paris office ${runId}` });
    await policy.getByLabel('Priority').selectOption('urgent');
    await policy.getByLabel('Channel').selectOption('phone');
    await policy.getByRole('button', { name: 'Create policy' }).click();
    expect(await errorOf(policy.getByLabel('First response (business minutes)'))).toContain('at least one target');
    await policy.getByLabel('First response (business minutes)').fill('30');
    await policy.getByLabel('Resolution (business minutes)').fill('240');
    await policy.getByRole('button', { name: 'Create policy' }).click();
    const row = page
      .getByRole('table', { name: 'SLA policies' })
      .getByRole('row', { name: new RegExp(`Urgent by phone ${runId}`) });
    await row.waitFor();
    expect(await row.textContent()).toContain('urgent priority, by phone');
    expect(await row.textContent()).toContain('4 h');
    expect(await row.textContent()).toContain(`Paris office ${runId}`);
    await accessible('admin-sla-policies');
  });

  it("lists the gateway's audit of writes, filtered by caller and time, a keyset page at a time", async () => {
    await adminNav().getByRole('link', { name: 'Audit log' }).click();
    const table = page.getByRole('table', { name: 'Audit log' });
    // Unfiltered, the writes of the earlier tests are there with who made them.
    await table
      .getByRole('row', { name: /Ada Admin.*POST \/api\/v1\/pipelines/ })
      .first()
      .waitFor();
    // 55 writes by one caller (refused ones are on record too), so a second page exists.
    const caller = `audit-${runId}`;
    const token = await suite.token(['admin'], caller);
    for (let i = 0; i < 55; i++)
      expect((await api('POST', '/api/v1/custom-fields', token, { key: 'X' })).status).toBe(400);
    const filters = page.getByRole('form', { name: 'Audit filters' });
    await filters.getByLabel('Caller').fill(caller);
    await filters.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(new RegExp(`subject=${caller}`));
    await page.waitForFunction(() => document.querySelectorAll('table[aria-label="Audit log"] tbody tr').length === 50);
    expect(await table.getByRole('row', { name: /Ada Admin/ }).count()).toBe(0);
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.waitForFunction(() => document.querySelectorAll('table[aria-label="Audit log"] tbody tr').length === 55);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    expect(await table.getByRole('row', { name: /POST \/api\/v1\/custom-fields.*400/ }).count()).toBe(55);
    await accessible('admin-audit-log');
    // Nothing since tomorrow.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 16);
    await filters.getByLabel('Since').fill(tomorrow);
    await filters.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No writes recorded for these filters.').waitFor();
  });

  it('shows what your roles grant', async () => {
    await adminNav().getByRole('link', { name: 'Roles' }).click();
    const matrix = page.getByRole('table', { name: 'What your roles allow' });
    expect(await matrix.getByRole('row', { name: /^sales/ }).textContent()).toBe('salesyesyesyes');
    await page.getByText(/Roles this suite knows: .*read-only/).waitFor();
    await accessible('admin-roles');
  });

  it("shows a survey's net promoter score: promoters, passives and detractors in bars and numbers", async () => {
    const token = await suite.token(['admin']);
    const survey = await api<{ id: string }>('POST', '/api/v1/surveys', token, {
      name: `After delivery ${runId}`,
      questions: [{ id: 'nps', kind: 'nps', text: 'How likely are you to recommend us?' }],
    });
    expect(survey.status).toBe(201);
    const invited = await api<{ items: { link: string }[] }>(
      'POST',
      `/api/v1/surveys/${survey.body.id}/invitations`,
      token,
      {
        contactIds: [randomUUID(), randomUUID(), randomUUID(), randomUUID()],
      },
    );
    expect(invited.status).toBe(201);
    // Each person answers on their own link, through the gateway, signed in as nobody.
    const scores = [10, 9, 7, 3];
    for (const [i, inv] of invited.body.items.entries()) {
      const tokenPart = inv.link.split('/s/')[1];
      const res = await fetch(`${suite.baseUrl}/api/v1/s/${tokenPart}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ answers: { nps: scores[i] } }),
      });
      expect(res.status).toBe(201);
    }
    await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Marketing' }).click();
    await page.getByRole('navigation', { name: 'Marketing' }).getByRole('link', { name: 'Surveys' }).click();
    await page
      .getByRole('table', { name: 'Surveys' })
      .getByRole('link', { name: `After delivery ${runId}` })
      .click();
    // 2 promoters, 1 passive, 1 detractor of 4: 50 % - 25 % = +25.
    await page.getByRole('status', { name: 'NPS' }).getByText('NPS +25').waitFor();
    const numbers = page.getByRole('table', { name: 'NPS in numbers' });
    expect(await numbers.getByRole('row', { name: /^Promoters/ }).textContent()).toBe('Promoters (9-10)250 %');
    expect(await numbers.getByRole('row', { name: /^Passives/ }).textContent()).toBe('Passives (7-8)125 %');
    expect(await numbers.getByRole('row', { name: /^Detractors/ }).textContent()).toBe('Detractors (0-6)125 %');
    await page.getByRole('img', { name: 'Promoters, passives and detractors' }).waitFor();
    await accessible('marketing-survey-nps');
  });

  it('shows a read-only user the lists and no edit controls, and the API refuses the write anyway', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn('read-only', 'Rita Reader');
    expect(await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Admin' }).count()).toBe(0);
    await page.goto(`${suite.baseUrl}/admin/pipelines`);
    await page.getByLabel('Pipeline', { exact: true }).selectOption({ label: `Partners ${runId}` });
    const stages = page.getByRole('table', { name: `Stages of Partners ${runId}` });
    await stages.getByRole('rowheader', { name: 'Offer' }).waitFor();
    expect(await page.getByRole('form').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Save|Move|Create|Add/ }).count()).toBe(0);
    await accessible('admin-pipelines-read-only');
    await adminNav().getByRole('link', { name: 'SLA policies and calendars' }).click();
    await page
      .getByRole('table', { name: 'SLA policies' })
      .getByRole('rowheader', { name: `Urgent by phone ${runId}` })
      .waitFor();
    await page.getByRole('table', { name: 'Business calendars' }).waitFor();
    expect(await page.getByRole('form').count()).toBe(0);
    await adminNav().getByRole('link', { name: 'Custom fields' }).click();
    await page.getByRole('table', { name: 'Custom fields' }).getByText(`tier_${runId}`).waitFor();
    expect(await page.getByRole('form').count()).toBe(0);
    expect(await adminNav().getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await adminNav().getByRole('link', { name: 'Roles' }).click();
    const matrix = page.getByRole('table', { name: 'What your roles allow' });
    expect(await matrix.getByRole('row', { name: /^sales/ }).textContent()).toBe('salesyesnono');
    await accessible('admin-roles-read-only');
    const status = await page.evaluate(async () => {
      const session = (await (await fetch('/auth/session')).json()) as { csrfToken: string };
      const res = await fetch('/api/v1/custom-fields', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify({ key: 'sneaky', label: 'Sneaky', type: 'string' }),
      });
      return res.status;
    });
    expect(status).toBe(403);
  });

  it('never had the CSP refuse anything the console does', () => {
    expect(cspReports).toEqual([]);
  });
});
