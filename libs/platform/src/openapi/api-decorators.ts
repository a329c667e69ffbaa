import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiOkResponse, ApiResponse, getSchemaPath } from '@nestjs/swagger';

/**
 * A problem this operation can answer besides the ones every operation gets
 * (400, 401, 403, 404, 412, 500: see completeDocument), e.g.
 * `@ApiProblem(409, 'CONTACT_EMAIL_TAKEN: ...')`. Its body is the shared Problem schema.
 */
export const ApiProblem = (status: number, description: string): MethodDecorator & ClassDecorator =>
  ApiResponse({ status, description });

/** The operation takes an optional `If-Match`; the document refers to the one shared parameter and adds 412. */
export const ApiIfMatch = (): MethodDecorator & ClassDecorator => ApiHeader({ name: 'If-Match', required: false });

/** A keyset page of `item`: `{ items: [...], nextCursor }`, the shape of every list. */
export const ApiPage = (
  item: Type<unknown>,
  description = 'One page; pass nextCursor as cursor for the next',
): MethodDecorator =>
  applyDecorators(
    ApiExtraModels(item),
    ApiOkResponse({
      description,
      schema: {
        type: 'object',
        required: ['items', 'nextCursor'],
        properties: {
          items: { type: 'array', maxItems: 200, items: { $ref: getSchemaPath(item) } },
          nextCursor: { type: 'string', nullable: true, maxLength: 1024, description: 'null on the last page' },
        },
      },
    }),
  );
