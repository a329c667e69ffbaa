import { ExternalIdView } from '../../external-ids/external-ids';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LIFECYCLE_STAGES } from '../person.entity';
import { PHONE_TYPES, SOCIAL_NETWORKS, SOURCE_CHANNELS } from './person.dto';

/** Response shapes of a person, for the OpenAPI document; the service returns ContactView. */
class PersonEmailView {
  @ApiProperty({ format: 'email', maxLength: 254 }) address!: string;
  @ApiProperty() primary!: boolean;
}

class PersonPhoneView {
  @ApiProperty({ maxLength: 32, example: '+33612345678', description: 'E.164' }) number!: string;
  @ApiProperty({ enum: PHONE_TYPES }) type!: string;
  @ApiProperty() primary!: boolean;
}

class PostalAddressView {
  @ApiPropertyOptional({ maxLength: 200 }) line1?: string;
  @ApiPropertyOptional({ maxLength: 200 }) line2?: string;
  @ApiPropertyOptional({ maxLength: 20 }) postalCode?: string;
  @ApiPropertyOptional({ maxLength: 100 }) city?: string;
  @ApiPropertyOptional({ maxLength: 100 }) region?: string;
  @ApiPropertyOptional({ maxLength: 2 }) country?: string;
}

class AcquisitionSourceView {
  @ApiPropertyOptional({ enum: SOURCE_CHANNELS }) channel?: string;
  @ApiPropertyOptional({ maxLength: 200 }) campaign?: string;
  @ApiPropertyOptional({ maxLength: 200 }) utmSource?: string;
  @ApiPropertyOptional({ maxLength: 200 }) utmMedium?: string;
  @ApiPropertyOptional({ maxLength: 200 }) utmCampaign?: string;
  @ApiPropertyOptional({ maxLength: 2000 }) referrer?: string;
  @ApiPropertyOptional({ format: 'date-time' }) firstTouchAt?: string;
}

class SocialProfileView {
  @ApiProperty({ enum: SOCIAL_NETWORKS }) network!: string;
  @ApiProperty({ maxLength: 100 }) handle!: string;
  @ApiPropertyOptional({ maxLength: 500 }) url?: string;
}

class PrimaryAccountView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 200 }) name!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) role!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) title!: string | null;
}

export class PersonViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ minimum: 1, format: 'int32', description: 'Also the ETag' }) version!: number;
  @ApiProperty({ enum: ['active', 'merged', 'erased'] }) status!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) mergedInto!: string | null;
  @ApiProperty({ maxLength: 100 }) firstName!: string;
  @ApiProperty({ maxLength: 100 }) lastName!: string;
  @ApiProperty({ maxLength: 201 }) displayName!: string;
  @ApiProperty({ type: [PersonEmailView], maxItems: 10 }) emails!: PersonEmailView[];
  @ApiProperty({ type: [PersonPhoneView], maxItems: 10 }) phones!: PersonPhoneView[];
  @ApiProperty({ type: String, format: 'date', nullable: true }) birthDate!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 2 }) country!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) region!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) city!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 35 }) locale!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) occupation!: string | null;
  @ApiProperty({ type: PostalAddressView, nullable: true }) address!: PostalAddressView | null;
  @ApiProperty({ enum: LIFECYCLE_STAGES }) lifecycleStage!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) ownerId!: string | null;
  @ApiProperty({ type: [String], maxItems: 50, maxLength: 50 }) tags!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Values of the /custom-fields definitions' })
  customFields!: Record<string, unknown>;
  @ApiProperty({ type: AcquisitionSourceView }) source!: AcquisitionSourceView;
  @ApiProperty({ type: [SocialProfileView], maxItems: 10 }) socialProfiles!: SocialProfileView[];
  @ApiProperty({ type: [ExternalIdView], maxItems: 20, description: 'Ids in other systems' })
  externalIds!: ExternalIdView[];
  @ApiProperty({ type: PrimaryAccountView, nullable: true, description: 'The primary account link' })
  account!: PrimaryAccountView | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
