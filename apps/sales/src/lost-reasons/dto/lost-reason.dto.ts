import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { IsNotBlank } from '../../shared/validators';

export class CreateLostReasonDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Price too high' })
  @IsString()
  @Length(1, 100)
  @IsNotBlank()
  label!: string;
}

export class UpdateLostReasonDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @IsNotBlank()
  label?: string;

  @ApiPropertyOptional({ description: 'false retires it: deals keep it, new losses cannot pick it' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class LostReasonListQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Retired reasons too (default false)' })
  @IsOptional()
  @IsIn(['true', 'false'])
  @Transform(({ value }: { value: unknown }) => value)
  includeInactive?: string;
}

export class LostReasonIdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID(undefined, { message: 'must be a UUID' }) id!: string;
}

export class LostReasonViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 100 }) label!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
