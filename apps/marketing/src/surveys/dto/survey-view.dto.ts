import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class QuestionViewDto {
  @ApiProperty({ pattern: '^[a-z][a-z0-9_]{0,39}$', maxLength: 40 }) id!: string;
  @ApiProperty({ enum: ['nps', 'rating', 'choice', 'text'] }) kind!: string;
  @ApiProperty({ maxLength: 500 }) text!: string;
  @ApiPropertyOptional({
    type: [String],
    maxItems: 20,
    items: { type: 'string', maxLength: 200 },
    description: 'Options of a choice question',
  })
  options?: string[];
}

export class SurveyViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 200 }) name!: string;
  @ApiProperty({ type: [QuestionViewDto], maxItems: 30 }) questions!: QuestionViewDto[];
  @ApiProperty({ minimum: 1, format: 'int32' }) version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class InvitationDto {
  @ApiProperty({ format: 'uuid' }) contactId!: string;
  @ApiProperty({ format: 'uri', description: 'The answer link: only its hash is kept, so it is shown once' })
  link!: string;
}

export class InvitationsDto {
  @ApiProperty({ type: [InvitationDto], maxItems: 1000, description: 'One per distinct contact asked for' })
  items!: InvitationDto[];
}

export class NpsDto {
  @ApiProperty({ format: 'uuid' }) surveyId!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) segmentId!: string | null;
  @ApiProperty({ minimum: 0, format: 'int32' }) responses!: number;
  @ApiProperty({ minimum: 0, format: 'int32', description: 'Scores 9-10' }) promoters!: number;
  @ApiProperty({ minimum: 0, format: 'int32', description: 'Scores 7-8' }) passives!: number;
  @ApiProperty({ minimum: 0, format: 'int32', description: 'Scores 0-6' }) detractors!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: -100,
    maximum: 100,
    format: 'int32',
    description: 'Percent promoters minus percent detractors, rounded; null without responses',
  })
  nps!: number | null;
}

export class PublicSurveyDto {
  @ApiProperty({ maxLength: 200 }) name!: string;
  @ApiProperty({ type: [QuestionViewDto], maxItems: 30 }) questions!: QuestionViewDto[];
  @ApiProperty({ description: 'Whether this link was already answered (a link takes one answer)' }) answered!: boolean;
}

export class SurveyAnsweredDto {
  @ApiProperty({ format: 'uuid' }) responseId!: string;
}
