import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class ContactIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be a UUID' })
  contactId!: string;
}
