import { ApiProperty } from '@nestjs/swagger';

export class PriceBookViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ minimum: 1, format: 'int32' }) version!: number;
  @ApiProperty({ maxLength: 100 }) name!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date' }) validFrom!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date' }) validTo!: string | null;
  @ApiProperty({ description: "The currency's default book: quotes without a book use it" }) isDefault!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class PriceViewDto {
  @ApiProperty({ format: 'uuid' }) productId!: string;
  @ApiProperty() sku!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ minimum: 0, description: 'Minor units of the book currency' }) unitPriceMinor!: number;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
