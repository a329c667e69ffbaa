import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { completeDocument } from './complete-document';

export const OPENAPI_PATH = '/openapi.json';

/**
 * The service's OpenAPI 3 document from its @nestjs/swagger decorators, bearer
 * JWT declared, completed by the platform (problems, permissions, If-Match).
 */
export function buildOpenApiDocument(app: INestApplication, serviceName: string): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`CRM ${serviceName} service`)
      .setDescription('Errors are RFC 9457 application/problem+json with a stable `code`.')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  return completeDocument(document);
}

/**
 * Serves the document at GET /openapi.json, straight on Fastify: it is public
 * and outside the guard, like health and metrics.
 */
export function serveOpenApi(fastify: FastifyInstance, document: OpenAPIObject): void {
  const body = JSON.stringify(document);
  fastify.get(OPENAPI_PATH, async (_request, reply) => reply.type('application/json; charset=utf-8').send(body));
}
