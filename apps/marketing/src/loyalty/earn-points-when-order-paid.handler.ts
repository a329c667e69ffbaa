import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SALES_ORDERS_EVENTS } from '@crm/contracts';
import { EventPublisher, OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import type { OrderFields } from '../mirror/order-fields';
import { LedgerRepository, type ProgramRow } from './ledger.repository';
import { pointsFor, tierFor } from './loyalty-rules';

/**
 * Points are earned once per order and program, when the order is paid (or
 * fulfilled, or imported as such), in every program of the order's
 * currency. A cancelled or refunded order takes its points back, as far as
 * the balance allows (never below zero).
 */
@Injectable()
@OnEvent(
  SALES_ORDERS_EVENTS.orderPlaced,
  SALES_ORDERS_EVENTS.orderPaid,
  SALES_ORDERS_EVENTS.orderFulfilled,
  SALES_ORDERS_EVENTS.orderCancelled,
  SALES_ORDERS_EVENTS.orderRefunded,
)
export class EarnPointsWhenOrderPaidHandler implements EventHandler<OrderFields> {
  private readonly ledger: LedgerRepository;

  constructor(events: EventPublisher) {
    this.ledger = new LedgerRepository(events);
  }

  async handle(event: CloudEvent<OrderFields>, manager: EntityManager): Promise<void> {
    const d = event.data ?? {};
    const contactId = typeof d.contactId === 'string' ? d.contactId : null;
    if (!contactId || typeof d.currency !== 'string') return;
    const programs: ProgramRow[] = await manager.query(`SELECT * FROM loyalty_programs WHERE currency = $1`, [
      d.currency,
    ]);
    const reversal = d.status === 'cancelled' || d.status === 'refunded';
    const earning = d.status === 'paid' || d.status === 'fulfilled';
    for (const program of programs) {
      if (reversal) {
        const [earned]: { points: string }[] = await manager.query(
          `SELECT points FROM loyalty_ledger WHERE program_id = $1 AND order_id = $2 AND kind = 'earn'`,
          [program.id, event.subject],
        );
        const [reversed]: unknown[] = await manager.query(
          `SELECT 1 FROM loyalty_ledger WHERE program_id = $1 AND order_id = $2 AND kind = 'adjust'`,
          [program.id, event.subject],
        );
        if (earned && !reversed)
          await this.ledger.debit(manager, program.id, contactId, Number(earned.points), 'adjust', {
            orderId: event.subject,
            reason: `order ${d.status}`,
            clamp: true,
          });
        continue;
      }
      if (!earning) continue;
      const lines = Array.isArray(d.lines) ? d.lines : [];
      const ids = lines.map((l) => l.productId).filter((p): p is string => typeof p === 'string');
      const cats: { product_id: string; category: string | null }[] = ids.length
        ? await manager.query(`SELECT product_id, category FROM mirror_products WHERE product_id = ANY($1::uuid[])`, [
            ids,
          ])
        : [];
      const category = new Map(cats.map((c) => [c.product_id, c.category]));
      const acct = await this.ledger.account(manager, program.id, contactId);
      const tier = tierFor(program.tiers, acct.lifetime);
      const points = pointsFor(
        lines.map((l) => ({
          netMinor: Number(l.netMinor ?? 0),
          category: (l.productId && category.get(l.productId)) || null,
        })),
        Number(d.currencyDigits ?? 2),
        Number(program.points_per_unit),
        program.category_multipliers,
        tier?.multiplier ?? 1,
      );
      if (points > 0) await this.ledger.credit(manager, program, contactId, points, 'earn', event.subject, null);
    }
  }
}
