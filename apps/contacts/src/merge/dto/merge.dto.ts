import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class MergeDto {
  @ApiProperty({
    format: 'uuid',
    description: 'The contact folded into this one; it becomes merged and answers 410 from then on',
  })
  @IsUUID(undefined, { message: 'must be a UUID' })
  sourceId!: string;
}
