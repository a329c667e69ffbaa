import { ApiProperty } from '@nestjs/swagger';
import { TicketSummaryDto } from '../../tickets/dto/ticket-view.dto';

export class AssetDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) version!: number;
  @ApiProperty({ enum: ['active', 'retired'] }) status!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The customer' })
  contactId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) accountId!: string | null;
  @ApiProperty({ format: 'uuid', description: 'The sales order it came from' }) orderId!: string;
  @ApiProperty({ format: 'uuid' }) orderLineId!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) productId!: string | null;
  @ApiProperty({ type: String, nullable: true }) sku!: string | null;
  @ApiProperty({ description: 'The product model' }) model!: string;
  @ApiProperty({ type: String, nullable: true }) serialNumber!: string | null;
  @ApiProperty({ format: 'date-time' }) boughtAt!: string;
  @ApiProperty({ description: "The order's sales channel" }) channel!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'null: no warranty known' })
  warrantyEndsAt!: string | null;
  @ApiProperty({ type: String, nullable: true, enum: ['cancelled', 'refunded'] }) retiredReason!: string | null;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Which unit of the order line (one asset per unit)' })
  unitNo!: number;
  @ApiProperty({ description: 'Active with a warranty end in the future' }) underWarranty!: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) retiredAt!: string | null;
}

export class AssetWithTicketsDto extends AssetDto {
  @ApiProperty({
    type: [TicketSummaryDto],
    maxItems: 200,
    description: 'Every ticket about it, newest first (200 at most)',
  })
  tickets!: TicketSummaryDto[];
}

export class WarrantyDto {
  @ApiProperty({ format: 'uuid' }) productId!: string;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 600, description: 'Warranty length in months' }) months!: number;
}
