import type { ParameterObject, SchemaObject } from '@nestjs/swagger';

export const PROBLEM_SCHEMA_NAME = 'Problem';
export const PROBLEM_SCHEMA_REF = `#/components/schemas/${PROBLEM_SCHEMA_NAME}`;
export const IF_MATCH_PARAMETER_NAME = 'IfMatch';
export const IF_MATCH_PARAMETER_REF = `#/components/parameters/${IF_MATCH_PARAMETER_NAME}`;

/** RFC 9457 problem details as every service answers them (see errors/problem.ts), declared once per document. */
export const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  description:
    'RFC 9457 problem details, sent as application/problem+json. `code` is stable and is what a client should branch on; ' +
    'some codes add members of their own (e.g. `existingId`, `mergedInto`, `service`).',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', format: 'uri', maxLength: 200, example: 'urn:crm:problem:contact-not-found' },
    title: { type: 'string', maxLength: 100, example: 'Not Found' },
    status: { type: 'integer', format: 'int32', minimum: 400, maximum: 599, example: 404 },
    detail: { type: 'string', maxLength: 2000, example: 'No contact 0190f1c4-7a4e-7cc1-9d2a-3b1c2d4e5f60' },
    instance: {
      type: 'string',
      maxLength: 2048,
      description: 'The path of the request',
      example: '/api/v1/contacts/0190f1c4-7a4e-7cc1-9d2a-3b1c2d4e5f60',
    },
    code: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$', maxLength: 100, example: 'CONTACT_NOT_FOUND' },
    requestId: { type: 'string', maxLength: 200, description: 'The x-request-id of the request' },
    errors: {
      type: 'array',
      maxItems: 1000,
      description: 'With VALIDATION_FAILED: one entry per field in error',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: {
          field: { type: 'string', maxLength: 500, example: 'emails.0.address' },
          message: { type: 'string', maxLength: 1000, example: 'must be an email address' },
        },
      },
    },
  },
};

/** `If-Match`, declared once and referred to by every operation that takes it. */
export const IF_MATCH_PARAMETER: ParameterObject = {
  name: 'If-Match',
  in: 'header',
  required: false,
  description:
    'The version last read, as its ETag (e.g. `"3"`); a stale one is refused with 412 VERSION_CONFLICT. Leave it out to write unconditionally.',
  schema: { type: 'string', maxLength: 20, pattern: '^(\\*|(W/)?"?[0-9]{1,9}"?)$', example: '"3"' },
};
