import { ApiProperty } from '@nestjs/swagger';

export class MissingPartDto {
  @ApiProperty({ maxLength: 50, example: 'analytics' }) part!: string;
  @ApiProperty({ enum: ['timeout', 'unavailable', 'failed', 'forbidden'] }) reason!: string;
}

class CustomerRecordDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The person as GET /api/v1/contacts/{id} shows it',
  })
  person!: Record<string, unknown>;

  @ApiProperty({
    type: 'array',
    maxItems: 100,
    items: { type: 'object', additionalProperties: true },
    description: 'Consent in force',
  })
  consent!: Record<string, unknown>[];

  @ApiProperty({
    type: 'array',
    maxItems: 10,
    items: { type: 'object', additionalProperties: true },
    description: 'The 10 latest activities',
  })
  recentActivities!: Record<string, unknown>[];
}

export class Customer360Dto {
  @ApiProperty({ type: CustomerRecordDto }) customer!: CustomerRecordDto;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'One entry per other service part, e.g. analytics',
  })
  parts!: Record<string, unknown>;

  @ApiProperty({ type: [MissingPartDto], maxItems: 50 }) missing!: MissingPartDto[];
}
