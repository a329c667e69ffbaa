import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { SALES_ORDERS_EVENTS, type SalesOrderStatus } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { decodeCursor, encodeCursor, inTransaction, isUuid, uuidv7 } from '@crm/persistence';
import { validationFailed, type Page, type Principal } from '@crm/platform';
import { currencyDigits } from '../price-books/currency';
import { sumAmounts } from '../price-books/line-totals';
import { salesError } from '../shared/sales-errors';
import type { BillingDto } from './dto/billing.dto';
import type { CreateOrderDto, OrderListQuery } from './dto/order.dto';
import { priceOrderLines, type PricedLine } from './order-lines';
import { canMoveOrder, ORDER_ACTIONS, type OrderAction } from './order-status';
import { orderPayload, orderView, type OrderRow, type OrderView } from './order-view';
import { ordersRepository as repo } from './orders.repository';
import { requestHash } from './request-hash';

/** Clocks of tills and shops drift: a placedAt this far ahead of ours is still taken as now-ish. */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface PlacedOrder {
  order: OrderView;
  /** false when the request found the order it had already placed (external id or Idempotency-Key). */
  created: boolean;
}

/** What an order is made of, however it arrives (the API, an accepted quote). */
export interface OrderInput {
  channel: CreateOrderDto['channel'];
  location: string | null;
  externalOrderId: string | null;
  contactId: string | null;
  accountId: string | null;
  dealId: string | null;
  quoteId: string | null;
  currency: string;
  placedAt: Date;
  status: SalesOrderStatus;
  lines: PricedLine[];
  billing: BillingDto | null;
  idempotencyKey: string | null;
  requestHash: string;
  createdBy: string;
}

export function orderNotFound(id: string) {
  return salesError('ORDER_NOT_FOUND', `No order ${id}`);
}

function badCursor() {
  return salesError('CURSOR_INVALID', 'The cursor is not valid', {
    errors: [{ field: 'cursor', message: 'is not a cursor of this listing' }],
  });
}

