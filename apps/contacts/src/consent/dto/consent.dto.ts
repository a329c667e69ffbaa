import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsISO8601, IsOptional, IsString, Length } from 'class-validator';
import { CONSENT_CHANNELS, CONSENT_PURPOSES } from '../consent.entity';

export class ConsentDecisionDto {
  @ApiProperty({ enum: CONSENT_CHANNELS }) @IsIn(CONSENT_CHANNELS) channel!: string;
  @ApiProperty({ enum: CONSENT_PURPOSES }) @IsIn(CONSENT_PURPOSES) purpose!: string;
  @ApiProperty({ description: 'true grants, false withdraws' }) @IsBoolean() granted!: boolean;

  @ApiProperty({
    maxLength: 100,
    example: 'web-form',
    description: 'Where the decision was made: web form, call, signed paper...',
  })
  @IsString()
  @Length(1, 100)
  source!: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the person decided; defaults to now, never in the future',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  decidedAt?: string;
}
