import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AGREEMENT_STATUSES } from '../agreement-status';
import { AGREEMENT_PURPOSES, SHAREABLE_FIELDS } from '../shareable-fields';

/** What partners, agreements and their audit answer (partners.repository's views, partners.service's trail). */

export const PURPOSES_PROPERTY = {
  enum: AGREEMENT_PURPOSES,
  isArray: true,
  maxItems: AGREEMENT_PURPOSES.length,
} as const;
export const FIELDS_PROPERTY = { enum: SHAREABLE_FIELDS, isArray: true, maxItems: SHAREABLE_FIELDS.length } as const;

export class PartnerViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 200 }) name!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) contactName!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 254 }) contactEmail!: string | null;
  @ApiProperty({ maxLength: 500, description: "The partner suite's marketing origin, without a trailing slash" })
  baseUrl!: string;
  @ApiProperty({ type: 'integer', minimum: 1, format: 'int32' }) version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class AgreementViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) partnerId!: string;
  @ApiProperty({ format: 'uuid', description: 'The id both suites know the agreement by (signed in every request)' })
  exchangeId!: string;
  @ApiProperty({ maxLength: 200 }) name!: string;
  @ApiProperty(PURPOSES_PROPERTY) purposes!: string[];
  @ApiProperty(FIELDS_PROPERTY) fields!: string[];
  @ApiProperty({ format: 'date-time' }) validFrom!: string;
  @ApiProperty({ format: 'date-time', description: 'End of validity (exclusive)' }) validUntil!: string;
  @ApiProperty({ type: 'integer', minimum: 2, maximum: 1_000_000, description: 'The k-anonymity threshold' })
  minAudienceSize!: number;
  @ApiProperty({ enum: AGREEMENT_STATUSES }) status!: string;
  @ApiProperty({ description: 'Active and inside its validity period: data may move' }) inForce!: boolean;
  @ApiProperty({ type: 'integer', minimum: 1, format: 'int32' }) version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CreatedAgreementDto extends AgreementViewDto {
  @ApiPropertyOptional({
    minLength: 43,
    maxLength: 43,
    pattern: '^[A-Za-z0-9_-]{43}$',
    description:
      'The new shared key (base64url), answered this once to be given to the partner out of band; absent when the partner gave it',
  })
  sharedKey?: string;
}

export class AgreementListDto {
  @ApiProperty({ type: [AgreementViewDto], maxItems: 200, description: 'Newest first, at most 200' })
  items!: AgreementViewDto[];
}

export class AuditEntryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['partner', 'agreement'] }) entity!: string;
  @ApiProperty({ format: 'uuid' }) entityId!: string;
  @ApiProperty({ enum: ['created', 'updated', 'activate', 'suspend', 'terminate'] }) action!: string;
  @ApiProperty({ description: 'Who made the change (the token subject)' }) actor!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: {},
    description:
      'created: `{ after: <view> }`; updated: `{ <field>: { from, to } }` for each field that changed; a transition: `{ status: { from, to } }`',
  })
  changes!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class AuditTrailDto {
  @ApiProperty({ type: [AuditEntryDto], maxItems: 1000, description: 'Oldest first, at most 1,000' })
  items!: AuditEntryDto[];
}
