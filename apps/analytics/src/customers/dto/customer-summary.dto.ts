import { ApiProperty } from '@nestjs/swagger';

const COUNTS = {
  type: 'object',
  additionalProperties: { type: 'integer', format: 'int32', minimum: 0, maximum: 2147483647 },
  description: 'Customers per value; `unknown` for none',
} as const;

export class CustomerSummaryDto {
  @ApiProperty({ format: 'int32', minimum: 0, maximum: 2147483647 }) total!: number;
  @ApiProperty(COUNTS) byLifecycleStage!: Record<string, number>;
  @ApiProperty(COUNTS) byCountry!: Record<string, number>;
  @ApiProperty(COUNTS) byAcquisitionChannel!: Record<string, number>;
  @ApiProperty({ format: 'date-time', description: 'When the counts were taken' }) asOf!: string;
}

export class DimensionCountsDto {
  @ApiProperty({ enum: ['lifecycleStage', 'country', 'acquisitionChannel'] }) dimension!: string;
  @ApiProperty({ format: 'int32', minimum: 0, maximum: 2147483647 }) total!: number;
  @ApiProperty(COUNTS) counts!: Record<string, number>;
}

export class CustomerFactsDto {
  @ApiProperty({ format: 'uuid' }) contactId!: string;
  @ApiProperty({
    format: 'int32',
    minimum: 1,
    maximum: 2147483647,
    description: 'The contact version the facts are of',
  })
  version!: number;
  @ApiProperty({ type: String, nullable: true, maxLength: 50 }) lifecycleStage!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 2 }) country!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 50 }) acquisitionChannel!: string | null;
  @ApiProperty({ enum: ['active', 'merged', 'erased'] }) status!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) becameCustomerAt!: string | null;
}
