import { ApiProperty } from '@nestjs/swagger';

class ErasureParticipantDto {
  @ApiProperty({ maxLength: 50, example: 'analytics' }) service!: string;
  @ApiProperty({ enum: ['pending', 'completed'] }) status!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt!: string | null;
  @ApiProperty({ format: 'int32', minimum: 0, maximum: 2147483647, description: 'Records anonymised or deleted' })
  records!: number;
  @ApiProperty({
    format: 'int32',
    minimum: 0,
    maximum: 2147483647,
    description: 'Contacts of the request it has confirmed',
  })
  confirmed!: number;
}

export class ErasureStatusDto {
  @ApiProperty({ format: 'uuid' }) requestId!: string;
  @ApiProperty({ format: 'uuid' }) contactId!: string;
  @ApiProperty({
    type: [String],
    format: 'uuid',
    maxItems: 1000,
    description: 'That contact and every contact merged into it',
  })
  contactIds!: string[];
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiProperty({ type: [ErasureParticipantDto], maxItems: 50 }) participants!: ErasureParticipantDto[];
  @ApiProperty() complete!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt!: string | null;
}
