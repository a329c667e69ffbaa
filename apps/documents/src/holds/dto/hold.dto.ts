import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Length, ValidateNested } from 'class-validator';
import { PageQueryDto } from '@crm/platform';
import { IsNotBlank, LinkDto } from '../../documents/dto/document.dto';

export class HoldReasonDto {
  @ApiProperty({ minLength: 1, maxLength: 2000 })
  @IsString()
  @Length(1, 2000)
  @IsNotBlank()
  reason!: string;
}

export class RecordHoldDto extends HoldReasonDto {
  @ApiProperty({ type: LinkDto, description: 'Every document linked to this record is held' })
  @ValidateNested()
  @Type(() => LinkDto)
  record!: LinkDto;
}

export class HoldIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID(undefined, { message: 'must be a UUID' })
  holdId!: string;
}

export class HoldListQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'])
  active?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID(undefined, { message: 'must be a UUID' })
  documentId?: string;
}

export class HoldViewDto {
  @ApiProperty({ format: 'uuid' }) holdId!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid' }) documentId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: LinkDto }) record!: LinkDto | null;
  @ApiProperty() reason!: string;
  @ApiProperty() placedBy!: string;
  @ApiProperty({ format: 'date-time' }) placedAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) releasedBy!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) releasedAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) releaseReason!: string | null;
  @ApiProperty() active!: boolean;
}