@Injectable()
export class OrdersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
  ) {}

  /**
   * Places an order from the API. The same external id on the same channel,
   * or the same Idempotency-Key from the same caller, answers the order
   * placed the first time (and publishes nothing again); the same key or
   * external id with a different order is refused.
   */
  create(dto: CreateOrderDto, by: Principal, idempotencyKey: string | undefined): Promise<PlacedOrder> {
    const placedAt = dto.placedAt ? new Date(dto.placedAt) : new Date();
    if (placedAt.getTime() > Date.now() + CLOCK_SKEW_MS)
      throw validationFailed([{ field: 'placedAt', message: 'cannot be in the future' }]);
    const hash = requestHash(dto);
    // A new order is the common case: it is inserted straight away, and a replay shows itself as the
    // insert's conflict (place() then answers the first order); one round trip fewer per order.
    return inTransaction(this.dataSource, async (m) => {
      let lines: PricedLine[];
      try {
        lines = await priceOrderLines(m, dto.lines, dto.currency, placedAt.toISOString().slice(0, 10));
      } catch (error) {
        // A replay answers the first order even when its products or prices have changed since.
        const replay = await this.findReplay(m, dto.channel, dto.externalOrderId, by.subject, idempotencyKey, hash);
        if (replay) return replay;
        throw error;
      }
      return this.place(m, {
        channel: dto.channel,
        location: dto.location?.trim() ?? null,
        externalOrderId: dto.externalOrderId?.trim() ?? null,
        contactId: dto.contactId ?? null,
        accountId: dto.accountId ?? null,
        dealId: dto.dealId ?? null,
        quoteId: null,
        currency: dto.currency,
        placedAt,
        status: dto.status ?? 'placed',
        lines,
        billing: dto.billing ?? null,
        idempotencyKey: idempotencyKey ?? null,
        requestHash: hash,
        createdBy: by.subject,
      });
    });
  }

  /** Places an order inside the caller's transaction (an accepted quote does). */
  async place(m: EntityManager, input: OrderInput): Promise<PlacedOrder> {
    const id = uuidv7();
    const row = await repo.insertOrder(m, {
      id,
      status: input.status,
      channel: input.channel,
      location: input.location,
      externalOrderId: input.externalOrderId,
      contactId: input.contactId,
      accountId: input.accountId,
      dealId: input.dealId,
      quoteId: input.quoteId,
      currency: input.currency,
      currencyDigits: currencyDigits(input.currency),
      totals: sumAmounts(input.lines),
      placedAt: input.placedAt,
      billingName: input.billing?.name?.trim() ?? null,
      billingEmail: input.billing?.email ?? null,
      billingAddress: input.billing?.address ?? null,
      idempotencyKey: input.idempotencyKey,
      requestHash: input.requestHash,
      createdBy: input.createdBy,
    });
    if (!row) {
      // A concurrent request with the same external id or key committed first: answer its order.
      const replay = await this.findReplay(
        m,
        input.channel,
        input.externalOrderId ?? undefined,
        input.createdBy,
        input.idempotencyKey ?? undefined,
        input.requestHash,
      );
      if (replay) return replay;
      throw salesError('ORDER_EXTERNAL_ID_CONFLICT', 'Another order was placed with the same external id or key');
    }
    const lines = await repo.insertLines(
      m,
      id,
      input.lines,
      input.lines.map(() => uuidv7()),
    );
    await this.events.publish(m, {
      type: SALES_ORDERS_EVENTS.orderPlaced,
      subject: id,
      version: row.version,
      data: orderPayload(row, lines),
    });
    return { order: orderView(row, lines), created: true };
  }

  async get(id: string): Promise<OrderView> {
    return this.read(this.dataSource.manager, id);
  }

  async list(query: OrderListQuery): Promise<Page<OrderView>> {
    const limit = query.limit ?? 50;
    let after: { placedAt: string; id: string } | null = null;
    if (query.cursor) {
      const [placedAt, id] = decodeCursor(query.cursor, 2);
      if (typeof placedAt !== 'string' || Number.isNaN(Date.parse(placedAt)) || typeof id !== 'string' || !isUuid(id))
        throw badCursor();
      after = { placedAt, id };
    }
    if (
      query.minTotalMinor !== undefined &&
      query.maxTotalMinor !== undefined &&
      query.maxTotalMinor < query.minTotalMinor
    )
      throw validationFailed([{ field: 'maxTotalMinor', message: 'must not be below minTotalMinor' }]);
    const m = this.dataSource.manager;
    const rows = await repo.page(m, query, after, limit + 1);
    const page = rows.slice(0, limit);
    const lines = page.length
      ? await repo.lines(
          m,
          page.map((o) => o.id),
        )
      : [];
    const items = page.map((o) =>
      orderView(
        o,
        lines.filter((l) => l.order_id === o.id),
      ),
    );
    const last = page[page.length - 1];
    return {
      items,
      nextCursor: rows.length > limit ? encodeCursor([last.placed_at.toISOString(), last.id]) : null,
    };
  }

  /** pay, fulfil or cancel: one step of the status machine, with its event. */
  transition(id: string, action: OrderAction): Promise<OrderView> {
    const to = ORDER_ACTIONS[action];
    return inTransaction(this.dataSource, async (m) => {
      const current = await repo.order(m, id, true);
      if (!current) throw orderNotFound(id);
      if (!canMoveOrder(current.status, to))
        throw salesError('ORDER_TRANSITION_INVALID', `A ${current.status} order cannot become ${to}`, {
          status: current.status,
          errors: [{ field: 'status', message: `is ${current.status}: it cannot become ${to}` }],
        });
      const row = await repo.setStatus(m, id, to);
      const lines = await repo.lines(m, [id]);
      const type = { paid: SALES_ORDERS_EVENTS.orderPaid, fulfilled: SALES_ORDERS_EVENTS.orderFulfilled }[
        to as 'paid' | 'fulfilled'
      ];
      await this.events.publish(m, {
        type: type ?? SALES_ORDERS_EVENTS.orderCancelled,
        subject: id,
        version: row.version,
        data: orderPayload(row, lines),
      });
      return orderView(row, lines);
    });
  }

  private async findReplay(
    m: EntityManager,
    channel: string,
    externalOrderId: string | undefined,
    createdBy: string,
    idempotencyKey: string | undefined,
    hash: string,
  ): Promise<PlacedOrder | null> {
    if (idempotencyKey) {
      const found = await repo.byIdempotencyKey(m, createdBy, idempotencyKey);
      if (found) {
        if (found.request_hash !== hash)
          throw salesError(
            'IDEMPOTENCY_KEY_REUSED',
            'This Idempotency-Key was used for a different order: use a new key for a new order',
            { orderId: found.id, errors: [{ field: 'Idempotency-Key', message: 'was used for a different order' }] },
          );
        return { order: await this.read(m, found.id), created: false };
      }
    }
    if (externalOrderId) {
      const found = await repo.byExternalId(m, channel, externalOrderId.trim());
      if (found) {
        if (found.request_hash !== hash)
          throw salesError(
            'ORDER_EXTERNAL_ID_CONFLICT',
            `The ${channel} order ${externalOrderId} was placed before with different contents`,
            {
              orderId: found.id,
              errors: [{ field: 'externalOrderId', message: `is the ${channel} order ${found.number}, placed before` }],
            },
          );
        return { order: await this.read(m, found.id), created: false };
      }
    }
    return null;
  }

  private async rows(m: EntityManager, id: string): Promise<[OrderRow, Awaited<ReturnType<typeof repo.lines>>]> {
    const order = await repo.order(m, id);
    if (!order) throw orderNotFound(id);
    return [order, await repo.lines(m, [id])];
  }

  private async read(m: EntityManager, id: string): Promise<OrderView> {
    return orderView(...(await this.rows(m, id)));
  }
}
