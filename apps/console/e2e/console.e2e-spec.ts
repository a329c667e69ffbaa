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
    expect(await page.getByLabel('Country (ISO code)').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Country (ISO code)').fill('DE');
    await page.getByRole('button', { name: 'Create' }).click();
    await page
      .getByRole('table', { name: 'Accounts' })
      .getByRole('link', { name: `Initech ${runId}` })
      .waitFor();
    await accessible('accounts-list');
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
