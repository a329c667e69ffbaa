import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export { ImportStatusDto } from '@crm/bulk';

export class ImportMappingAnswerDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id!: string;
  @ApiProperty({ maxLength: 100 }) name!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: 53 },
    maxProperties: 500,
    description: 'CSV header -> field',
  })
  columns!: Record<string, string>;
  @ApiPropertyOptional({ maxLength: 50 }) externalSource?: string;
  @ApiPropertyOptional({ maxLength: 3 }) tagSeparator?: string;
  @ApiPropertyOptional({ maxLength: 100 }) consentSource?: string;
}
