import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsISO31661Alpha2,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsNotBlank } from '../../shared/validators';

export class WorkingSpanDto {
  @ApiProperty({ minimum: 1, maximum: 7, description: 'ISO weekday: 1 Monday ... 7 Sunday' })
  @IsInt({ message: 'must be 1 (Monday) to 7 (Sunday)' })
  @Min(1, { message: 'must be 1 (Monday) to 7 (Sunday)' })
  @Max(7, { message: 'must be 1 (Monday) to 7 (Sunday)' })
  day!: number;
  @ApiProperty({ example: '09:00', maxLength: 5 }) @IsString() @MaxLength(5) start!: string;
  @ApiProperty({ example: '18:00', description: 'up to 24:00', maxLength: 5 }) @IsString() @MaxLength(5) end!: string;
}

export class CreateCalendarDto {
  @ApiProperty({ maxLength: 200 }) @IsString() @Length(1, 200) @IsNotBlank() name!: string;
  @ApiProperty({ example: 'Europe/Paris', description: 'IANA time zone', maxLength: 64 })
  @IsString()
  @MaxLength(64)
  timeZone!: string;
  @ApiProperty({ type: [WorkingSpanDto], minItems: 1, maxItems: 70 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(70)
  @ValidateNested({ each: true })
  @Type(() => WorkingSpanDto)
  hours!: WorkingSpanDto[];
  @ApiPropertyOptional({
    type: [String],
    example: ['2026-12-24'],
    maxItems: 500,
    items: { type: 'string', format: 'date', maxLength: 10 },
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { each: true, message: 'each must be a date YYYY-MM-DD' })
  holidays?: string[];
  @ApiPropertyOptional({
    example: 'FR',
    minLength: 2,
    maxLength: 2,
    description: 'Public holidays of this country (date-holidays)',
  })
  @IsOptional()
  @IsISO31661Alpha2({ message: 'must be an ISO 3166-1 alpha-2 country code' })
  holidayCountry?: string;
  @ApiPropertyOptional({ example: 'BY', maxLength: 10 })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  holidayRegion?: string;
}

export class CreateSlaPolicyDto {
  @ApiProperty({ maxLength: 200 }) @IsString() @Length(1, 200) @IsNotBlank() name!: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID(undefined, { message: 'must be a UUID' }) calendarId!: string;
  @ApiProperty({ enum: ['low', 'normal', 'high', 'urgent'] })
  @Matches(/^(low|normal|high|urgent)$/, { message: 'must be one of low, normal, high, urgent' })
  priority!: string;
  @ApiPropertyOptional({ enum: ['email', 'phone', 'web', 'chat', 'social'] })
  @IsOptional()
  @Matches(/^(email|phone|web|chat|social)$/, { message: 'must be one of email, phone, web, chat, social' })
  channel?: string;
  @ApiPropertyOptional({ maxLength: 50 }) @IsOptional() @IsString() @MaxLength(50) accountTier?: string;
  @ApiPropertyOptional({ description: 'Business minutes', minimum: 1, maximum: 525600 })
  @IsOptional()
  @IsInt({ message: 'must be whole business minutes, 1 to 525600' })
  @Min(1, { message: 'must be whole business minutes, 1 to 525600' })
  @Max(525600, { message: 'must be whole business minutes, 1 to 525600' })
  firstResponseMinutes?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 525600 })
  @IsOptional()
  @IsInt({ message: 'must be whole business minutes, 1 to 525600' })
  @Min(1, { message: 'must be whole business minutes, 1 to 525600' })
  @Max(525600, { message: 'must be whole business minutes, 1 to 525600' })
  nextResponseMinutes?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 525600 })
  @IsOptional()
  @IsInt({ message: 'must be whole business minutes, 1 to 525600' })
  @Min(1, { message: 'must be whole business minutes, 1 to 525600' })
  @Max(525600, { message: 'must be whole business minutes, 1 to 525600' })
  resolutionMinutes?: number;
  @ApiPropertyOptional({
    default: 80,
    minimum: 1,
    maximum: 100,
    description: 'Warn at this share of a target (100: never)',
  })
  @IsOptional()
  @IsInt({ message: 'must be a whole percentage, 1 to 100' })
  @Min(1, { message: 'must be a whole percentage, 1 to 100' })
  @Max(100, { message: 'must be a whole percentage, 1 to 100' })
  warnAtPercent?: number;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() pauseOnPending?: boolean;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() pauseOnHold?: boolean;
}

export class IdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID(undefined, { message: 'must be a UUID' }) id!: string;
}
