import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launch, screenshot, seriousViolations, watchCsp } from './browser';
import { consoleSuite } from './suite';

const SNAPSHOT = join(__dirname, '../openapi/gateway.openapi.json');
const runId = Date.now().toString(36);

const suite = consoleSuite();
let browser: Browser;
let context: BrowserContext;
let page: Page;
const cspReports: string[] = [];

async function api<T>(
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${suite.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as T };
}

async function accessible(name: string): Promise<void> {
  await screenshot(page, name);
  const violations = await seriousViolations(page);
  expect({ screen: name, violations }).toEqual({ screen: name, violations: [] });
}

async function signIn(role: string, name: string): Promise<void> {
  await page.goto(`${suite.baseUrl}/`);
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Role').selectOption(role);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Contacts' }).waitFor();
}

beforeAll(async () => {
  await suite.start();
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  watchCsp(page, cspReports);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await suite.teardown();
});

describe('the console in a real browser', () => {
  it('matches the committed OpenAPI snapshot its types are generated from (CONSOLE_OPENAPI_WRITE=1 refreshes it)', async () => {
    const live = await (await fetch(`${suite.baseUrl}/api/openapi.json`)).json();
    if (process.env['CONSOLE_OPENAPI_WRITE'] === '1') writeFileSync(SNAPSHOT, `${JSON.stringify(live, null, 2)}\n`);
    expect(live).toEqual(JSON.parse(readFileSync(SNAPSHOT, 'utf8')));
  });

  it('loads the sign-in screen fast, with a strict CSP and a small first download', async () => {
    const res = await fetch(`${suite.baseUrl}/contacts`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const html = await res.text();
    const scripts = [...html.matchAll(/src="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]);
    let gzipped = 0;
    for (const s of scripts) {
      const asset = await fetch(`${suite.baseUrl}${s}`, { headers: { 'accept-encoding': 'gzip' } });
      expect(asset.headers.get('cache-control')).toContain('immutable');
      gzipped += Number(asset.headers.get('content-length') ?? (await asset.arrayBuffer()).byteLength);
    }
    const started = Date.now();
    await page.goto(`${suite.baseUrl}/`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    const interactiveMs = Date.now() - started;
    console.log(
      `console first load: sign-in interactive in ${interactiveMs} ms; initial JS ${Math.round(gzipped / 1024)} KiB gzipped`,
    );
    expect(gzipped).toBeLessThan(300 * 1024);
    await accessible('sign-in');
  });

  it('signs in locally with a session cookie scripts cannot read', async () => {
    await signIn('admin', 'Ada Admin');
    expect(await page.evaluate(() => document.cookie)).not.toContain('crm_session');
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }))).not.toMatch(/eyJ/);
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'crm_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    // The cookie alone is no credential: an API call without the console's CSRF header is refused.
    const status = await page.evaluate(
      async () => (await fetch('/api/v1/contacts', { method: 'POST', body: '{}' })).status,
    );
    expect(status).toBe(401);
    await accessible('contacts-list-empty');
  });

  it('creates a contact, showing the API refusal on the field, and opens its 360', async () => {
    await page.getByRole('link', { name: 'New contact' }).click();
    await page.getByLabel('First name').fill('Grace');
    await page.getByLabel('Last name').fill(`Hopper${runId}`);
    await page.getByLabel('Email', { exact: true }).fill('not-an-email');
    await page.getByLabel('Country (ISO code)').fill('US');
    await page.getByRole('button', { name: 'Create' }).click();
    const email = page.getByLabel('Email', { exact: true });
    await page.getByText('must be an email address').waitFor();
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await email.getAttribute('aria-describedby')) ?? '';
    expect(
      await page.locator(`[id="${describedBy.split(' ').find((d) => d.endsWith('error'))}"]`).textContent(),
    ).toContain('must be an email address');
    await accessible('contact-form-field-error');
    await email.fill(`grace.${runId}@example.com`);
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: `Grace Hopper${runId}` }).waitFor();
    await page.getByRole('table', { name: 'Consent by channel and purpose' }).waitFor();
    await accessible('customer-360');
  });

  it('finds the contact with a misspelt name as you type, and in the global search', async () => {
    await page.getByRole('link', { name: 'Contacts', exact: true }).click();
    await page.getByLabel('Search', { exact: true }).fill(`Grase Hopper${runId}`);
    await page
      .getByRole('table', { name: 'Contacts' })
      .getByRole('link', { name: `Grace Hopper${runId}` })
      .waitFor();
    await page.waitForURL(/q=Grase/);
    await accessible('contacts-list-search');
    await page.getByLabel('Search everything').first().fill(`Hoper${runId}`);
    await page.getByLabel('Search everything').first().press('Enter');
    await page
      .getByRole('region', { name: 'People' })
      .getByRole('link', { name: `Grace Hopper${runId}` })
      .waitFor();
    await accessible('global-search');
  });

  it('pages through many contacts with infinite scroll', async () => {
    const token = await suite.token(['admin']);
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        api('POST', '/api/v1/contacts', token, {
          firstName: `Page${i}`,
          lastName: `Scroll${runId}`,
          tags: [`scroll${runId}`],
        }),
      ),
    );
    await page.getByRole('link', { name: 'Contacts', exact: true }).click();
    await page.getByLabel('Search', { exact: true }).fill('');
    await page.getByLabel('Tags').fill(`scroll${runId}`);
    const rows = page.getByRole('table', { name: 'Contacts' }).locator('tbody tr');
    await page.waitForFunction(() => document.querySelectorAll('table[aria-label="Contacts"] tbody tr').length === 50);
    await page.getByRole('button', { name: 'Load more' }).scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelectorAll('table[aria-label="Contacts"] tbody tr').length === 60);
    expect(await rows.count()).toBe(60);
  });

  it('suggests a duplicate and merges it side by side, keeping the chosen values', async () => {
    const token = await suite.token(['admin']);
    const a = await api<{ id: string }>('POST', '/api/v1/contacts', token, {
      firstName: 'Katherine',
      lastName: `Johnson${runId}`,
      phones: [{ number: '+33612345678' }],
      city: 'Paris',
    });
    const b = await api<{ id: string }>('POST', '/api/v1/contacts', token, {
      firstName: 'Katherin',
      lastName: `Johnson${runId}`,
      phones: [{ number: '+33612345678' }],
      city: 'Lyon',
    });
    expect([a.status, b.status]).toEqual([201, 201]);
    await page.goto(`${suite.baseUrl}/contacts/${a.body.id}`);
    await page
      .getByRole('table', { name: 'Possible duplicates' })
      .getByRole('row', { name: new RegExp(`Katherin Johnson${runId}`) })
      .getByRole('link', { name: 'Compare and merge' })
      .click();
    await page.getByRole('table', { name: 'Side by side' }).waitFor();
    await page.getByLabel(`City: Lyon from Katherin Johnson${runId}`).check();
    await accessible('merge-side-by-side');
    await page.getByRole('button', { name: `Merge into Katherine Johnson${runId}` }).click();
    await page.getByRole('heading', { name: `Katherine Johnson${runId}` }).waitFor();
    const kept = await api<{ city: string }>('GET', `/api/v1/contacts/${a.body.id}`, token);
    expect(kept.body.city).toBe('Lyon');
    expect((await api('GET', `/api/v1/contacts/${b.body.id}`, token)).status).toBe(410);
  });

  it('erases a contact after a typed confirmation and shows the receipt until every service confirmed', async () => {
    await page.getByRole('button', { name: 'Erase…' }).click();
    const erase = page.getByRole('dialog').getByRole('button', { name: 'Erase', exact: true });
    expect(await erase.isDisabled()).toBe(true);
    await page.getByLabel(/Type the name to confirm/).fill(`Katherine Johnson${runId}`);
    await accessible('erase-confirmation');
    await erase.click();
    await page.getByText('Erased everywhere.').waitFor({ timeout: 60_000 });
    await accessible('erase-receipt');
  });

  it('creates an account with the API refusal on the field', async () => {
    await page.goto(`${suite.baseUrl}/accounts/new`);
    await page.getByLabel('Name').fill(`Initech ${runId}`);
    await page.getByLabel('Country (ISO code)').fill('XX1');
    await page.getByRole('button', { name: 'Create' }).click();
    await page
      .getByText(/country/i, { exact: false })
      .first()
      .waitFor();
    // The label matches at once: wait for the field itself to be marked.
    await page.getByLabel('Country (ISO code)').and(page.locator('[aria-invalid="true"]')).waitFor();
    await page.getByLabel('Country (ISO code)').fill('DE');
    await page.getByRole('button', { name: 'Create' }).click();
    await page
      .getByRole('table', { name: 'Accounts' })
      .getByRole('link', { name: `Initech ${runId}` })
      .waitFor();
    await accessible('accounts-list');
  });

  it('move a deal on the board', async () => {
    const token = await suite.token(['admin']);
    const pipeline = await api<{ id: string; stages: { id: string; name: string }[] }>(
      'POST',
      '/api/v1/pipelines',
      token,
      { name: `Board ${runId}` },
    );
    expect(pipeline.status).toBe(201);
    const deal = await api<{ id: string }>('POST', '/api/v1/deals', token, {
      name: `Lobby TVs ${runId}`,
      pipelineId: pipeline.body.id,
      amountMinor: 259_800,
      currency: 'EUR',
    });
    expect(deal.status).toBe(201);
    await page.goto(`${suite.baseUrl}/contacts`);
    await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Sales' }).click();
    await page.getByLabel('Pipeline').selectOption({ label: `Board ${runId}` });
    const card = page
      .getByRole('list', { name: 'Deals in Qualification' })
      .getByRole('listitem', { name: `Lobby TVs ${runId}` });
    await card.waitFor();
    await accessible('sales-board');
    // Drag and drop onto the Proposal column.
    await card.dragTo(page.locator('section[data-stage="Proposal"]'));
    await page
      .getByRole('list', { name: 'Deals in Proposal' })
      .getByRole('listitem', { name: `Lobby TVs ${runId}` })
      .waitFor();
    await page.getByText(`Lobby TVs ${runId} moved to Proposal.`).waitFor();
    const proposal = pipeline.body.stages.find((x) => x.name === 'Proposal');
    expect((await api<{ stageId: string }>('GET', `/api/v1/deals/${deal.body.id}`, token)).body.stageId).toBe(
      proposal?.id,
    );
    // The keyboard way: "Move to" Negotiation.
    await page.getByLabel(`Move Lobby TVs ${runId} to`).selectOption({ label: 'Negotiation' });
    await page.getByRole('button', { name: `Move Lobby TVs ${runId}` }).press('Enter');
    await page
      .getByRole('list', { name: 'Deals in Negotiation' })
      .getByRole('listitem', { name: `Lobby TVs ${runId}` })
      .waitFor();
    // A refused move (lost needs a reason) shows the API's reason and leaves the card where it was.
    await page.getByText(`Lobby TVs ${runId} moved to Negotiation.`).waitFor();
    await page.getByLabel(`Move Lobby TVs ${runId} to`).selectOption({ label: 'Lost' });
    expect(
      await page
        .getByLabel(`Move Lobby TVs ${runId} to`)
        .evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.text),
    ).toBe('Lost');
    await page.getByRole('button', { name: `Move Lobby TVs ${runId}` }).click();
    const refusal = page.getByRole('alert').filter({ hasText: `Lobby TVs ${runId} was not moved to Lost` });
    await refusal.getByText('A deal is lost for a reason').waitFor();
    await refusal.getByText(/is required to move a deal to a lost stage/).waitFor();
    await page
      .getByRole('list', { name: 'Deals in Negotiation' })
      .getByRole('listitem', { name: `Lobby TVs ${runId}` })
      .waitFor();
    await accessible('sales-board-refused-move');
  });

  it('reply to a ticket', async () => {
    const token = await suite.token(['admin']);
    const ticket = await api<{ id: string }>('POST', '/api/v1/tickets', token, {
      subject: `Printer on fire ${runId}`,
      description: 'Smoke from tray 2',
      requesterName: 'Pat Customer',
      requesterEmail: `pat.${runId}@example.com`,
    });
    expect(ticket.status).toBe(201);
    await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Support' }).click();
    await page.locator('label', { hasText: 'Unassigned' }).click();
    await page
      .getByRole('table', { name: 'Tickets' })
      .getByRole('link', { name: `Printer on fire ${runId}` })
      .click();
    await page.getByRole('heading', { name: new RegExp(`Printer on fire ${runId}`) }).waitFor();
    await page.getByLabel('Reply to the customer').fill('We are sending a technician today.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page
      .getByRole('list', { name: 'Messages' })
      .getByRole('listitem', { name: /^Public reply/ })
      .getByText('We are sending a technician today.')
      .waitFor();
    await page.locator('form[aria-label="Reply"] label', { hasText: 'Internal note' }).click();
    await page.getByLabel('Note (agents only)').fill('Customer sounds upset, call first.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page
      .getByRole('list', { name: 'Messages' })
      .getByRole('listitem', { name: /^Internal note/ })
      .getByText('Customer sounds upset, call first.')
      .waitFor();
    await accessible('support-ticket');
    // What the customer sees: the reply, never the note.
    const seen = await api<{ items: { body: string }[] }>(
      'GET',
      `/api/v1/tickets/${ticket.body.id}/public-messages`,
      token,
    );
    expect(seen.body.items.map((m) => m.body)).toContain('We are sending a technician today.');
    expect(seen.body.items.map((m) => m.body)).not.toContain('Customer sounds upset, call first.');
    await page.goto(`${suite.baseUrl}/support?view=unassigned`);
    await page.getByRole('table', { name: 'Tickets' }).waitFor();
    await accessible('support-queue');
  });

  it('build a segment and see its count', async () => {
    const token = await suite.token(['admin']);
    const tag = `seg${runId}`;
    for (const [i, country] of ['FR', 'FR', 'DE'].entries())
      expect(
        (
          await api('POST', '/api/v1/contacts', token, {
            firstName: `Seg${i}`,
            lastName: `Member${runId}`,
            country,
            tags: [tag],
          })
        ).status,
      ).toBe(201);
    // Marketing learns of contacts from their events: wait until it holds all three.
    for (let i = 0; i < 150; i++) {
      const p = await api<{ count: number }>('POST', '/api/v1/segments/preview', token, {
        definition: { field: 'tags', op: 'hasTag', value: tag },
        sample: 0,
      });
      if (p.body?.count === 3) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Marketing' }).click();
    await page.getByLabel('Condition 1 value').fill(tag);
    await page.getByRole('region', { name: 'Live count' }).getByText('3 contacts', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition 2 field').selectOption('country');
    await page.getByLabel('Condition 2 value').fill('FR');
    await page.getByRole('region', { name: 'Live count' }).getByText('2 contacts', { exact: true }).waitFor();
    await page.getByRole('table', { name: 'Sample of the segment' }).getByText(`Seg0 Member${runId}`).waitFor();
    await accessible('marketing-segment-builder');
  });

  it('upload a document and find it by a word inside', async () => {
    const token = await suite.token(['admin']);
    const person = await api<{ id: string }>('POST', '/api/v1/contacts', token, {
      firstName: 'Doc',
      lastName: `Holder${runId}`,
    });
    expect(person.status).toBe(201);
    const word = `quokka${runId}`;
    await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Documents' }).click();
    await page.getByLabel('Record id').fill(person.body.id);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByLabel('Upload files').setInputFiles({
      name: `site-visit-${runId}.txt`,
      mimeType: 'text/plain',
      buffer: Buffer.from(`Site visit notes.\nThe ${word} ate the cable behind the rack.\n`),
    });
    await page.getByText(`site-visit-${runId}.txt uploaded.`).waitFor({ timeout: 30_000 });
    await page
      .getByRole('table', { name: 'Documents of the record' })
      .getByRole('button', { name: `site-visit-${runId}` })
      .waitFor();
    await page.getByLabel('Search inside documents').fill(word);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const results = page.getByRole('region', { name: 'Search results' });
    await results.getByRole('button', { name: `site-visit-${runId}` }).waitFor({ timeout: 60_000 });
    expect(await results.locator('mark').first().textContent()).toBe(word);
    await accessible('documents');
  });

  it('open a dashboard', async () => {
    await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Analytics' }).click();
    const rfm = page.getByRole('table', { name: 'RFM segments in numbers' });
    await rfm.getByRole('rowheader', { name: 'Champions' }).waitFor();
    expect(await rfm.locator('tbody tr').count()).toBe(10);
    await page.getByRole('table', { name: 'CLV by decile in numbers' }).waitFor();
    await page.getByText(/customers scored/).waitFor();
    await accessible('analytics-dashboard');
  });

  it('shows a read-only user no edit controls, and the API refuses the write anyway', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await signIn('read-only', 'Rita Reader');
    expect(await page.getByRole('link', { name: 'New contact' }).count()).toBe(0);
    await page.getByLabel('Search', { exact: true }).fill(`Grace Hopper${runId}`);
    await page
      .getByRole('table', { name: 'Contacts' })
      .getByRole('link', { name: `Grace Hopper${runId}` })
      .click();
    await page.getByRole('table', { name: 'Consent by channel and purpose' }).waitFor();
    expect(await page.getByRole('link', { name: 'Edit' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Erase…' }).count()).toBe(0);
    await accessible('customer-360-read-only');
    // The board without moves, for the other services' screens too.
    await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Sales' }).click();
    await page.getByLabel('Pipeline').selectOption({ label: `Board ${runId}` });
    await page.getByRole('listitem', { name: `Lobby TVs ${runId}` }).waitFor();
    expect(await page.getByRole('button', { name: /^Move / }).count()).toBe(0);
    expect(await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Analytics' }).count()).toBe(
      0,
    );
    const status = await page.evaluate(async () => {
      const session = (await (await fetch('/auth/session')).json()) as { csrfToken: string };
      const res = await fetch('/api/v1/contacts', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify({ firstName: 'No', lastName: 'Way' }),
      });
      return res.status;
    });
    expect(status).toBe(403);
  });

  it('never had the CSP refuse anything the console does', () => {
    expect(cspReports).toEqual([]);
  });
});
