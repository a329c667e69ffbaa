import { renderDocsPage } from './docs-page';

describe('renderDocsPage', () => {
  const html = renderDocsPage({
    openapi: '3.1.0',
    info: { title: 'CRM API', version: '1', description: 'All routes' },
    paths: {
      '/api/v1/contacts': { post: { summary: 'Create a <person>', tags: ['contacts'] }, get: { summary: 'List', tags: ['contacts'], parameters: [{ name: 'q', in: 'query' }] } },
      '/api/v1/analytics/customers/summary': { get: { summary: 'Counts', tags: ['analytics'] } },
    },
    'x-missing': [{ service: 'sales', reason: 'connect ECONNREFUSED' }],
  });

  it('lists every operation under its tag', () => {
    expect(html).toContain('<h2>analytics</h2>');
    expect(html).toContain('<h2>contacts</h2>');
    expect(html).toMatch(/POST<\/td><td><code>\/api\/v1\/contacts<\/code>/);
    expect(html).toContain('<code>q</code>?');
  });

  it('escapes what the documents say', () => {
    expect(html).toContain('Create a &#60;person&#62;');
    expect(html).not.toContain('<person>');
  });

  it('says which services are missing and links the JSON document', () => {
    expect(html).toContain('sales (connect ECONNREFUSED)');
    expect(html).toContain('href="openapi.json"');
    expect(html).not.toContain('<script');
  });
});
