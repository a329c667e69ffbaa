import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class ErasureDto {
  @ApiPropertyOptional({ maxLength: 500, example: 'GDPR art. 17 request of 2026-05-01' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}
