import { ApiProperty } from '@nestjs/swagger';

class DealContactDto {
  @ApiProperty({ type: String, nullable: true, maxLength: 300 }) displayName!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 320 }) primaryEmail!: string | null;
}

class DealSourceViewDto {
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) campaign!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) channel!: string | null;
}

class LostReasonRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 100 }) label!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 2000 }) note!: string | null;
}

export class DealViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ minimum: 1, format: 'int32' }) version!: number;
  @ApiProperty({ maxLength: 200 }) name!: string;
  @ApiProperty({ format: 'uuid' }) pipelineId!: string;
  @ApiProperty({ format: 'uuid' }) stageId!: string;
  @ApiProperty({ maxLength: 100 }) stageName!: string;
  @ApiProperty({ minimum: 0, maximum: 100, format: 'int32' }) probability!: number;
  @ApiProperty({ enum: ['open', 'won', 'lost'] }) status!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) contactId!: string | null;
  @ApiProperty({
    type: DealContactDto,
    nullable: true,
    description: "The contact's name and email as sales' local copy has them (fed by contacts events)",
  })
  contact!: DealContactDto | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) accountId!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) ownerId!: string | null;
  @ApiProperty({ format: 'int64', description: 'Minor units' }) amountMinor!: number;
  @ApiProperty({ minLength: 3, maxLength: 3 }) currency!: string;
  @ApiProperty({ format: 'int32', description: 'Decimals of the minor unit' }) currencyDigits!: number;
  @ApiProperty({ type: String, nullable: true, format: 'date' }) expectedCloseDate!: string | null;
  @ApiProperty({ type: DealSourceViewDto }) source!: DealSourceViewDto;
  @ApiProperty({ type: [String], maxItems: 20, items: { type: 'string', maxLength: 50 } }) tags!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true }) customFields!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) stageEnteredAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'When it was won or lost' })
  closedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200, description: 'Who won or lost it' })
  closedBy!: string | null;
  @ApiProperty({ type: LostReasonRefDto, nullable: true }) lostReason!: LostReasonRefDto | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) createdBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class StageMoveDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'null for the stage it was created in' })
  fromStageId!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) fromStageName!: string | null;
  @ApiProperty({ format: 'uuid' }) toStageId!: string;
  @ApiProperty({ maxLength: 100 }) toStageName!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) movedBy!: string | null;
  @ApiProperty({ format: 'date-time' }) movedAt!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'Seconds it spent in the stage it left' })
  secondsInFromStage!: number | null;
  @ApiProperty({
    description: 'Seconds in the stage it moved to: until the next move, or until now for the current one',
  })
  secondsInStage!: number;
  @ApiProperty() current!: boolean;
  @ApiProperty() reopened!: boolean;
}

export class StageHistoryDto {
  @ApiProperty({ type: [StageMoveDto], maxItems: 1000, description: 'Oldest first (at most 1000)' })
  items!: StageMoveDto[];
}
