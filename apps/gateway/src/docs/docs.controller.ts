import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@crm/platform';
import { renderDocsPage } from './docs-page';
import { DocsService } from './docs.service';

/** The merged OpenAPI document, and a page listing its operations, both served by the gateway itself. */
@ApiExcludeController()
@Controller('api')
@Public()
export class DocsController {
  constructor(private readonly docs: DocsService) {}

  @Get('openapi.json')
  openapi() {
    return this.docs.merged();
  }

  @Get('docs')
  @Header('content-type', 'text/html; charset=utf-8')
  async page(): Promise<string> {
    return renderDocsPage(await this.docs.merged());
  }
}
