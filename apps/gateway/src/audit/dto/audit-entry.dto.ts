import { ApiProperty } from '@nestjs/swagger';

export class AuditEntryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ maxLength: 200 }) requestId!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 200, description: 'A user id or api-key:<id>' }) subject!:
    | string
    | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) subjectName!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 20, example: 'user' }) kind!: string | null;
  @ApiProperty({ maxLength: 10, example: 'POST' }) method!: string;
  @ApiProperty({ maxLength: 2048 }) path!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 50 }) service!: string | null;
  @ApiProperty({ type: Number, nullable: true, format: 'int32', minimum: 100, maximum: 599 }) status!: number | null;
  @ApiProperty({ type: Number, nullable: true, format: 'int32', minimum: 0, maximum: 2147483647 }) durationMs!:
    | number
    | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 45 }) clientIp!: string | null;
  @ApiProperty({ maxLength: 20, description: 'How the write ended' }) outcome!: string;
}
