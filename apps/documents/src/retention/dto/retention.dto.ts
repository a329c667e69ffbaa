import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';

export class RetentionPolicyDto {
  @ApiProperty({ minimum: 0, maximum: 36500, description: 'Days to keep' })
  @IsInt({ message: 'must be a whole number of days' })
  @Min(0)
  @Max(36500)
  keepDays!: number;

  @ApiProperty({ enum: ['created', 'unlinked'], description: 'Counted from creation, or from the last link removed' })
  @IsIn(['created', 'unlinked'])
  basis!: 'created' | 'unlinked';

  @ApiProperty({ enum: ['delete', 'review'] })
  @IsIn(['delete', 'review'])
  action!: 'delete' | 'review';
}

export class PolicyTypeParams {
  @ApiProperty({ example: 'contract' })
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{0,59}$/, { message: 'must be a lower-case type name such as contract' })
  type!: string;
}

export class RetentionPolicyViewDto extends RetentionPolicyDto {
  @ApiProperty() documentType!: string;
  @ApiProperty() version!: number;
  @ApiProperty() updatedBy!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
