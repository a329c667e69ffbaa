import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiIfMatch,
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
import { PartnersService } from './partners.service';

const actorOf = (p: Principal | undefined) => p?.subject ?? 'unknown';

@ApiTags('partners')
@Controller()
export class PartnersController {
  constructor(private readonly partners: PartnersService) {}

  @Post('partners')
  @RequirePermission('marketing:partners:admin')
  @ApiOperation({ summary: 'Register a partner business (its suite base URL); audited' })
  createPartner(@Body() dto: CreatePartnerDto, @CurrentPrincipal() p?: Principal) {
    return this.partners.createPartner(dto, actorOf(p));
  }

  @Get('partners')
  @RequirePermission('marketing:partners:read')
  @ApiOperation({ summary: 'Partners, newest first, keyset paged' })
  listPartners(@Query() page: PageQueryDto) {
    return this.partners.listPartners(page);
  }

  @Get('partners/:id')
  @RequirePermission('marketing:partners:read')
  @ApiOperation({ summary: 'One partner' })
  getPartner(@Param() { id }: IdParams) {
    return this.partners.getPartner(id);
  }

  @Patch('partners/:id')
  @RequirePermission('marketing:partners:admin')
  @ApiIfMatch()
  @ApiProblem(412, 'VERSION_CONFLICT')
  @ApiOperation({ summary: 'Change a partner; audited' })
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
  listAgreements(@Param() { id }: IdParams) {
    return this.partners.listAgreements(id);
  }

  @Get('partner-agreements/:id')
  @RequirePermission('marketing:partners:read')
  @ApiOperation({ summary: 'One agreement (never its key)' })
  getAgreement(@Param() { id }: IdParams) {
    return this.partners.getAgreement(id);
  }

  @Patch('partner-agreements/:id')
  @RequirePermission('marketing:partners:admin')
  @ApiIfMatch()
  @ApiProblem(412, 'VERSION_CONFLICT')
  @ApiOperation({ summary: 'Change an agreement (fields and purposes only while a draft); audited' })
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
  transition(@Param() { id, action }: AgreementActionParams, @CurrentPrincipal() p?: Principal) {
    return this.partners.transition(id, action, actorOf(p));
  }

  @Get('partner-audit')
  @RequirePermission('marketing:partners:read')
  @ApiOperation({ summary: 'Every change to a partner or agreement, oldest first (who, what, when)' })
  auditTrail(@Query() q: AuditQueryDto) {
    return this.partners.auditTrail(q.entityId);
  }
}
