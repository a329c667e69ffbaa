import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, MaxLength, Min } from 'class-validator';
import { MARKETING_CHANNELS, type MarketingChannel } from '@crm/contracts';

export class CreateTemplateDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ enum: MARKETING_CHANNELS })
  @IsIn(MARKETING_CHANNELS as string[])
  channel!: MarketingChannel;

  @ApiPropertyOptional({ maxLength: 300, description: 'Email subject (Liquid)' })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  subject?: string;

  @ApiProperty({ minLength: 1, maxLength: 200_000, description: 'HTML for email, text for SMS/social (Liquid)' })
  @IsString()
  @Length(1, 200_000)
  body!: string;

  @ApiPropertyOptional({
    maxLength: 100_000,
    description: 'Plain-text part of an email; derived from the HTML if absent',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100_000)
  textBody?: string;
}

export class UpdateTemplateDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ maxLength: 300 })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  subject?: string;

  @ApiPropertyOptional({ maxLength: 200_000 })
  @IsOptional()
  @IsString()
  @Length(1, 200_000)
  body?: string;

  @ApiPropertyOptional({ maxLength: 100_000 })
  @IsOptional()
  @IsString()
  @MaxLength(100_000)
  textBody?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class PreviewTemplateDto {
  @ApiProperty({ format: 'uuid', description: 'The contact to render it for' })
  @IsUUID('all', { message: 'must be a UUID' })
  contactId!: string;
}
