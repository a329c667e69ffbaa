import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblem, RequirePermission } from '@crm/platform';
import { ContactParams, IdParams } from '../shared/dto';
import { AdjustPointsDto, CreateProgramDto, PointsDto } from './dto/loyalty.dto';
import { LoyaltyAccountDto, ProgramsDto, ProgramViewDto } from './dto/loyalty-view.dto';
import { LoyaltyService } from './loyalty.service';

@ApiTags('loyalty')
@Controller('loyalty/programs')
export class LoyaltyController {
  constructor(private readonly loyalty: LoyaltyService) {}

  @Post()
  @RequirePermission('marketing:admin')
  @ApiOperation({ summary: 'Create a loyalty program: points per currency unit, category multipliers, tiers, expiry' })
  @ApiCreatedResponse({ type: ProgramViewDto, description: 'The program, version 1' })
  create(@Body() dto: CreateProgramDto) {
    return this.loyalty.create(dto);
  }

  @Get()
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'Loyalty programs, newest first (at most 200)' })
  @ApiOkResponse({ type: ProgramsDto })
  list() {
    return this.loyalty.list();
  }

  @Get(':id')
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'One loyalty program' })
  @ApiOkResponse({ type: ProgramViewDto })
  get(@Param() { id }: IdParams) {
    return this.loyalty.get(id);
  }

  @Get(':id/accounts/:contactId')
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: "A contact's balance, tier and latest ledger entries" })
  @ApiOkResponse({ type: LoyaltyAccountDto, description: 'A contact without points has balance 0' })
  account(@Param() { id, contactId }: ContactParams) {
    return this.loyalty.account(id, contactId);
  }

  @Post(':id/accounts/:contactId/redeem')
  @HttpCode(200)
  @RequirePermission('marketing:write')
  @ApiOperation({ summary: 'Redeem points (409 POINTS_INSUFFICIENT past the balance)' })
  @ApiOkResponse({ type: LoyaltyAccountDto, description: 'The account after the redemption' })
  @ApiProblem(409, 'POINTS_INSUFFICIENT')
  redeem(@Param() { id, contactId }: ContactParams, @Body() dto: PointsDto) {
    return this.loyalty.redeem(id, contactId, dto);
  }

  @Post(':id/accounts/:contactId/adjust')
  @HttpCode(200)
  @RequirePermission('marketing:admin')
  @ApiOperation({ summary: 'Adjust points up or down (never below zero)' })
  @ApiOkResponse({ type: LoyaltyAccountDto, description: 'The account after the adjustment' })
  @ApiProblem(409, 'POINTS_INSUFFICIENT: a debit past the balance')
  adjust(@Param() { id, contactId }: ContactParams, @Body() dto: AdjustPointsDto) {
    return this.loyalty.adjust(id, contactId, dto);
  }
}
