import { ApiProperty } from '@nestjs/swagger';
import { SALES_CHANNELS, SALES_ORDER_STATUSES } from '@crm/contracts';
import { BillingAddressDto } from './billing.dto';

export class OrderLineViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ minimum: 1 }) lineNo!: number;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) productId!: string | null;
  @ApiProperty({ type: String, nullable: true }) sku!: string | null;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) model!: string | null;
  @ApiProperty({ type: [String] }) serialNumbers!: string[];
  @ApiProperty({ minimum: 1 }) quantity!: number;
  @ApiProperty({ minimum: 0 }) unitPriceMinor!: number;
  @ApiProperty({ minimum: 0, maximum: 100 }) discountPercent!: number;
  @ApiProperty({ minimum: 0, maximum: 100 }) taxRatePercent!: number;
  @ApiProperty({ description: 'quantity x unitPriceMinor' }) grossMinor!: number;
  @ApiProperty({ description: 'gross x discount %, rounded half-up' }) discountMinor!: number;
  @ApiProperty({ description: 'gross - discount' }) netMinor!: number;
  @ApiProperty({ description: 'net x tax rate %, rounded half-up' }) taxMinor!: number;
  @ApiProperty({ description: 'net + tax' }) totalMinor!: number;
  @ApiProperty() refundedQuantity!: number;
  @ApiProperty() refundedMinor!: number;
}

export class BillingViewDto {
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty({ type: BillingAddressDto, nullable: true }) address!: BillingAddressDto | null;
}

export class OrderViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ minimum: 1 }) version!: number;
  @ApiProperty({ example: 'SO-000042' }) number!: string;
  @ApiProperty({ enum: SALES_ORDER_STATUSES }) status!: string;
  @ApiProperty({ enum: SALES_CHANNELS }) channel!: string;
  @ApiProperty({ type: String, nullable: true }) location!: string | null;
  @ApiProperty({ type: String, nullable: true }) externalOrderId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) contactId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) accountId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) dealId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) quoteId!: string | null;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ example: 2 }) currencyDigits!: number;
  @ApiProperty() grossMinor!: number;
  @ApiProperty() discountMinor!: number;
  @ApiProperty() netMinor!: number;
  @ApiProperty() taxMinor!: number;
  @ApiProperty() totalMinor!: number;
  @ApiProperty() refundedMinor!: number;
  @ApiProperty({ type: [OrderLineViewDto] }) lines!: OrderLineViewDto[];
  @ApiProperty({ format: 'date-time' }) placedAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) paidAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) fulfilledAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) cancelledAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) refundedAt!: string | null;
  @ApiProperty({ type: BillingViewDto }) billing!: BillingViewDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class RefundLineViewDto {
  @ApiProperty({ format: 'uuid' }) lineId!: string;
  @ApiProperty() lineNo!: number;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) productId!: string | null;
  @ApiProperty({ type: String, nullable: true }) sku!: string | null;
  @ApiProperty({ type: [String] }) serialNumbers!: string[];
  @ApiProperty() quantity!: number;
  @ApiProperty() amountMinor!: number;
}

export class RefundViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ type: [RefundLineViewDto] }) lines!: RefundLineViewDto[];
  @ApiProperty() amountMinor!: number;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty({ format: 'date-time' }) refundedAt!: string;
}

export class RefundResultDto {
  @ApiProperty({ type: RefundViewDto }) refund!: RefundViewDto;
  @ApiProperty({ type: OrderViewDto }) order!: OrderViewDto;
}
