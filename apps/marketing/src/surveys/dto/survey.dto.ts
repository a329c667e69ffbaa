import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';

export class QuestionDto {
  @ApiProperty({ pattern: '^[a-z][a-z0-9_]{0,39}$', maxLength: 40 })
  @Matches(/^[a-z][a-z0-9_]{0,39}$/, { message: 'must be a short key: lower-case letters, digits, "_"' })
  id!: string;

  @ApiProperty({ enum: ['nps', 'rating', 'choice', 'text'] })
  @IsIn(['nps', 'rating', 'choice', 'text'])
  kind!: 'nps' | 'rating' | 'choice' | 'text';

  @ApiProperty({ minLength: 1, maxLength: 500 }) @IsString() @Length(1, 500) text!: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: 20,
    items: { type: 'string', minLength: 1, maxLength: 200 },
    description: 'Options of a choice question',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  options?: string[];
}

export class CreateSurveyDto {
  @ApiProperty({ minLength: 1, maxLength: 200 }) @IsString() @Length(1, 200) name!: string;

  @ApiProperty({ type: [QuestionDto], minItems: 1, maxItems: 30 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => QuestionDto)
  questions!: QuestionDto[];
}

export class InviteDto {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: 1000 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true, message: 'each must be a UUID' })
  contactIds!: string[];
}

export class AnswerDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'question id -> answer: 0-10 (nps), 1-5 (rating), one of the options (choice), text up to 5000',
  })
  @IsObject()
  answers!: Record<string, unknown>;
}

export class TokenParams {
  @ApiProperty({ pattern: '^[A-Za-z0-9_-]{43}$', maxLength: 43, description: 'The token of the answer link' })
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'is not a survey link' })
  token!: string;
}

export class NpsQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only answers of this segment’s members' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  segmentId?: string;
}
