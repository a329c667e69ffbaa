import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  MaxLength,
} from 'class-validator';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'nightly export', minLength: 1, maxLength: 100, description: 'What the key is for' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({
    type: [String],
    minItems: 1,
    maxItems: 50,
    minLength: 1,
    maxLength: 100,
    example: ['contacts:read'],
    description:
      'Permissions the key grants: area:action (actions read, write, admin), area:*, *:action or *, with a known area; you can grant only permissions you hold',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  scopes!: string[];

  @ApiPropertyOptional({
    example: '2027-01-31T00:00:00Z',
    format: 'date-time',
    maxLength: 35,
    description: 'When the key stops working (in the future); none: it does not expire',
  })
  @IsOptional()
  @MaxLength(35)
  @IsISO8601({ strict: true })
  expiresAt?: string;
}
