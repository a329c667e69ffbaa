import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { SALES_ORDERS_EVENTS, type SalesOrderRefundedPayload, type SalesRefundLinePayload } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { inTransaction, uuidv7 } from '@crm/persistence';
import { validationFailed, type FieldProblem, type Principal } from '@crm/platform';
import { refundAmount } from '../price-books/line-totals';
import { salesError } from '../shared/sales-errors';
import type { RefundDto } from './dto/order.dto';
import { isRefundable } from './order-status';
import { ORDER_COLUMNS, orderPayload, orderView, type OrderRow, type OrderView, type RefundView } from './order-view';
import { ordersRepository as repo } from './orders.repository';
import { orderNotFound } from './orders.service';

export interface RefundResult {
  refund: RefundView;
  order: OrderView;
}

/**
 * Refunds by line: each line gives back a number of its units, at the line's
 * total spread over its units (see refundAmount), so refunding every unit in
 * any number of steps returns exactly what was paid. The order keeps its
 * status until nothing is left to refund, then becomes `refunded`.
 */
@Injectable()
export class RefundsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
  ) {}

  refund(orderId: string, dto: RefundDto, by: Principal): Promise<RefundResult> {
    const seen = new Set<string>();
    const duplicates: FieldProblem[] = [];
    dto.lines.forEach((l, i) => {
      if (seen.has(l.lineId))
        duplicates.push({ field: `lines.${i}.lineId`, message: 'names a line already refunded above' });
      seen.add(l.lineId);
    });
    if (duplicates.length) throw validationFailed(duplicates);
    return inTransaction(this.dataSource, async (m) => {
      const order = await repo.order(m, orderId, true);
      if (!order) throw orderNotFound(orderId);
      if (!isRefundable(order.status))
        throw salesError('ORDER_TRANSITION_INVALID', `A ${order.status} order cannot be refunded`, {
          status: order.status,
          errors: [{ field: 'status', message: `is ${order.status}: only paid or fulfilled orders are refunded` }],
        });
      const lines = await repo.lines(m, [orderId], true);
      const problems: FieldProblem[] = [];
      const refundLines: SalesRefundLinePayload[] = [];
      dto.lines.forEach((r, i) => {
        const line = lines.find((l) => l.id === r.lineId);
        if (!line) {
          problems.push({ field: `lines.${i}.lineId`, message: 'is not a line of this order' });
          return;
        }
        const left = line.quantity - line.refunded_quantity;
        if (r.quantity > left) {
          problems.push({ field: `lines.${i}.quantity`, message: `is more than the ${left} units left to refund` });
          return;
        }
        refundLines.push({
          lineId: line.id,
          lineNo: line.line_no,
          productId: line.product_id,
          sku: line.sku,
          serialNumbers: line.serial_numbers,
          quantity: r.quantity,
          amountMinor: refundAmount(Number(line.total_minor), line.quantity, line.refunded_quantity, r.quantity),
        });
      });
      if (problems.some((p) => p.field.endsWith('.quantity')))
        throw salesError('REFUND_EXCEEDS_LINE', 'Some lines have fewer units left to refund', { errors: problems });
      if (problems.length) throw validationFailed(problems);
      const refundId = uuidv7();
      const amountMinor = refundLines.reduce((sum, l) => sum + l.amountMinor, 0);
      const now = new Date();
      await m.query(
        `INSERT INTO refunds (id, order_id, amount_minor, reason, refunded_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)`,
        [refundId, orderId, amountMinor, dto.reason ?? null, now, by.subject],
      );
      for (const l of refundLines) {
        await m.query(
          `INSERT INTO refund_lines (refund_id, order_line_id, quantity, amount_minor) VALUES ($1, $2, $3, $4)`,
          [refundId, l.lineId, l.quantity, l.amountMinor],
        );
        await m.query(
          `UPDATE order_lines SET refunded_quantity = refunded_quantity + $2, refunded_minor = refunded_minor + $3
            WHERE id = $1`,
          [l.lineId, l.quantity, l.amountMinor],
        );
      }
      const after = await repo.lines(m, [orderId]);
      const fullyRefunded = after.every((l) => l.refunded_quantity === l.quantity);
      const rows: [OrderRow[], number] = await m.query(
        `UPDATE orders SET refunded_minor = refunded_minor + $2,
                status = CASE WHEN $3 THEN 'refunded' ELSE status END,
                refunded_at = CASE WHEN $3 THEN $4::timestamptz ELSE refunded_at END,
                version = version + 1, updated_at = now()
          WHERE id = $1 RETURNING ${ORDER_COLUMNS}`,
        [orderId, amountMinor, fullyRefunded, now],
      );
      const row = rows[0][0];
      const refund: RefundView = {
        id: refundId,
        currency: row.currency,
        lines: refundLines,
        amountMinor,
        reason: dto.reason ?? null,
        refundedAt: now.toISOString(),
      };
      const data: SalesOrderRefundedPayload = { ...orderPayload(row, after), refund, fullyRefunded };
      await this.events.publish(m, {
        type: SALES_ORDERS_EVENTS.orderRefunded,
        subject: orderId,
        version: row.version,
        data,
      });
      return { refund, order: orderView(row, after) };
    });
  }

  /** The order's refunds, oldest first, each with its lines. */
  async list(orderId: string): Promise<RefundView[]> {
    const m = this.dataSource.manager;
    if (!(await repo.order(m, orderId))) throw orderNotFound(orderId);
    const rows: {
      id: string;
      currency: string;
      amount_minor: string;
      reason: string | null;
      refunded_at: Date;
      lines: (Omit<SalesRefundLinePayload, 'amountMinor'> & { amountMinor: string })[];
    }[] = await m.query(
      `SELECT r.id, o.currency, r.amount_minor, r.reason, r.refunded_at,
              json_agg(json_build_object('lineId', l.id, 'lineNo', l.line_no, 'productId', l.product_id, 'sku', l.sku,
                'serialNumbers', l.serial_numbers, 'quantity', rl.quantity, 'amountMinor', rl.amount_minor)
                ORDER BY l.line_no) AS lines
         FROM refunds r JOIN orders o ON o.id = r.order_id
         JOIN refund_lines rl ON rl.refund_id = r.id JOIN order_lines l ON l.id = rl.order_line_id
        WHERE r.order_id = $1 GROUP BY r.id, o.currency ORDER BY r.refunded_at, r.id`,
      [orderId],
    );
    return rows.map((r) => ({
      id: r.id,
      currency: r.currency,
      amountMinor: Number(r.amount_minor),
      reason: r.reason,
      refundedAt: r.refunded_at.toISOString(),
      lines: r.lines.map((l) => ({ ...l, amountMinor: Number(l.amountMinor) })),
    }));
  }
}
