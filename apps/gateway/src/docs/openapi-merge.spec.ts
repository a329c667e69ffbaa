import { mergeOpenApi, type OpenApiDocument } from './openapi-merge';

const gateway: OpenApiDocument = {
  openapi: '3.0.0',
  info: { title: 'gateway', version: '1' },
  paths: {
    '/api/v1/customers/{id}': { get: { operationId: 'customer360', tags: ['customers'] } },
    '/health/live': { get: { operationId: 'live' } },
  },
  components: { schemas: { Problem: { type: 'object' } } },
};

const contacts: OpenApiDocument = {
  openapi: '3.0.0',
  info: { title: 'contacts', version: '1' },
  paths: {
    '/contacts': {
      post: {
        operationId: 'create',
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } } },
      },
    },
    '/accounts/{id}': {
      get: { operationId: 'getAccount', tags: ['accounts'] },
      parameters: [{ name: 'id', in: 'path' }],
    },
    '/health/ready': { get: { operationId: 'ready' } },
  },
  components: {
    schemas: {
      Problem: { type: 'object', properties: { title: { type: 'string', nullable: true } } },
      Person: { type: 'object', properties: { email: { $ref: '#/components/schemas/Problem' } } },
    },
  },
};

describe('mergeOpenApi', () => {
  const merged = mergeOpenApi(gateway, [
    { service: 'contacts', segments: ['contacts', 'accounts'], document: contacts },
    { service: 'analytics', segments: ['analytics'], error: 'timed out after 2000 ms' },
  ]);

  it('is an OpenAPI 3.1 document with the gateway routes and each service route under /api/v1', () => {
    expect(merged.openapi).toBe('3.1.0');
    expect(Object.keys(merged.paths ?? {})).toEqual([
      '/api/v1/accounts/{id}',
      '/api/v1/contacts',
      '/api/v1/customers/{id}',
    ]);
  });

  it("leaves out the services' and the gateway's health routes", () => {
    expect(JSON.stringify(merged.paths)).not.toContain('health');
  });

  it('prefixes operation ids with the service and tags untagged operations with it', () => {
    const post = merged.paths?.['/api/v1/contacts']['post'] as { operationId: string; tags: string[] };
    expect(post.operationId).toBe('contacts.create');
    expect(post.tags).toEqual(['contacts']);
    const get = merged.paths?.['/api/v1/accounts/{id}']['get'] as { tags: string[] };
    expect(get.tags).toEqual(['accounts']);
    expect(merged.paths?.['/api/v1/accounts/{id}']['parameters']).toEqual([{ name: 'id', in: 'path' }]);
  });

  it('renames a schema name two documents share and points its references at the new name', () => {
    const schemas = merged.components?.schemas ?? {};
    expect(schemas['Problem']).toEqual({ type: 'object' });
    expect(schemas['contacts.Problem']).toBeDefined();
    expect(JSON.stringify(schemas['Person'])).toContain('#/components/schemas/contacts.Problem');
    expect(JSON.stringify(merged.paths?.['/api/v1/contacts'])).toContain('#/components/schemas/contacts.Problem');
  });

  it('writes 3.0 nullable as a 3.1 type union', () => {
    const problem = (merged.components?.schemas ?? {})['contacts.Problem'] as { properties: { title: unknown } };
    expect(problem.properties.title).toEqual({ type: ['string', 'null'] });
  });

  it('keeps a component two documents declare alike once, parameters included', () => {
    const shared = { type: 'object', required: ['code'] };
    const ifMatch = { name: 'If-Match', in: 'header', required: false };
    const withShared = (title: string): OpenApiDocument => ({
      openapi: '3.0.0',
      info: { title, version: '1' },
      paths: {
        [`/${title}/{id}`]: {
          patch: {
            operationId: 'update',
            security: [{ bearer: [] }],
            parameters: [{ $ref: '#/components/parameters/IfMatch' }],
            responses: {
              '404': {
                description: 'no',
                content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Shared' } } },
              },
            },
          },
        },
      },
      components: { schemas: { Shared: shared }, parameters: { IfMatch: ifMatch } },
    });
    const doc = mergeOpenApi(
      { ...gateway, components: { schemas: { Shared: { required: ['code'], type: 'object' } } } },
      [
        { service: 'a', segments: ['a'], document: withShared('a') },
        { service: 'b', segments: ['b'], document: withShared('b') },
      ],
    );
    expect(Object.keys(doc.components?.schemas ?? {})).toEqual(['Shared']);
    expect(doc.components?.parameters).toEqual({ IfMatch: ifMatch });
    expect(JSON.stringify(doc.paths)).not.toContain('a.Shared');
    expect(JSON.stringify(doc.paths)).not.toContain('b.IfMatch');
  });

  it('lets every protected operation take either credential and names the refusals of the gateway itself', () => {
    const doc = mergeOpenApi(gateway, [
      {
        service: 'contacts',
        segments: ['contacts'],
        document: {
          ...contacts,
          paths: {
            '/contacts': {
              get: { operationId: 'list', security: [{ bearer: [] }], responses: { '200': { description: 'ok' } } },
            },
          },
        },
      },
    ]);
    const op = doc.paths?.['/api/v1/contacts']['get'] as {
      security: unknown;
      responses: Record<string, { content: unknown; headers?: unknown }>;
    };
    expect(op.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
    expect(Object.keys(op.responses)).toEqual(['200', '429', '503']);
    expect(op.responses['429'].content).toEqual({
      'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
    });
    expect(op.responses['429'].headers).toHaveProperty('Retry-After');
    expect(doc.tags?.map((t) => t.name)).toEqual(['contacts', 'customers']);
  });

  it('says which services are missing, and offers bearer and API key authentication', () => {
    expect(merged['x-missing']).toEqual([{ service: 'analytics', reason: 'timed out after 2000 ms' }]);
    expect(merged.info.description).toContain('analytics');
    expect(Object.keys(merged.components?.securitySchemes ?? {})).toEqual(['bearer', 'apiKey']);
  });
});
