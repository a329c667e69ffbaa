import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiIfMatch,
  ApiPage,
  ApiProblem,
  CurrentPrincipal,
  forwardedPrefix,
  PageQueryDto,
  RequirePermission,
  type Principal,
} from '@crm/platform';
import { IdParams, parseIfMatch } from '../shared/dto';
import {
  AgreementActionParams,
  AuditQueryDto,
  CreateAgreementDto,
  CreatePartnerDto,
  UpdateAgreementDto,
  UpdatePartnerDto,
} from './dto/partner.dto';
import {
  AgreementListDto,
  AgreementViewDto,
  AuditTrailDto,
  CreatedAgreementDto,
  PartnerViewDto,
} from './dto/partner-views.dto';
import { PartnersService } from './partners.service';

const actorOf = (p: Principal | undefined) => p?.subject ?? 'unknown';

@ApiTags('partners')
@Controller()
export class PartnersController {
  constructor(private readonly partners: PartnersService) {}

  @Post('partners')
  @RequirePermission('marketing:partners:admin')
  @ApiOperation({ summary: 'Register a partner business (its suite base URL); audited' })
  @ApiCreatedResponse({ type: PartnerViewDto, description: 'The partner, version 1' })
  createPartner(@Body() dto: CreatePartnerDto, @CurrentPrincipal() p?: Principal) {
    return this.partners.createPartner(dto, actorOf(p));
  }

  @Get('partners')
  @RequirePermission('marketing:partners:read')
  @ApiOperation({ summary: 'Partners, newest first, keyset paged' })
  @ApiPage(PartnerViewDto)
  listPartners(@Query() page: PageQueryDto) {
    return this.partners.listPartners(page);
  }

  @Get('partners/:id')
  @RequirePermission('marketing:partners:read')
  @ApiOperation({ summary: 'One partner' })
  @ApiOkResponse({ type: PartnerViewDto })
  getPartner(@Param() { id }: IdParams) {
    return this.partners.getPartner(id);
  }

  @Patch('partners/:id')
  @RequirePermission('marketing:partners:admin')
  @ApiIfMatch()
  @ApiProblem(412, 'VERSION_CONFLICT')
  @ApiOperation({ summary: 'Change a partner; audited' })
  @ApiOkResponse({ type: PartnerViewDto })
  updatePartner(
    @Param() { id }: IdParams,
    @Body() dto: UpdatePartnerDto,
    @Headers('if-match') ifMatch?: string,
    @CurrentPrincipal() p?: Principal,
  ) {
    return this.partners.updatePartner(id, dto, parseIfMatch(ifMatch), actorOf(p));
  }

  @Post('partners/:id/agreements')
  @RequirePermission('marketing:partners:admin')
  @ApiOperation({
    summary:
      'Make a draft agreement (purposes, shareable fields, validity, k threshold); a new shared key is answered once',
  })
  @ApiCreatedResponse({ type: CreatedAgreementDto, description: 'The draft agreement (and a new shared key, once)' })
  async createAgreement(
    @Param() { id }: IdParams,
    @Body() dto: CreateAgreementDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() p?: Principal,
  ) {
    const agreement = await this.partners.createAgreement(id, dto, actorOf(p));
    void reply.header('location', `${forwardedPrefix(req.headers)}/partner-agreements/${agreement.id}`);
    return agreement;
  }

  @Get('partners/:id/agreements')
  @RequirePermission('marketing:partners:read')
  @ApiOperation({ summary: "A partner's agreements" })
  @ApiOkResponse({ type: AgreementListDto })
  listAgreements(@Param() { id }: IdParams) {
    return this.partners.listAgreements(id);
  }

  @Get('partner-agreements/:id')
  @RequirePermission('marketing:partners:read')
  @ApiOperation({ summary: 'One agreement (never its key)' })
  @ApiOkResponse({ type: AgreementViewDto })
  getAgreement(@Param() { id }: IdParams) {
    return this.partners.getAgreement(id);
  }

  @Patch('partner-agreements/:id')
  @RequirePermission('marketing:partners:admin')
  @ApiIfMatch()
  @ApiProblem(412, 'VERSION_CONFLICT')
  @ApiOperation({ summary: 'Change an agreement (fields and purposes only while a draft); audited' })
  @ApiOkResponse({ type: AgreementViewDto })
  updateAgreement(
    @Param() { id }: IdParams,
    @Body() dto: UpdateAgreementDto,
    @Headers('if-match') ifMatch?: string,
    @CurrentPrincipal() p?: Principal,
  ) {
    return this.partners.updateAgreement(id, dto, parseIfMatch(ifMatch), actorOf(p));
  }

  @Post('partner-agreements/:id/:action')
  @HttpCode(200)
  @RequirePermission('marketing:partners:admin')
  @ApiProblem(409, 'AGREEMENT_TRANSITION_INVALID')
  @ApiOperation({ summary: 'activate | suspend | terminate; audited' })
  @ApiOkResponse({ type: AgreementViewDto, description: 'The agreement in its new status' })
  transition(@Param() { id, action }: AgreementActionParams, @CurrentPrincipal() p?: Principal) {
    return this.partners.transition(id, action, actorOf(p));
  }

  @Get('partner-audit')
  @RequirePermission('marketing:partners:read')
  @ApiOperation({ summary: 'Every change to a partner or agreement, oldest first (who, what, when)' })
  @ApiOkResponse({ type: AuditTrailDto })
  auditTrail(@Query() q: AuditQueryDto) {
    return this.partners.auditTrail(q.entityId);
  }
}
