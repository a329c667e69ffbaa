import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Public, RequirePermission } from '../auth/auth.decorators';
import { buildOpenApiDocument, OPENAPI_PATH, serveOpenApi } from './openapi';

@Controller('widgets')
class WidgetsController {
  @Get()
  @RequirePermission('widgets:read')
  list() {
    return [];
  }

  @Get('count')
  @Public()
  count() {
    return 0;
  }
}

@Module({ controllers: [WidgetsController] })
class WidgetsModule {}

describe('the OpenAPI document', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const adapter = new FastifyAdapter();
    app = await NestFactory.create<NestFastifyApplication>(WidgetsModule, adapter, { logger: false, abortOnError: false });
    serveOpenApi(adapter.getInstance(), buildOpenApiDocument(app, 'widgets'));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  it('is served as JSON, declares bearer auth, and marks protected routes with it', async () => {
    const res = await app.inject({ method: 'GET', url: OPENAPI_PATH });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    const doc = res.json<{
      openapi: string;
      info: { title: string };
      paths: Record<string, { get: { security?: unknown[] } }>;
      components: { securitySchemes: Record<string, { type: string; scheme: string }> };
    }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toBe('CRM widgets service');
    expect(doc.components.securitySchemes['bearer']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/widgets'].get.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/widgets/count'].get.security).toBeUndefined();
  });
});
