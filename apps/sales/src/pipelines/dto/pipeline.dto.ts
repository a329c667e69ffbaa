import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '@crm/platform';
import { IsNotBlank } from '../../shared/validators';
import { STAGE_KINDS, type StageKind } from '../stage-kinds';

export class StageDto {
  @ApiProperty({ minLength: 1, maxLength: 100 }) @IsString() @Length(1, 100) @IsNotBlank() name!: string;
  @ApiProperty({ enum: STAGE_KINDS, description: 'open, won (probability 100) or lost (probability 0)' })
  @IsIn(STAGE_KINDS)
  kind!: StageKind;
  @ApiProperty({ minimum: 0, maximum: 100, description: 'Win probability, percent' })
  @IsInt({ message: 'must be a whole number from 0 to 100' })
  @Min(0, { message: 'must be a whole number from 0 to 100' })
  @Max(100, { message: 'must be a whole number from 0 to 100' })
  probability!: number;
}

export class CreatePipelineDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'New business' })
  @IsString()
  @Length(1, 100)
  @IsNotBlank()
  name!: string;

  @ApiPropertyOptional({
    type: [StageDto],
    maxItems: 30,
    description:
      'In board order; at least one open, one won and one lost stage. Left out: Qualification, Proposal, Negotiation, Won, Lost',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(3)
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => StageDto)
  stages?: StageDto[];
}

export class UpdatePipelineDto {
  @ApiProperty({ minLength: 1, maxLength: 100 }) @IsString() @Length(1, 100) @IsNotBlank() name!: string;
}

export class AddStageDto extends StageDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 29,
    description: 'Place among the active stages (0 = first); default last',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(29)
  position?: number;
}

export class UpdateStageDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @IsNotBlank()
  name?: string;
  @ApiPropertyOptional({ minimum: 0, maximum: 100 })
  @IsOptional()
  @IsInt({ message: 'must be a whole number from 0 to 100' })
  @Min(0, { message: 'must be a whole number from 0 to 100' })
  @Max(100, { message: 'must be a whole number from 0 to 100' })
  probability?: number;
}

export class StageOrderDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    maxItems: 30,
    description: 'Every active stage of the pipeline, once each, in the new order',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @ArrayUnique({ message: 'must not name a stage twice' })
  @IsUUID(undefined, { each: true, message: 'each must be a UUID' })
  stageIds!: string[];
}

export class RetireStageDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'An active stage of the same pipeline the open deals of the retired stage move to (required if it has any)',
  })
  @IsOptional()
  @IsUUID(undefined, { message: 'must be a UUID' })
  moveDealsTo?: string;
}

export class PipelineIdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID(undefined, { message: 'must be a UUID' }) id!: string;
}

export class StageParams extends PipelineIdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID(undefined, { message: 'must be a UUID' }) stageId!: string;
}

export class PipelineListQuery extends PageQueryDto {}
