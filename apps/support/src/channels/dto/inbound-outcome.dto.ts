import { ApiProperty } from '@nestjs/swagger';

export class InboundOutcomeDto {
  @ApiProperty({ format: 'uuid' }) ticketId!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) messageId!: string | null;
  @ApiProperty({ description: 'A new ticket (not a reply on an open one)' }) created!: boolean;
  @ApiProperty({ description: 'A replay of a message id already received: nothing was created' }) duplicate!: boolean;
}
