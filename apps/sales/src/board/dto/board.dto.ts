import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { StageViewDto } from '../../pipelines/dto/pipeline-view.dto';
import { IsGivenOnce } from '../../shared/validators';

export class BoardQuery {
  @ApiPropertyOptional({ maxLength: 200, description: "Only this owner's deals" })
  @IsOptional()
  @IsGivenOnce()
  @IsString()
  @MaxLength(200)
  ownerId?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, default: 20, description: 'Newest deals shown per stage' })
  @IsOptional()
  @IsGivenOnce()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number from 0 to 100' })
  @Min(0, { message: 'must be a whole number from 0 to 100' })
  @Max(100, { message: 'must be a whole number from 0 to 100' })
  dealsPerStage?: number;
}

export class BoardTotalDto {
  @ApiProperty({ minLength: 3, maxLength: 3 }) currency!: string;
  @ApiProperty({ format: 'int32' }) count!: number;
  @ApiProperty({ format: 'int64' }) amountMinor!: number;
  @ApiProperty({ format: 'int64', description: 'amount × stage probability / 100, rounded half up' })
  weightedMinor!: number;
}

export class BoardCardDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 200 }) name!: string;
  @ApiProperty({ format: 'int64' }) amountMinor!: number;
  @ApiProperty({ minLength: 3, maxLength: 3 }) currency!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) ownerId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) contactId!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 300 }) contactName!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date' }) expectedCloseDate!: string | null;
  @ApiProperty({ format: 'date-time' }) stageEnteredAt!: string;
  @ApiProperty({ format: 'int32' }) version!: number;
}

export class BoardColumnDto {
  @ApiProperty({ type: StageViewDto }) stage!: StageViewDto;
  @ApiProperty({ format: 'int32', description: 'Deals in the stage, every currency' }) count!: number;
  @ApiProperty({ type: [BoardTotalDto], maxItems: 300, description: 'Count and sums per currency' })
  totals!: BoardTotalDto[];
  @ApiProperty({ type: [BoardCardDto], maxItems: 100, description: 'The newest deals of the stage' })
  deals!: BoardCardDto[];
}

export class BoardDto {
  @ApiProperty({ format: 'uuid' }) pipelineId!: string;
  @ApiProperty({ maxLength: 100 }) name!: string;
  @ApiProperty({ format: 'int32' }) version!: number;
  @ApiProperty({ type: [BoardColumnDto], maxItems: 30, description: 'The active stages in board order' })
  columns!: BoardColumnDto[];
}
