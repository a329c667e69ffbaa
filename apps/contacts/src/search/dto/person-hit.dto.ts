import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LIFECYCLE_STAGES } from '../../people/person.entity';

export class PersonHitDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 201 }) displayName!: string;
  @ApiProperty({ type: String, nullable: true, format: 'email', maxLength: 254 }) primaryEmail!: string | null;
  @ApiProperty({ enum: LIFECYCLE_STAGES }) lifecycleStage!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 2 }) country!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) city!: string | null;
  @ApiProperty({ type: [String], maxItems: 50, maxLength: 50 }) tags!: string[];
  @ApiProperty({ type: String, nullable: true, maxLength: 50 }) sourceChannel!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) ownerId!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) accountName!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ format: 'float', minimum: 0, maximum: 1000, description: 'Relevance, with q' }) score?: number;
}

export class DuplicateSuggestionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 201 }) displayName!: string;
  @ApiProperty({ format: 'float', minimum: 0, maximum: 1, description: 'Trigram similarity of the names' })
  nameSimilarity!: number;
  @ApiProperty() sharedPhone!: boolean;
  @ApiProperty() sameAccount!: boolean;
}
