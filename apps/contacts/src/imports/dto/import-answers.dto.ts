import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const COUNT = { type: 'integer', format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

export class ImportMappingAnswerDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id!: string;
  @ApiProperty({ maxLength: 100 }) name!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: 53 },
    maxProperties: 500,
    description: 'CSV header -> field',
  })
  columns!: Record<string, string>;
  @ApiPropertyOptional({ maxLength: 50 }) externalSource?: string;
  @ApiPropertyOptional({ maxLength: 3 }) tagSeparator?: string;
  @ApiPropertyOptional({ maxLength: 100 }) consentSource?: string;
}

export class ImportStatusDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id!: string;
  @ApiProperty({ enum: ['queued', 'running', 'completed', 'cancelled', 'failed'] }) status!: string;
  @ApiProperty() dryRun!: boolean;
  @ApiProperty({ enum: ['skip', 'update'] }) onMatch!: string;
  @ApiProperty(COUNT) rowsTotal!: number;
  @ApiProperty(COUNT) rowsRead!: number;
  @ApiProperty(COUNT) valid!: number;
  @ApiProperty(COUNT) written!: number;
  @ApiProperty(COUNT) updated!: number;
  @ApiProperty(COUNT) skipped!: number;
  @ApiProperty(COUNT) failed!: number;
  @ApiProperty({ type: 'number', nullable: true, minimum: 0, description: 'rows per second so far' })
  ratePerSecond!: number | null;
  @ApiProperty({ type: 'number', nullable: true, minimum: 0 }) etaSeconds!: number | null;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) createdAt!: string;
  @ApiProperty({ format: 'date-time', maxLength: 40, nullable: true }) startedAt!: string | null;
  @ApiProperty({ format: 'date-time', maxLength: 40, nullable: true }) finishedAt!: string | null;
}
