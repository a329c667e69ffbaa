import { ApiProperty } from '@nestjs/swagger';
import { SALES_QUOTE_STATUSES } from '@crm/contracts';
import { BillingViewDto } from '../../orders/dto/order-view.dto';

export class QuoteLineViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ minimum: 1 }) lineNo!: number;
  @ApiProperty({ format: 'uuid' }) productId!: string;
  @ApiProperty() sku!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) model!: string | null;
  @ApiProperty({ type: [String], description: 'Always empty on a quote' }) serialNumbers!: string[];
  @ApiProperty({ minimum: 1 }) quantity!: number;
  @ApiProperty({ minimum: 0 }) unitPriceMinor!: number;
  @ApiProperty({ description: "true when the price was given rather than the price book's" }) priceOverridden!: boolean;
  @ApiProperty() discountPercent!: number;
  @ApiProperty() taxRatePercent!: number;
  @ApiProperty({ description: 'quantity x unitPriceMinor' }) grossMinor!: number;
  @ApiProperty({ description: 'gross x discount %, rounded half-up' }) discountMinor!: number;
  @ApiProperty({ description: 'gross - discount' }) netMinor!: number;
  @ApiProperty({ description: 'net x tax rate %, rounded half-up' }) taxMinor!: number;
  @ApiProperty({ description: 'net + tax' }) totalMinor!: number;
}

export class QuoteViewDto {
  @ApiProperty({ format: 'uuid', description: 'Id of this revision' }) id!: string;
  @ApiProperty({ minimum: 1 }) version!: number;
  @ApiProperty({ example: 'Q-000042', description: 'Shared by every revision' }) number!: string;
  @ApiProperty({ minimum: 1 }) revision!: number;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) previousQuoteId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) supersededBy!: string | null;
  @ApiProperty({ enum: SALES_QUOTE_STATUSES }) status!: string;
  @ApiProperty({ format: 'uuid' }) dealId!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) contactId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) accountId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) priceBookId!: string | null;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ example: 2 }) currencyDigits!: number;
  @ApiProperty() grossMinor!: number;
  @ApiProperty() discountMinor!: number;
  @ApiProperty() netMinor!: number;
  @ApiProperty() taxMinor!: number;
  @ApiProperty() totalMinor!: number;
  @ApiProperty({ type: [QuoteLineViewDto] }) lines!: QuoteLineViewDto[];
  @ApiProperty({ type: String, nullable: true, format: 'date' }) validUntil!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) sentAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) acceptedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) rejectedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) expiredAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) rejectionReason!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) orderId!: string | null;
  @ApiProperty({ type: BillingViewDto }) billing!: BillingViewDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
