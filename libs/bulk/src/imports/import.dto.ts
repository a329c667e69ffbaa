import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsUUID } from 'class-validator';

const COUNT = { type: 'integer', format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

/** The query of an upload: which saved mapping, a dry run or not, the delimiter. */
export class ImportUploadQueryDto {
  @ApiProperty({ format: 'uuid', description: 'A mapping saved with POST …import-mappings' })
  @IsUUID(undefined, { message: 'must be a UUID' })
  mappingId!: string;
  @ApiPropertyOptional({ description: 'Validate every row, write nothing' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsIn([true, false], { message: 'must be true or false' })
  dryRun?: boolean;
  @ApiPropertyOptional({ enum: [',', ';', 'tab'], description: 'Detected from the header line when left out' })
  @IsOptional()
  @IsIn([',', ';', 'tab'])
  delimiter?: string;
}

/** An upload that may update what it matches. */
export class ImportUploadWithMatchQueryDto extends ImportUploadQueryDto {
  @ApiPropertyOptional({ enum: ['skip', 'update'], default: 'skip' })
  @IsOptional()
  @IsIn(['skip', 'update'])
  onMatch?: 'skip' | 'update';
}

export class ImportIdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID(undefined, { message: 'must be a UUID' }) id!: string;
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
