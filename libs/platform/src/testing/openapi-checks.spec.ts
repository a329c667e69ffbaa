import {
  contractProblems,
  oasErrors,
  operationsOf,
  unboundedRequestFields,
  type CheckedDocument,
} from './openapi-checks';

const problem = { content: { 'application/problem+json': { schema: { type: 'object' } } } };
const json = { content: { 'application/json': { schema: { type: 'object' } } } };

const doc: CheckedDocument & Record<string, unknown> = {
  openapi: '3.0.3',
  info: { title: 't', version: '1' },
  paths: {
    '/things/{id}': {
      get: {
        parameters: [{ name: 'id', in: 'path', required: true }],
        responses: { '200': json, '401': problem, '403': problem },
        'x-required-permission': 'things:read',
      },
      patch: {
        responses: { '200': { content: { 'application/json': {} } }, '401': problem },
        'x-required-permission': 'things:write',
      },
    },
    '/go/{token}': {
      get: { parameters: [{ name: 'token', in: 'path' }], responses: { '302': {} }, 'x-required-permission': 'x:y' },
    },
    '/others': { get: { responses: { '200': json } } },
  },
};

describe('the shared OpenAPI checks', () => {
  it('lists the operations of the paths asked', () => {
    expect(operationsOf(doc, /^\/things/).map(([name]) => name)).toEqual(['GET /things/{id}', 'PATCH /things/{id}']);
    expect(operationsOf(doc)).toHaveLength(4);
  });

  it('names what each operation lacks of the contract', () => {
    expect(
      contractProblems(operationsOf(doc, /^\/(things|go)/), {
        permission: 'things:',
        publicOperations: ['GET /go/{token}'],
      }),
    ).toEqual([
      'PATCH /things/{id}: path parameter id',
      'PATCH /things/{id}: no 403',
      'PATCH /things/{id}: 200 has no schema',
      'GET /go/{token}: public, yet asks a login',
      'GET /go/{token}: 302 has no Location header',
    ]);
    expect(contractProblems(operationsOf(doc, /^\/others/), { permission: 'things:' })).toEqual([
      'GET /others: no things: permission',
      'GET /others: no 401',
      'GET /others: no 403',
    ]);
  });

  it("reports spectral's errors and OWASP's unbounded request fields, only under the paths asked", async () => {
    const bad = { ...doc, paths: { ...doc.paths, '/broken': { get: { responses: {} } } } };
    expect((await oasErrors(bad)).some((e) => e.includes('paths./broken'))).toBe(true);
    expect((await oasErrors(bad, /^\/things/)).some((e) => e.includes('paths./broken'))).toBe(false);
    const search = {
      ...doc,
      paths: {
        '/search': {
          get: {
            parameters: [
              { name: 'q', in: 'query', schema: { type: 'string' } },
              { name: 'limit', in: 'query', schema: { type: 'string', maxLength: 3 } },
            ],
            responses: { '200': json },
          },
        },
      },
    };
    expect(await unboundedRequestFields(search as CheckedDocument)).toEqual(['query q']);
    expect(await unboundedRequestFields(search as CheckedDocument, /^\/other/)).toEqual([]);
  });
});
