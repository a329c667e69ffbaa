import { ApiProperty } from '@nestjs/swagger';
import { TierDto } from './loyalty.dto';

export class ProgramViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 200 }) name!: string;
  @ApiProperty({ minLength: 3, maxLength: 3, description: 'Orders in this currency earn points' }) currency!: string;
  @ApiProperty({ minimum: 0.01, maximum: 1000 }) pointsPerUnit!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number', minimum: 0, maximum: 10 },
    description: 'category -> multiplier',
  })
  categoryMultipliers!: Record<string, number>;
  @ApiProperty({ type: [TierDto], maxItems: 10 }) tiers!: TierDto[];
  @ApiProperty({ type: Number, nullable: true, minimum: 1, maximum: 3650, format: 'int32' })
  expiryDays!: number | null;
  @ApiProperty({ minimum: 1, format: 'int32' }) version!: number;
}

export class ProgramsDto {
  @ApiProperty({ type: [ProgramViewDto], maxItems: 200, description: 'Newest first, at most 200' })
  items!: ProgramViewDto[];
}

export class LedgerEntryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['earn', 'redeem', 'expire', 'adjust'] }) kind!: string;
  @ApiProperty({ format: 'int64', description: 'Positive for a credit, negative for a debit' }) points!: number;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) orderId!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 500 }) reason!: string | null;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'When what is left of an earning expires',
  })
  expiresAt!: string | null;
}

export class LoyaltyAccountDto {
  @ApiProperty({ format: 'uuid' }) programId!: string;
  @ApiProperty({ format: 'uuid' }) contactId!: string;
  @ApiProperty({ minimum: 0, format: 'int64', description: 'Never below zero' }) balance!: number;
  @ApiProperty({ minimum: 0, format: 'int64', description: 'Points ever earned (tiers go by it)' }) lifetime!: number;
  @ApiProperty({ type: String, nullable: true, maxLength: 50 }) tier!: string | null;
  @ApiProperty({ type: [LedgerEntryDto], maxItems: 50, description: 'The latest 50 entries, newest first' })
  ledger!: LedgerEntryDto[];
}
