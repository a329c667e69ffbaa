import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { PageQueryDto, RequirePermission } from '@crm/platform';
import { IdParams } from '../shared/dto';
import { CreatePromotionDto, IssueCouponsDto } from './dto/promotion.dto';
import { PromotionsService } from './promotions.service';

@ApiTags('promotions')
@Controller('promotions')
export class PromotionsController {
  constructor(private readonly promotions: PromotionsService) {}

  @Post()
  @RequirePermission('marketing:write')
  @ApiOperation({ summary: 'Create a promotion (percent or amount off, scope, validity, budget, per-customer limit)' })
  create(@Body() dto: CreatePromotionDto) {
    return this.promotions.create(dto);
  }

  @Get()
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'Promotions, newest first' })
  list(@Query() page: PageQueryDto) {
    return this.promotions.list(page);
  }

  @Get(':id')
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'One promotion with its redemption count' })
  get(@Param() { id }: IdParams) {
    return this.promotions.get(id);
  }

  @Post(':id/coupons')
  @RequirePermission('marketing:write')
  @ApiOperation({ summary: 'Issue personal coupon codes to named contacts (coupon issued events)' })
  issue(@Param() { id }: IdParams, @Body() dto: IssueCouponsDto) {
    return this.promotions.issue(id, dto.contactIds);
  }

  @Get(':id/redemptions')
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'Redemptions and rejections (with reason), newest first' })
  redemptions(@Param() { id }: IdParams) {
    return this.promotions.redemptions(id);
  }
}
