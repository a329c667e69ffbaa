import { ApiProperty } from '@nestjs/swagger';

export class CsatResultDto {
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The agent or team; null: none' })
  id!: string | null;
  @ApiProperty({ type: 'integer', minimum: 1 }) answers!: number;
  @ApiProperty({ minimum: 1, maximum: 5, description: 'Average score, 2 decimals' }) average!: number;
}

export class CsatResultsDto {
  @ApiProperty({ enum: ['agent', 'team'] }) by!: string;
  @ApiProperty({ type: [CsatResultDto], description: 'One per agent or team with answers' }) items!: CsatResultDto[];
}

export class CsatSurveyDto {
  @ApiProperty({ type: 'integer', minimum: 1 }) ticketNumber!: number;
  @ApiProperty({ maxLength: 300 }) subject!: string;
  @ApiProperty() answered!: boolean;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

export class CsatAnswerViewDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5 }) score!: number;
  @ApiProperty({ format: 'date-time' }) answeredAt!: string;
}
