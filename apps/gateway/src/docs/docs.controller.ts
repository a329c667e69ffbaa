import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '@crm/platform';
import { DocsService } from './docs.service';
import type { OpenApiDocument } from './openapi-merge';
import { SwaggerUi, type DocsAsset } from './swagger-ui';
import { gatewayError } from '../shared/gateway-errors';

function send(reply: FastifyReply, asset: DocsAsset, cache?: string): Buffer | string {
  void reply.header('content-type', asset.contentType);
  if (cache) void reply.header('cache-control', cache);
  return asset.body;
}

/** The merged OpenAPI document and Swagger UI showing it, both served by the gateway itself. */
@ApiExcludeController()
@Controller('api')
@Public()
export class DocsController {
  private readonly ui = new SwaggerUi();

  constructor(private readonly docs: DocsService) {}

  @Get('openapi.json')
  openapi(): Promise<OpenApiDocument> {
    return this.docs.merged();
  }

  @Get('docs')
  page(@Res({ passthrough: true }) reply: FastifyReply): Buffer | string {
    return send(reply, this.ui.page());
  }

  @Get('docs/:file')
  file(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply): Buffer | string {
    const asset = this.ui.asset(file);
    if (!asset) throw gatewayError('DOCS_FILE_NOT_FOUND', `The docs page has no file ${file}`);
    // The files change only with the swagger-ui-dist version the gateway ships.
    return send(reply, asset, 'public, max-age=3600');
  }
}
