import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiIfMatch, ApiPage, ApiProblem, CurrentPrincipal, RequirePermission, type Principal } from '@crm/platform';
import { parseIfMatch } from '../shared/if-match';
import type { DocumentView } from './document.mapper';
import { DocumentsService } from './documents.service';
import {
  CreateDocumentDto,
  DocumentIdParams,
  DocumentListQuery,
  LinkDto,
  LinkParams,
  UpdateDocumentDto,
} from './dto/document.dto';
import { DocumentViewDto } from './dto/document-view.dto';

function withEtag(reply: FastifyReply, view: DocumentView): DocumentView {
  void reply.header('etag', `"${view.version}"`);
  return view;
}

@ApiTags('documents')
@Controller('documents')
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Post()
  @RequirePermission('documents:write')
  @ApiOperation({ summary: 'Create a document (metadata and links); upload its file to /documents/{id}/versions' })
  @ApiCreatedResponse({ type: DocumentViewDto })
  @ApiProblem(400, 'DOCUMENT_TYPE_NOT_ALLOWED or VALIDATION_FAILED (an unknown record kind, a bad id)')
  async create(
    @Body() dto: CreateDocumentDto,
    @CurrentPrincipal() caller: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.documents.create(dto, caller));
  }

  @Get()
  @RequirePermission('documents:read')
  @ApiOperation({
    summary:
      "Documents, newest first, keyset paged; filter by type, tag, linked record (a record's documents in one call), creation date, text status",
  })
  @ApiPage(DocumentViewDto)
  list(@Query() query: DocumentListQuery) {
    return this.documents.list(query);
  }

  @Get(':id')
  @RequirePermission('documents:read')
  @ApiOperation({ summary: 'One document with its links and current version' })
  @ApiOkResponse({ type: DocumentViewDto })
  async get(@Param() { id }: DocumentIdParams, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.documents.get(id));
  }

  @Patch(':id')
  @HttpCode(200)
  @RequirePermission('documents:write')
  @ApiIfMatch()
  @ApiOperation({ summary: 'Change title, type, tags, language, owner, metadata or the pinned version' })
  @ApiOkResponse({ type: DocumentViewDto })
  async update(
    @Param() { id }: DocumentIdParams,
    @Body() dto: UpdateDocumentDto,
    @CurrentPrincipal() caller: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ) {
    return withEtag(reply, await this.documents.update(id, dto, parseIfMatch(ifMatch), caller));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('documents:write')
  @ApiIfMatch()
  @ApiOperation({ summary: 'Delete a document and its versions; blobs go once nothing references them' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblem(409, 'DOCUMENT_UNDER_HOLD: a legal hold covers it (holdIds)')
  async remove(@Param() { id }: DocumentIdParams, @Headers('if-match') ifMatch?: string): Promise<void> {
    await this.documents.remove(id, parseIfMatch(ifMatch));
  }

  @Post(':id/links')
  @HttpCode(200)
  @RequirePermission('documents:write')
  @ApiOperation({ summary: 'Link the document to a record (contact, account, deal, quote, order, ticket, campaign)' })
  @ApiOkResponse({ type: DocumentViewDto })
  link(@Param() { id }: DocumentIdParams, @Body() dto: LinkDto, @CurrentPrincipal() caller: Principal) {
    return this.documents.link(id, dto, caller);
  }

  @Delete(':id/links/:kind/:recordId')
  @HttpCode(200)
  @RequirePermission('documents:write')
  @ApiOperation({ summary: 'Remove a link' })
  @ApiOkResponse({ type: DocumentViewDto })
  unlink(@Param() p: LinkParams) {
    return this.documents.unlink(p.id, p.kind, p.recordId);
  }
}
