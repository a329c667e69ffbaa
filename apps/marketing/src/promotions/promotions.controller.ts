import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPage, PageQueryDto, RequirePermission } from '@crm/platform';
import { IdParams } from '../shared/dto';
import { CreatePromotionDto, IssueCouponsDto } from './dto/promotion.dto';
import { IssuedCouponsDto, PromotionViewDto, RedemptionsDto } from './dto/promotion-view.dto';
import { PromotionsService } from './promotions.service';

@ApiTags('promotions')
@Controller('promotions')
export class PromotionsController {
  constructor(private readonly promotions: PromotionsService) {}

  @Post()
  @RequirePermission('marketing:write')
  @ApiOperation({ summary: 'Create a promotion (percent or amount off, scope, validity, budget, per-customer limit)' })
  @ApiCreatedResponse({ type: PromotionViewDto, description: 'The promotion, version 1' })
  create(@Body() dto: CreatePromotionDto) {
    return this.promotions.create(dto);
  }

  @Get()
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'Promotions, newest first' })
  @ApiPage(PromotionViewDto)
  list(@Query() page: PageQueryDto) {
    return this.promotions.list(page);
  }

  @Get(':id')
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'One promotion with its redemption count' })
  @ApiOkResponse({ type: PromotionViewDto })
  get(@Param() { id }: IdParams) {
    return this.promotions.get(id);
  }

  @Post(':id/coupons')
  @RequirePermission('marketing:write')
  @ApiOperation({ summary: 'Issue personal coupon codes to named contacts (coupon issued events)' })
  @ApiCreatedResponse({ type: IssuedCouponsDto })
  issue(@Param() { id }: IdParams, @Body() dto: IssueCouponsDto) {
    return this.promotions.issue(id, dto.contactIds);
  }

  @Get(':id/redemptions')
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'Redemptions and rejections (with reason), newest first' })
  @ApiOkResponse({ type: RedemptionsDto })
  redemptions(@Param() { id }: IdParams) {
    return this.promotions.redemptions(id);
  }
}
