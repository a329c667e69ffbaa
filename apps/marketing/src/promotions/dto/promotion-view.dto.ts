import { ApiProperty } from '@nestjs/swagger';

export class PromotionViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 200 }) name!: string;
  @ApiProperty({ enum: ['percent', 'amount'] }) discountKind!: string;
  @ApiProperty({ type: Number, nullable: true, minimum: 0.01, maximum: 100, description: 'For percent' })
  percent!: number | null;
  @ApiProperty({ type: Number, nullable: true, format: 'int64', minimum: 1, description: 'For amount: minor units' })
  amountMinor!: number | null;
  @ApiProperty({ type: String, nullable: true, minLength: 3, maxLength: 3 }) currency!: string | null;
  @ApiProperty({ enum: ['all', 'product', 'category'] }) scope!: string;
  @ApiProperty({
    type: [String],
    maxItems: 100,
    items: { type: 'string', maxLength: 100 },
    description: 'Product ids/SKUs or categories',
  })
  scopeValues!: string[];
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) validFrom!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) validUntil!: string | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 1,
    format: 'int32',
    description: 'Budget: redemptions at most',
  })
  maxRedemptions!: number | null;
  @ApiProperty({ minimum: 0, format: 'int32', description: 'Redeemed so far' }) redemptions!: number;
  @ApiProperty({ minimum: 1, maximum: 1000, format: 'int32' }) perCustomerLimit!: number;
  @ApiProperty({ enum: ['shared', 'unique'] }) codeKind!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 64, description: 'The code of a shared promotion' })
  sharedCode!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) segmentId!: string | null;
  @ApiProperty({ type: [String], format: 'uuid', maxItems: 1000 }) contactIds!: string[];
  @ApiProperty({ minimum: 1, format: 'int32' }) version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CouponDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) promotionId!: string;
  @ApiProperty({ maxLength: 64 }) code!: string;
  @ApiProperty({ format: 'uuid' }) contactId!: string;
  @ApiProperty({ format: 'date-time' }) issuedAt!: string;
}

export class IssuedCouponsDto {
  @ApiProperty({ type: [CouponDto], maxItems: 1000, description: 'One per distinct contact asked for' })
  items!: CouponDto[];
}

export class RedemptionDto {
  @ApiProperty({ maxLength: 64 }) code!: string;
  @ApiProperty({ format: 'uuid' }) orderId!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) contactId!: string | null;
  @ApiProperty({ enum: ['redeemed', 'rejected'] }) outcome!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: [
      'unknown_code',
      'expired',
      'not_started',
      'already_redeemed',
      'wrong_customer',
      'exhausted',
      'per_customer_limit',
    ],
    description: 'Why it was rejected; null when redeemed',
  })
  reason!: string | null;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class RedemptionsDto {
  @ApiProperty({ type: [RedemptionDto], maxItems: 200, description: 'The latest 200, newest first' })
  items!: RedemptionDto[];
}
