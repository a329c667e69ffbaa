import { ApiProperty } from '@nestjs/swagger';
import { ACTIVITY_TYPES } from '../activity.entity';

export class ActivitySummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ACTIVITY_TYPES }) type!: string;
  @ApiProperty({ maxLength: 200 }) subject!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 20000 }) body!: string | null;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ type: Number, nullable: true, format: 'int32', minimum: 0, maximum: 1440 }) durationMinutes!:
    | number
    | null;
  @ApiProperty({ maxLength: 200, description: 'Who logged it' }) actor!: string;
}

export class ActivityViewDto extends ActivitySummaryDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) personId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) accountId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class TimelineEntryDto {
  @ApiProperty({ enum: ['activity', 'consent'] }) kind!: string;
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ maxLength: 100, description: 'Activity type, or the consent channel and purpose' }) type!: string;
  @ApiProperty({ maxLength: 200 }) subject!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 20000 }) body!: string | null;
  @ApiProperty({ maxLength: 200 }) actor!: string;
}
