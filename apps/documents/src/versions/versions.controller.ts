import { applyDecorators, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { ApiPage, ApiProblem, CurrentPrincipal, RequirePermission, type Principal } from '@crm/platform';
import { ExtractionService } from '../extraction/extraction.service';
import { DocumentIdParams, UploadQuery, VersionParams } from '../documents/dto/document.dto';
import { VersionViewDto } from '../documents/dto/document-view.dto';
import type { VersionRow } from '../documents/document.mapper';
import { documentsError } from '../shared/documents-errors';
import { contentDisposition, notModified, requestedRange } from './http-content';
import { VersionsService } from './versions.service';

class ExtractionQueuedDto {
  @ApiProperty({ enum: ['pending'], description: 'The extraction is queued; the version says when it is done' })
  status!: 'pending';
}

/** What a download answers: the file (or the byte range asked for), or nothing new since the ETag sent. */
const FILE_CONTENT = { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } };
const ApiDownload = () =>
  applyDecorators(
    ApiProduces('application/octet-stream'),
    ApiOkResponse({ description: 'The file, in its detected media type', content: FILE_CONTENT }),
    ApiResponse({ status: 206, description: 'The byte range asked for (Content-Range)', content: FILE_CONTENT }),
    ApiResponse({ status: 304, description: 'Not modified since the ETag or date sent' }),
    ApiProblem(416, 'RANGE_NOT_SATISFIABLE'),
  );

class DownloadQuery {
  @ApiPropertyOptional({ enum: ['inline', 'attachment'], description: 'inline shows the file instead of saving it' })
  @IsOptional()
  @IsIn(['inline', 'attachment'])
  disposition?: string;
}

@ApiTags('documents')
@Controller('documents/:id')
export class VersionsController {
  constructor(
    private readonly versions: VersionsService,
    private readonly extraction: ExtractionService,
  ) {}

  @Post('versions')
  @RequirePermission('documents:write')
  @ApiOperation({
    summary:
      'Upload a new version: the file as the raw body (name in Content-Disposition or ?fileName=) or multipart/form-data with one part "file". Streamed, hashed, type detected from the content; emits document.uploaded or version.added',
  })
  @ApiConsumes('application/octet-stream', 'multipart/form-data')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiCreatedResponse({ type: VersionViewDto })
  @ApiProblem(413, 'UPLOAD_TOO_LARGE: past DOCUMENT_MAX_BYTES; nothing is kept')
  @ApiProblem(415, 'MEDIA_TYPE_NOT_ALLOWED: the detected type is not in DOCUMENT_MEDIA_TYPES')
  async upload(
    @Param() { id }: DocumentIdParams,
    @Query() query: UploadQuery,
    @Req() request: FastifyRequest,
    @CurrentPrincipal() caller: Principal,
  ) {
    return this.versions.upload(id, request.raw, query.fileName, caller);
  }

  @Get('versions')
  @RequirePermission('documents:read')
  @ApiOperation({ summary: 'Every version, newest first' })
  @ApiPage(VersionViewDto)
  list(@Param() { id }: DocumentIdParams) {
    return this.versions.list(id);
  }

  @Get('versions/:versionId')
  @RequirePermission('documents:read')
  @ApiOperation({ summary: 'One version, with its text extraction status (and error)' })
  @ApiOkResponse({ type: VersionViewDto })
  get(@Param() p: VersionParams) {
    return this.versions.get(p.id, p.versionId);
  }

  @Delete('versions/:versionId')
  @HttpCode(204)
  @RequirePermission('documents:write')
  @ApiOperation({ summary: 'Delete a version; its blob stays while another version references it' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblem(409, 'DOCUMENT_UNDER_HOLD')
  async remove(@Param() p: VersionParams): Promise<void> {
    await this.versions.remove(p.id, p.versionId);
  }

  @Post('versions/:versionId/extraction')
  @HttpCode(202)
  @RequirePermission('documents:write')
  @ApiOperation({ summary: 'Extract the text of a version again (after a failure)' })
  @ApiResponse({ status: 202, type: ExtractionQueuedDto })
  async retry(@Param() p: VersionParams): Promise<ExtractionQueuedDto> {
    await this.extraction.retry(p.id, p.versionId);
    return { status: 'pending' };
  }

  @Get('content')
  @RequirePermission('documents:read')
  @ApiOperation({ summary: 'Download the current version (ETag, conditional GET, one byte range)' })
  @ApiDownload()
  async current(
    @Param() { id }: DocumentIdParams,
    @Query() query: DownloadQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.send(await this.versions.resolve(id), query, request, reply);
  }

  @Get('versions/:versionId/content')
  @RequirePermission('documents:read')
  @ApiOperation({ summary: 'Download one version (ETag, conditional GET, one byte range)' })
  @ApiDownload()
  async version(
    @Param() p: VersionParams,
    @Query() query: DownloadQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.send(await this.versions.resolve(p.id, p.versionId), query, request, reply);
  }

  private async send(v: VersionRow, query: DownloadQuery, request: FastifyRequest, reply: FastifyReply) {
    const size = Number(v.size);
    const etag = `"${v.sha256}"`;
    void reply
      .header('etag', etag)
      .header('last-modified', v.created_at.toUTCString())
      .header('accept-ranges', 'bytes')
      .header('cache-control', 'private, no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('content-disposition', contentDisposition(v.file_name, query.disposition === 'inline'));
    if (notModified(request.headers, etag, v.created_at)) return reply.code(304).send();
    const range = requestedRange(request.headers, size, etag, v.created_at);
    if (range === 'unsatisfiable') {
      void reply.header('content-range', `bytes */${size}`);
      throw documentsError('RANGE_NOT_SATISFIABLE', `The file has ${size} bytes; the requested range is outside it`, {
        size,
      });
    }
    const type = v.media_type.startsWith('text/') ? `${v.media_type}; charset=utf-8` : v.media_type;
    void reply.header('content-type', type);
    if (range) {
      void reply
        .code(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
        .header('content-length', range.end - range.start + 1);
    } else {
      void reply.code(200).header('content-length', size);
    }
    // An empty stream, not an empty body: Fastify's HEAD handling keeps Content-Length for streams.
    if (request.method === 'HEAD') return reply.send(Readable.from([]));
    return reply.send(await this.versions.open(v, range));
  }
}
