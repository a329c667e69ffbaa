import { ApiProperty } from '@nestjs/swagger';
import { CUSTOM_FIELD_TYPES } from '../custom-field-definition.entity';

export class CustomFieldDefinitionDto {
  @ApiProperty({ pattern: '^[a-z][a-z0-9_]{0,39}$', maxLength: 40 }) key!: string;
  @ApiProperty({ maxLength: 100 }) label!: string;
  @ApiProperty({ enum: CUSTOM_FIELD_TYPES }) type!: string;
  @ApiProperty() required!: boolean;
  @ApiProperty({ type: [String], nullable: true, maxItems: 100, maxLength: 100 }) options!: string[] | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) pattern!: string | null;
  @ApiProperty({ type: Number, nullable: true, format: 'int32', minimum: 1, maximum: 10000 }) maxLength!: number | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
