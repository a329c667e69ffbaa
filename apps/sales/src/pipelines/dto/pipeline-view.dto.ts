import { ApiProperty } from '@nestjs/swagger';
import { STAGE_KINDS } from '../stage-kinds';

export class StageViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) pipelineId!: string;
  @ApiProperty({ maxLength: 100 }) name!: string;
  @ApiProperty({ enum: STAGE_KINDS }) kind!: string;
  @ApiProperty({ minimum: 0, maximum: 100, format: 'int32' }) probability!: number;
  @ApiProperty({ minimum: 0, format: 'int32', description: 'Board order among the active stages' })
  position!: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'Set once retired' })
  retiredAt!: string | null;
}

export class PipelineViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 100 }) name!: string;
  @ApiProperty({ minimum: 1, format: 'int32' }) version!: number;
  @ApiProperty({ type: [StageViewDto], maxItems: 30, description: 'Active stages in board order' })
  stages!: StageViewDto[];
  @ApiProperty({
    type: [StageViewDto],
    maxItems: 200,
    description: 'Retired stages: old deals and their history still name them',
  })
  retiredStages!: StageViewDto[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
