import { ApiProperty } from '@nestjs/swagger';

export class WorkingSpanViewDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 7, description: 'ISO weekday: 1 Monday ... 7 Sunday' })
  day!: number;
  @ApiProperty({ maxLength: 5, example: '09:00' }) start!: string;
  @ApiProperty({ maxLength: 5, example: '18:00' }) end!: string;
}

export class CalendarDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 200 }) name!: string;
  @ApiProperty({ maxLength: 64, example: 'Europe/Paris', description: 'IANA time zone' }) timeZone!: string;
  @ApiProperty({ type: [WorkingSpanViewDto], maxItems: 70 }) hours!: WorkingSpanViewDto[];
  @ApiProperty({
    type: [String],
    maxItems: 500,
    items: { type: 'string', format: 'date' },
    description: 'Explicit closed dates, sorted',
  })
  holidays!: string[];
  @ApiProperty({ type: String, nullable: true, minLength: 2, maxLength: 2, example: 'FR' })
  holidayCountry!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 10 }) holidayRegion!: string | null;
  @ApiProperty({ type: 'integer', minimum: 1 }) version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class SlaPolicyDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 200 }) name!: string;
  @ApiProperty({ format: 'uuid' }) calendarId!: string;
  @ApiProperty({ enum: ['low', 'normal', 'high', 'urgent'] }) priority!: string;
  @ApiProperty({ type: String, nullable: true, enum: ['email', 'phone', 'web', 'chat', 'social'] })
  channel!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 50 }) accountTier!: string | null;
  @ApiProperty({ type: 'integer', nullable: true, minimum: 1, maximum: 525600, description: 'Business minutes' })
  firstResponseMinutes!: number | null;
  @ApiProperty({ type: 'integer', nullable: true, minimum: 1, maximum: 525600 }) nextResponseMinutes!: number | null;
  @ApiProperty({ type: 'integer', nullable: true, minimum: 1, maximum: 525600 }) resolutionMinutes!: number | null;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 100 }) warnAtPercent!: number;
  @ApiProperty() pauseOnPending!: boolean;
  @ApiProperty() pauseOnHold!: boolean;
  @ApiProperty({ type: 'integer', minimum: 1 }) version!: number;
}
