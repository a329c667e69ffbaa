import { answerViolations, operationsWithoutAnswerSchema, type OpenApiDocument } from './answer-conformance';

const json = (schema: object) => ({ content: { 'application/json': { schema } } });

const doc: OpenApiDocument = {
  paths: {
    '/tickets/{id}': {
      get: { responses: { '200': json({ $ref: '#/components/schemas/Ticket' }), '404': { description: 'none' } } },
      delete: { responses: { '204': {} } },
    },
    '/tickets': { post: { responses: { '201': { description: 'created, no schema' } } } },
    '/t/{id}': {
      get: { responses: { '302': { description: 'away', headers: { Location: { schema: { type: 'string' } } } } } },
    },
    '/tickets/export': { get: { responses: { '200': { content: { 'text/csv': { schema: { type: 'string' } } } } } } },
  },
  components: {
    schemas: {
      Ticket: {
        type: 'object',
        required: ['id', 'status'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          status: { type: 'string', enum: ['open', 'closed'] },
          closedAt: { type: 'string', format: 'date-time', nullable: true },
          extra: { type: 'object', additionalProperties: true },
        },
      },
    },
  },
};

describe('answer conformance', () => {
  it('finds nothing wrong with an answer that fits', () => {
    const body = { id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', status: 'open', closedAt: null, extra: { any: 1 } };
    expect(answerViolations(doc, 'GET', '/tickets/{id}', body)).toEqual([]);
  });

  it('names each field that strays: missing, undeclared, outside the enum, not nullable', () => {
    expect(answerViolations(doc, 'GET', '/tickets/{id}', { id: 'not-a-uuid', closedAt: 7, more: 1 })).toEqual([
      '$.status: missing',
      '$.id: not-a-uuid not a uuid',
      '$.closedAt: 7 not a string',
      '$.more: not declared',
    ]);
    const pending = { id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', status: 'pending' };
    expect(answerViolations(doc, 'GET', '/tickets/{id}', pending)).toEqual(['$.status: "pending" not in the enum']);
    expect(answerViolations(doc, 'GET', '/tickets/{id}', { ...pending, status: null })).toEqual([
      '$.status: null, not nullable',
    ]);
    expect(answerViolations(doc, 'POST', '/tickets', {})).toEqual(['POST /tickets: no answer schema']);
  });

  it('lists the operations whose 2xx answer has no schema, a 204, a typed download and a redirect being fine', () => {
    expect(operationsWithoutAnswerSchema(doc)).toEqual(['POST /tickets']);
    expect(operationsWithoutAnswerSchema(doc, /^\/tickets\/\{/)).toEqual([]);
  });
});
