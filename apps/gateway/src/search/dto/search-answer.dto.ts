import { ApiProperty } from '@nestjs/swagger';
import { MissingPartDto } from '../../customers/dto/customer-360.dto';

export class SearchAnswerDto {
  @ApiProperty({ maxLength: 200 }) q!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', maxItems: 50, items: { type: 'object', additionalProperties: true } },
    description: 'Hits grouped by kind (contact, account, ...), in the order each service ranked them',
  })
  results!: Record<string, unknown[]>;

  @ApiProperty({ type: [MissingPartDto], maxItems: 50 }) missing!: MissingPartDto[];
}
