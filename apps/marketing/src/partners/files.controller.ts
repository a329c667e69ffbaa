import {
  applyDecorators,
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Req,
  Res,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  ApiConsumes,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { sendText } from '@crm/bulk';
import { ApiProblem, CurrentPrincipal, forwardedPrefix, RequirePermission, type Principal } from '@crm/platform';
import { IdParams } from '../shared/dto';
import { DeletionImportDto, FileExportViewDto, PartnerAudienceViewDto } from './dto/audience-views.dto';
import { DeletionFilesService, DELETIONS_FORMAT, DELETIONS_MAX_NOTICES } from './deletion-files.service';
import { CreateFileExportDto } from './dto/partner.dto';
import { FILE_SIGNATURE_HEADER, FILE_TYPES, MANIFEST_HEADER, MANIFEST_MAX_LENGTH } from './partner-file-format';
import { PartnerFilesService } from './partner-files.service';

const actorOf = (p: Principal | undefined) => p?.subject ?? 'unknown';

const SIGNATURE_ANSWER_HEADER = {
  description: 'sha256=HMAC(signing key, "file.<manifest>")',
  schema: { type: 'string', pattern: '^sha256=[0-9a-f]{64}$', maxLength: 71 },
};

/** A signed partner file sent to us: its manifest and signature headers, refused with 401 when they do not verify. */
function ApiSignedFile() {
  return applyDecorators(
    ApiHeader({
      name: MANIFEST_HEADER,
      required: true,
      schema: { type: 'string', pattern: '^[A-Za-z0-9_-]+$', maxLength: MANIFEST_MAX_LENGTH },
      description: 'base64url of the JSON manifest',
    }),
    ApiHeader({ name: FILE_SIGNATURE_HEADER, required: true, ...SIGNATURE_ANSWER_HEADER }),
    ApiProblem(401, 'PARTNER_SIGNATURE_INVALID'),
  );
}

/** What a signed file's request says of it (checked by the service, not here). */
function signedFileOf(req: FastifyRequest) {
  return {
    manifest: req.headers[MANIFEST_HEADER] as string | undefined,
    signature: req.headers[FILE_SIGNATURE_HEADER] as string | undefined,
    contentType: String(req.headers['content-type'] ?? ''),
  };
}

/** The file's bytes as the unparsed request stream (see onModuleInit), or nothing. */
function fileStreamOf(req: FastifyRequest): Readable {
  return req.body instanceof Readable ? req.body : Readable.from([]);
}

@ApiTags('partners')
@Controller()
export class FilesController implements OnModuleInit {
  constructor(
    private readonly files: PartnerFilesService,
    private readonly deletions: DeletionFilesService,
    private readonly adapter: HttpAdapterHost,
  ) {}

  /** A partner file is not parsed by Fastify: the import route reads it as a stream (and bounds it). */
  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    for (const type of Object.values(FILE_TYPES))
      if (!fastify.hasContentTypeParser(type))
        fastify.addContentTypeParser(type, (_req, payload, done) => done(null, payload));
  }

  @Post('partner-agreements/:id/files')
  @RequirePermission('marketing:partners:admin')
  @ApiProblem(422, 'AUDIENCE_BELOW_THRESHOLD')
  @ApiOperation({
    summary:
      "Make a signed file of a segment's consented members for a partner without a suite (above k), to download once",
  })
  @ApiCreatedResponse({ type: FileExportViewDto, description: 'The file, ready to download once' })
  async createFile(
    @Param() { id }: IdParams,
    @Body() dto: CreateFileExportDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() p?: Principal,
  ) {
    const file = await this.files.createExport(id, dto, actorOf(p));
    void reply.header('location', `${forwardedPrefix(req.headers)}/partner-files/${file.id}`);
    return file;
  }

  @Get('partner-files/:id')
  @RequirePermission('marketing:partners:read')
  @ApiOperation({ summary: 'A partner file: its share, and once downloaded its manifest, signature, by whom and when' })
  @ApiOkResponse({ type: FileExportViewDto })
  getFile(@Param() { id }: IdParams) {
    return this.files.getExport(id);
  }

  @Get('partner-files/:id/content')
  @RequirePermission('marketing:partners:admin')
  @ApiProduces(FILE_TYPES.csv, FILE_TYPES.jsonl)
  @ApiProblem(410, 'PARTNER_FILE_ALREADY_DOWNLOADED')
  @ApiOperation({
    summary: `Download the file, once: the manifest (base64url JSON) in ${MANIFEST_HEADER}, its HMAC-SHA256 in ${FILE_SIGNATURE_HEADER}`,
  })
  @ApiOkResponse({
    description: 'CSV with a header row of the fields, or one JSON object per line (the encoding chosen at creation)',
    content: {
      [FILE_TYPES.csv]: { schema: { type: 'string', format: 'binary' } },
      [FILE_TYPES.jsonl]: { schema: { type: 'string', format: 'binary' } },
    },
    headers: {
      [MANIFEST_HEADER]: {
        description: 'base64url of the JSON manifest (format, agreement exchange id, share, fields, count, sha256)',
        schema: { type: 'string', maxLength: MANIFEST_MAX_LENGTH },
      },
      [FILE_SIGNATURE_HEADER]: SIGNATURE_ANSWER_HEADER,
      'content-disposition': {
        description: 'attachment; filename="partner-share-<shareId>.<csv|jsonl>"',
        schema: { type: 'string', maxLength: 200 },
      },
    },
  })
  async download(@Param() { id }: IdParams, @Res() reply: FastifyReply, @CurrentPrincipal() p?: Principal) {
    const file = await this.files.download(id, actorOf(p));
    return sendText(reply, file.contentType, file.body, file.headers);
  }

  @Post('partner-agreements/:id/imports')
  @RequirePermission('marketing:partners:admin')
  @ApiConsumes(FILE_TYPES.csv, FILE_TYPES.jsonl)
  @ApiSignedFile()
  @ApiProblem(422, 'AUDIENCE_BELOW_THRESHOLD')
  @ApiOperation({ summary: "Import a partner's signed file (streamed) as a partner audience, kept whole and above k" })
  @ApiCreatedResponse({
    type: PartnerAudienceViewDto,
    description: 'The partner audience, active (its segment usable)',
  })
  async importFile(
    @Param() { id }: IdParams,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const audience = await this.files.importFile(id, signedFileOf(req), fileStreamOf(req));
    void reply.status(201).header('location', `${forwardedPrefix(req.headers)}/partner-audiences/${audience.id}`);
    return audience;
  }

  @Post('partner-agreements/:id/deletion-files')
  @HttpCode(200)
  @RequirePermission('marketing:partners:admin')
  @ApiProduces(FILE_TYPES.jsonl)
  @ApiOperation({
    summary: `Take the deletion notices owed to a partner that got the contacts only as files, as one signed file to hand over (at most ${DELETIONS_MAX_NOTICES}; they are delivered from then on)`,
  })
  @ApiOkResponse({
    description: `One notice per line, {noticeId, issuedAt, emailHashes, phoneHashes}; the manifest ({format: "${DELETIONS_FORMAT}", agreement, count, createdAt, sha256}) in ${MANIFEST_HEADER}, its HMAC in ${FILE_SIGNATURE_HEADER}; empty when none is owed`,
    content: { [FILE_TYPES.jsonl]: { schema: { type: 'string', format: 'binary' } } },
    headers: {
      [MANIFEST_HEADER]: {
        description: 'base64url of the JSON manifest',
        schema: { type: 'string', maxLength: MANIFEST_MAX_LENGTH },
      },
      [FILE_SIGNATURE_HEADER]: SIGNATURE_ANSWER_HEADER,
    },
  })
  async takeDeletions(@Param() { id }: IdParams, @Res() reply: FastifyReply) {
    const file = await this.deletions.take(id);
    return reply.status(200).type(file.contentType).headers(file.headers).send(file.body);
  }

  @Post('partner-agreements/:id/deletion-imports')
  @HttpCode(200)
  @RequirePermission('marketing:partners:admin')
  @ApiConsumes(FILE_TYPES.jsonl)
  @ApiSignedFile()
  @ApiOperation({
    summary: "Apply a partner's signed deletion file: each notice deletes as one over the exchange would (once)",
  })
  @ApiOkResponse({ type: DeletionImportDto })
  importDeletions(@Param() { id }: IdParams, @Req() req: FastifyRequest) {
    return this.deletions.import(id, signedFileOf(req), fileStreamOf(req));
  }
}
