import { ApiProperty } from '@nestjs/swagger';

export class ProductViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ minimum: 1, format: 'int32' }) version!: number;
  @ApiProperty({ maxLength: 64 }) sku!: string;
  @ApiProperty({ maxLength: 200 }) name!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) model!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) category!: string | null;
  @ApiProperty({ maxLength: 32 }) unit!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
