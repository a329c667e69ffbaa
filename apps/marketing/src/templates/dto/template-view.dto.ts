import { ApiProperty } from '@nestjs/swagger';
import { MARKETING_CHANNELS } from '@crm/contracts';

export class TemplateViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 200 }) name!: string;
  @ApiProperty({ enum: MARKETING_CHANNELS }) channel!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 300, description: 'Email subject (Liquid)' })
  subject!: string | null;
  @ApiProperty({ maxLength: 200_000, description: 'HTML for email, text for SMS/social (Liquid)' }) body!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 100_000, description: 'Plain-text part, if given' })
  textBody!: string | null;
  @ApiProperty({
    type: [String],
    description: 'The variables the template uses (contact.firstName, coupon.code, ...), sorted',
  })
  variables!: string[];
  @ApiProperty({ minimum: 1, format: 'int32' }) version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class RenderedTemplateDto {
  @ApiProperty({ type: String, nullable: true, description: 'The rendered subject; null without one' })
  subject!: string | null;
  @ApiProperty({ description: 'The rendered body (HTML for email)' }) html!: string;
  @ApiProperty({ description: 'The plain-text part: rendered, or derived from the HTML' }) text!: string;
}
