import { ApiProperty } from '@nestjs/swagger';
import { COUNT, DAY, MAX_GROUPS, RATIO, UUID } from '../../shared/answer-schema';

export class LifecycleStepDto {
  @ApiProperty({ type: String, maxLength: 32 }) stage!: string;
  @ApiProperty({ ...COUNT, description: 'Contacts of the range that reached the stage' }) reached!: number;
  @ApiProperty({ ...RATIO, nullable: true, description: 'null for the last step or when none reached it' })
  conversionToNext!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'null for the last step or when none went on' })
  medianDaysToNext!: number | null;
}

export class LifecycleFunnelDto {
  @ApiProperty(DAY) from!: string;
  @ApiProperty(DAY) to!: string;
  @ApiProperty({ type: [LifecycleStepDto], maxItems: 10, description: 'In the order of the stages asked for' })
  steps!: LifecycleStepDto[];
}

export class DealStageStepDto {
  @ApiProperty(UUID) stageId!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) name!: string | null;
  @ApiProperty(COUNT) entered!: number;
  @ApiProperty({ ...RATIO, nullable: true, description: 'null for the last stage' }) conversionToNext!: number | null;
  @ApiProperty({ type: Number, nullable: true }) medianSecondsInStage!: number | null;
}

export class PipelineFunnelDto {
  @ApiProperty(UUID) pipelineId!: string;
  @ApiProperty({ ...COUNT, description: 'Deals created in the range' }) deals!: number;
  @ApiProperty(COUNT) won!: number;
  @ApiProperty({ ...RATIO, nullable: true }) wonRate!: number | null;
  @ApiProperty({
    type: [DealStageStepDto],
    maxItems: MAX_GROUPS,
    description: 'By win probability, then by when deals first entered it',
  })
  stages!: DealStageStepDto[];
}

export class DealFunnelDto {
  @ApiProperty(DAY) from!: string;
  @ApiProperty(DAY) to!: string;
  @ApiProperty({ type: [PipelineFunnelDto], maxItems: MAX_GROUPS }) pipelines!: PipelineFunnelDto[];
}
