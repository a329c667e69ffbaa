import { ApiProperty } from '@nestjs/swagger';

export class SegmentBuildDto {
  @ApiProperty({ enum: ['building', 'ready'] }) status!: string;
  @ApiProperty({ minimum: 1, format: 'int32', description: 'Bumped by each change of the definition' })
  definitionVersion!: number;
  @ApiProperty({ minimum: 0, format: 'int32', description: 'The definition version the members reflect' })
  builtVersion!: number;
  @ApiProperty({ minimum: 0, format: 'int32', description: 'Contacts evaluated so far by the running build' })
  done!: number;
  @ApiProperty({ minimum: 0, format: 'int32', description: 'Contacts the running build evaluates' })
  total!: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) startedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) builtAt!: string | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    format: 'int32',
    description: 'How long the last build took',
  })
  tookMs!: number | null;
}

export class SegmentViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 200 }) name!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 2000 }) description!: string | null;
  @ApiProperty({ enum: ['dynamic', 'static'] }) kind!: string;
  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: {},
    description:
      'The filter tree of a dynamic segment (as given; at most 6 levels, 100 conditions); null for a static one',
  })
  definition!: Record<string, unknown> | null;
  @ApiProperty({ minimum: 1, format: 'int32' }) version!: number;
  @ApiProperty({ minimum: 0, format: 'int32' }) members!: number;
  @ApiProperty({ type: SegmentBuildDto }) build!: SegmentBuildDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class SegmentSampleDto {
  @ApiProperty({ format: 'uuid' }) contactId!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 201 }) displayName!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 2 }) country!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 50 }) lifecycleStage!: string | null;
}

export class SegmentPreviewDto {
  @ApiProperty({ minimum: 0, format: 'int32', description: 'Active contacts the definition holds now' })
  count!: number;
  @ApiProperty({ type: [SegmentSampleDto], maxItems: 50 }) sample!: SegmentSampleDto[];
}

export class SegmentMemberDto {
  @ApiProperty({ format: 'uuid' }) contactId!: string;
  @ApiProperty({ format: 'date-time' }) enteredAt!: string;
}
