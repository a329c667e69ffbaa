import { ExternalIdView } from '../../external-ids/external-ids';
import { ApiProperty } from '@nestjs/swagger';
import { LIFECYCLE_STAGES } from '../../people/person.entity';
import { SIZE_BANDS } from '../account.entity';

export class AccountViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 200 }) name!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 253 }) domain!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) industry!: string | null;
  @ApiProperty({ type: String, nullable: true, enum: SIZE_BANDS }) sizeBand!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 2 }) country!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) city!: string | null;
  @ApiProperty({ minimum: 1, format: 'int32' }) version!: number;
  @ApiProperty({ type: [ExternalIdView], maxItems: 20, description: 'Ids in other systems' })
  externalIds!: ExternalIdView[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

/** A person linked to an account. */
export class AccountPersonDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 201 }) displayName!: string;
  @ApiProperty({ enum: LIFECYCLE_STAGES }) lifecycleStage!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) role!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) title!: string | null;
  @ApiProperty() primary!: boolean;
}
