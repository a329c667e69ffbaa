import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiPage,
  ApiProblem,
  CurrentPrincipal,
  forwardedPrefix,
  RequirePermission,
  type Principal,
} from '@crm/platform';
import { IdParams } from '../shared/dto';
import { CreateShareDto, SegmentShareDto, ShareLogQueryDto } from './dto/partner.dto';
import { ContactIdParams } from './dto/contact-params.dto';
import { PartnerAudienceListDto, PartnerAudienceViewDto } from './dto/audience-views.dto';
import { ContactSharesDto, MatchViewDto, ShareReportDto, ShareResultDto, ShareViewDto } from './dto/share-views.dto';
import { PartnerAudiencesService } from './partner-audiences.service';
import { ShareLogService } from './share-log.service';
import { SharingService } from './sharing.service';

const actorOf = (p: Principal | undefined) => p?.subject ?? 'unknown';

@ApiTags('partners')
@Controller()
export class SharingController {
  constructor(
    private readonly sharing: SharingService,
    private readonly log: ShareLogService,
    private readonly audiences: PartnerAudiencesService,
  ) {}

  @Post('partner-agreements/:id/match')
  @HttpCode(200)
  @RequirePermission('marketing:partners:admin')
  @ApiProblem(422, 'AUDIENCE_BELOW_THRESHOLD')
  @ApiOperation({
    summary:
      "Count a segment's consented members and their overlap with the partner (only keyed hashes leave); nothing else moves",
  })
  @ApiOkResponse({ type: MatchViewDto })
  match(@Param() { id }: IdParams, @Body() dto: SegmentShareDto, @CurrentPrincipal() p?: Principal) {
    return this.sharing.match(id, dto.segmentId, actorOf(p));
  }

  @Post('partner-agreements/:id/shares')
  @RequirePermission('marketing:partners:admin')
  @ApiProblem(422, 'AUDIENCE_BELOW_THRESHOLD')
  @ApiProblem(502, 'PARTNER_REFUSED')
  @ApiOperation({
    summary: "Share a segment's consented members with the partner suite (signed, HTTPS), above the k threshold",
  })
  @ApiCreatedResponse({ type: ShareResultDto, description: 'Delivered: the partner holds the matched contacts' })
  async share(
    @Param() { id }: IdParams,
    @Body() dto: CreateShareDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() p?: Principal,
  ) {
    const result = await this.sharing.share(id, dto.segmentId, dto.expiresAt, actorOf(p));
    void reply.header('location', `${forwardedPrefix(req.headers)}/partner-shares/${result.shareId}`);
    return result;
  }

  @Get('partner-shares')
  @RequirePermission('marketing:partners:read')
  @ApiOperation({
    summary: 'The share log: matches and shares, to whom, under which agreement, how many, newest first',
  })
  @ApiPage(ShareViewDto)
  list(@Query() q: ShareLogQueryDto) {
    return this.log.list(q);
  }

  @Get('partner-shares/report')
  @RequirePermission('marketing:partners:read')
  @ApiOperation({
    summary:
      'For the data protection officer: per agreement, shares and contacts sent, deletion notices by status, data held from the partner',
  })
  @ApiOkResponse({ type: ShareReportDto })
  report() {
    return this.log.report();
  }

  @Get('partner-shares/contacts/:contactId')
  @RequirePermission('marketing:partners:read')
  @ApiOperation({ summary: "Where one contact's data went: the shares that carried them and the deletion notices" })
  @ApiOkResponse({ type: ContactSharesDto })
  forContact(@Param() { contactId }: ContactIdParams) {
    return this.log.forContact(contactId);
  }

  @Get('partner-shares/:id')
  @RequirePermission('marketing:partners:read')
  @ApiOperation({ summary: 'One share log entry' })
  @ApiOkResponse({ type: ShareViewDto })
  get(@Param() { id }: IdParams) {
    return this.log.get(id);
  }

  @Get('partner-audiences')
  @RequirePermission('marketing:partners:read')
  @ApiOperation({ summary: 'Audiences received from partners, with provenance and expiry' })
  @ApiOkResponse({ type: PartnerAudienceListDto })
  audiencesList() {
    return this.audiences.list();
  }

  @Get('partner-audiences/:id')
  @RequirePermission('marketing:partners:read')
  @ApiOperation({ summary: 'One received audience (its segment is usable in campaigns until it expires)' })
  @ApiOkResponse({ type: PartnerAudienceViewDto })
  audience(@Param() { id }: IdParams) {
    return this.audiences.get(id);
  }

  @Delete('partner-audiences/:id')
  @HttpCode(204)
  @RequirePermission('marketing:partners:admin')
  @ApiOperation({ summary: 'Delete a received audience now (its records and its segment)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  async removeAudience(@Param() { id }: IdParams): Promise<void> {
    await this.audiences.remove(id);
  }
}
