import { ApiProperty } from '@nestjs/swagger';
import { COUNT, DAY, MAX_GROUPS, MAX_MONTHS, MONTH, RATIO } from '../../shared/answer-schema';

class MedianSecondsDto {
  @ApiProperty({ type: Number, nullable: true, description: 'Median, calendar seconds' }) calendar!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Median, business seconds' }) business!: number | null;
}

class CsatDto {
  @ApiProperty({ type: Number, nullable: true }) average!: number | null;
  @ApiProperty(COUNT) answers!: number;
}

class SupportFiguresDto {
  @ApiProperty(COUNT) tickets!: number;
  @ApiProperty({ type: MedianSecondsDto }) firstResponseSeconds!: MedianSecondsDto;
  @ApiProperty({ type: MedianSecondsDto }) resolutionSeconds!: MedianSecondsDto;
  @ApiProperty(RATIO) slaBreachRate!: number;
  @ApiProperty({ ...COUNT, description: 'Unsolved at the end of the range' }) backlog!: number;
  @ApiProperty({ ...RATIO, nullable: true }) reopenRate!: number | null;
  @ApiProperty({ type: CsatDto }) csat!: CsatDto;
}

export class SupportGroupDto extends SupportFiguresDto {
  @ApiProperty({ type: String, maxLength: 50, description: 'Team or agent id, priority or channel; `none` for none' })
  key!: string;
}

export class SupportMonthDto extends SupportFiguresDto {
  @ApiProperty(MONTH) month!: string;
}

export class SupportKpisDto {
  @ApiProperty(DAY) from!: string;
  @ApiProperty(DAY) to!: string;
  @ApiProperty({ enum: ['team', 'agent', 'priority', 'channel'] }) by!: string;
  @ApiProperty({ type: [SupportGroupDto], maxItems: MAX_GROUPS }) groups!: SupportGroupDto[];
  @ApiProperty({ type: [SupportMonthDto], maxItems: MAX_MONTHS }) series!: SupportMonthDto[];
}
