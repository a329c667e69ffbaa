import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import getAbsoluteFSPath from 'swagger-ui-dist/absolute-path.js';
import { DomainError, Public } from '@crm/platform';
import { DocsService } from './docs.service';

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>CRM API</title>
  <link rel="stylesheet" href="docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="docs/swagger-ui-bundle.js"></script>
  <script src="docs/init.js"></script>
</body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({ url: 'openapi.json', dom_id: '#swagger-ui', deepLinking: true });\n`;

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

/** The merged OpenAPI document and a Swagger UI page on it, served from the gateway itself (no CDN). */
@ApiExcludeController()
@Controller('api')
@Public()
export class DocsController {
  private readonly assets = new Map<string, Buffer>();

  constructor(private readonly docs: DocsService) {}

  @Get('openapi.json')
  openapi() {
    return this.docs.merged();
  }

  @Get('docs')
  @Header('content-type', 'text/html; charset=utf-8')
  page(): string {
    return PAGE;
  }

  @Get('docs/init.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  init(): string {
    return INIT;
  }

  @Get('docs/:asset')
  async asset(@Param('asset') name: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const type = ASSETS[name];
    if (!type) throw new DomainError('DOCS_ASSET_NOT_FOUND', `There is no docs asset ${name}`, 'not_found');
    let content = this.assets.get(name);
    if (!content) {
      content = await readFile(join(getAbsoluteFSPath(), name));
      this.assets.set(name, content);
    }
    void reply.header('content-type', type).header('cache-control', 'public, max-age=86400');
    return content;
  }
}
