import { ApiProperty } from '@nestjs/swagger';
import { CONSENT_CHANNELS, CONSENT_PURPOSES } from '../consent.entity';

export class ConsentStateDto {
  @ApiProperty({ enum: CONSENT_CHANNELS }) channel!: string;
  @ApiProperty({ enum: CONSENT_PURPOSES }) purpose!: string;
  @ApiProperty() granted!: boolean;
  @ApiProperty({ maxLength: 100 }) source!: string;
  @ApiProperty({ format: 'date-time' }) decidedAt!: string;
}

export class ConsentHistoryEntryDto extends ConsentStateDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 200 }) recordedBy!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
}

export class PersonConsentDto {
  @ApiProperty({ type: [ConsentStateDto], maxItems: 100, description: 'The decision in force per channel and purpose' })
  current!: ConsentStateDto[];
  @ApiProperty({ type: [ConsentHistoryEntryDto], maxItems: 500, description: 'Every decision, newest first' })
  history!: ConsentHistoryEntryDto[];
}
