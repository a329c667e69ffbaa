import { ApiProperty } from '@nestjs/swagger';

export class ApiKeyViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 100 }) name!: string;
  @ApiProperty({ maxLength: 20, description: 'The first characters of the key, to recognise it' }) prefix!: string;
  @ApiProperty({ type: [String], maxItems: 50, maxLength: 100, example: ['contacts:read'] }) scopes!: string[];
  @ApiProperty({ maxLength: 200 }) createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastUsedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt!: string | null;
}

export class CreatedApiKeyDto extends ApiKeyViewDto {
  @ApiProperty({ maxLength: 100, description: 'The key itself, shown in this answer only' }) key!: string;
}
