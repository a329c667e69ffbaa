import { Controller, Get, Headers, HttpCode, Module, Param, Patch } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiOkResponse, ApiProperty } from '@nestjs/swagger';
import { Public, RequirePermission } from '../auth/auth.decorators';
import { ApiIfMatch, ApiPage, ApiProblem } from './api-decorators';
import { buildOpenApiDocument, OPENAPI_PATH, serveOpenApi } from './openapi';

class WidgetView {
  @ApiProperty({ format: 'uuid' }) id!: string;
}

class WidgetIdParams {
  @ApiProperty({ format: 'uuid' }) id!: string;
}

@Controller('widgets')
class WidgetsController {
  @Get()
  @RequirePermission('widgets:read')
  @ApiPage(WidgetView)
  list() {
    return { items: [], nextCursor: null };
  }

  @Get('count')
  @Public()
  count() {
    return 0;
  }

  @Patch(':id')
  @HttpCode(200)
  @RequirePermission('widgets:write')
  @ApiIfMatch()
  @ApiOkResponse({ type: WidgetView })
  @ApiProblem(409, 'WIDGET_LOCKED: someone holds the widget')
  update(@Param() { id }: WidgetIdParams, @Headers('if-match') _ifMatch?: string) {
    return { id };
  }

  @Get(':id/parts/:partId')
  @RequirePermission('widgets:read', 'parts:read')
  part() {
    return {};
  }
}

@Module({ controllers: [WidgetsController] })
class WidgetsModule {}

interface Doc {
  openapi: string;
  info: { title: string };
  tags: { name: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { required?: string[] }>;
    parameters: Record<string, { name: string; in: string; required: boolean }>;
    securitySchemes: Record<string, { type: string; scheme: string }>;
  };
}

interface Operation {
  description?: string;
  security?: unknown[];
  parameters: ({ $ref: string } | { name: string; in: string; required?: boolean })[];
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
  'x-required-permission'?: string | string[];
}

const PROBLEM = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

describe('the OpenAPI document', () => {
  let app: NestFastifyApplication;
  let doc: Doc;

  beforeAll(async () => {
    const adapter = new FastifyAdapter();
    app = await NestFactory.create<NestFastifyApplication>(WidgetsModule, adapter, {
      logger: false,
      abortOnError: false,
    });
    serveOpenApi(adapter.getInstance(), buildOpenApiDocument(app, 'widgets'));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    const res = await app.inject({ method: 'GET', url: OPENAPI_PATH });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    doc = res.json<Doc>();
  });

  afterAll(() => app.close());

  it('is served as JSON, declares bearer auth, and marks protected routes with it', () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toBe('CRM widgets service');
    expect(doc.components.securitySchemes['bearer']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/widgets'].get.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/widgets/count'].get.security).toBeUndefined();
  });

  it('names the permission each route requires, as an extension and in its description', () => {
    const list = doc.paths['/widgets'].get;
    expect(list['x-required-permission']).toBe('widgets:read');
    expect(list.description).toContain('Requires the `widgets:read` permission.');
    const part = doc.paths['/widgets/{id}/parts/{partId}'].get;
    expect(part['x-required-permission']).toEqual(['widgets:read', 'parts:read']);
    expect(part.description).toContain('`widgets:read` and `parts:read`');
    expect(doc.paths['/widgets/count'].get['x-required-permission']).toBeUndefined();
  });

  it('declares the Problem schema once and points every failure at it', () => {
    expect(doc.components.schemas['Problem'].required).toEqual(['type', 'title', 'status', 'detail', 'code']);
    const update = doc.paths['/widgets/{id}'].patch;
    expect(Object.keys(update.responses)).toEqual(['200', '400', '401', '403', '404', '409', '412', '500']);
    for (const status of ['400', '401', '403', '404', '409', '412', '500'])
      expect(update.responses[status].content).toEqual(PROBLEM);
    expect(update.responses['409'].description).toBe('WIDGET_LOCKED: someone holds the widget');
    expect(Object.keys(doc.paths['/widgets/count'].get.responses)).toEqual(['200', '500']);
  });

  it('declares If-Match once, optional, and refers to it instead of repeating it', () => {
    expect(doc.components.parameters['IfMatch']).toMatchObject({ name: 'If-Match', in: 'header', required: false });
    expect(doc.paths['/widgets/{id}'].patch.parameters).toEqual([
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
      { $ref: '#/components/parameters/IfMatch' },
    ]);
  });

  it('declares path parameters a route has even when no decorator does', () => {
    const names = doc.paths['/widgets/{id}/parts/{partId}'].get.parameters.map((p) =>
      'name' in p ? `${p.in}:${p.name}` : p.$ref,
    );
    expect(names).toEqual(['path:id', 'path:partId']);
  });

  it('gives a page its items and nextCursor', () => {
    expect(doc.paths['/widgets'].get.responses['200'].content?.['application/json'].schema).toMatchObject({
      required: ['items', 'nextCursor'],
      properties: { items: { type: 'array', items: { $ref: '#/components/schemas/WidgetView' } } },
    });
  });

  it('bounds strings of a known format, such as a uuid', () => {
    const id = doc.paths['/widgets/{id}'].patch.parameters[0] as unknown as {
      schema: { format: string; maxLength: number };
    };
    expect(id.schema).toMatchObject({ format: 'uuid', maxLength: 36 });
  });

  it('lists the tags its operations use', () => {
    expect(doc.tags.map((t) => t.name)).toEqual(['Widgets']);
  });
});
