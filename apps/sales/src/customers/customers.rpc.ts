import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  SALES_RPC,
  type SalesCustomerReply,
  type SalesMoney,
  type SalesOpenDeal,
  type SalesSearchHit,
  type SalesSearchReply,
} from '@crm/contracts';
import { isUuid } from '@crm/persistence';
import { unstorableText, validationFailed } from '@crm/platform';
import { customerOrderFacts, searchOrders } from '../orders/customer-orders';

const OPEN_DEALS = 20;

/**
 * Request-reply for the gateway: the sales part of the customer 360 (open
 * deals, recent orders, lifetime order totals) and global search (deals by
 * name, orders by number or shop order id). A malformed id gets null, an
 * empty query no hits; a q Postgres cannot store (NUL, lone surrogate) is
 * refused as VALIDATION_FAILED.
 */
@Controller()
export class CustomersRpc {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @MessagePattern(SALES_RPC.customerSummary)
  async customer(@Payload() payload: { contactId?: unknown } | null): Promise<SalesCustomerReply | null> {
    if (!isUuid(payload?.contactId)) return null;
    const contactId = payload.contactId;
    const m = this.dataSource.manager;
    const [deals, pipeline, orders] = await Promise.all([
      m.query(
        `SELECT d.id, d.name, d.pipeline_id AS "pipelineId", d.stage_id AS "stageId", s.name AS "stageName",
                s.probability, d.amount::text AS amount, d.currency, d.expected_close_date::text AS "expectedCloseDate",
                d.owner_id AS "ownerId"
           FROM deals d JOIN stages s ON s.id = d.stage_id
          WHERE d.contact_id = $1 AND d.status = 'open' ORDER BY d.id DESC LIMIT $2`,
        [contactId, OPEN_DEALS],
      ) as Promise<(Omit<SalesOpenDeal, 'amountMinor'> & { amount: string })[]>,
      m.query(
        `SELECT currency, count(*)::int AS n, sum(amount)::text AS amount FROM deals
          WHERE contact_id = $1 AND status = 'open' GROUP BY currency ORDER BY currency`,
        [contactId],
      ) as Promise<{ currency: string; n: number; amount: string }[]>,
      customerOrderFacts(m, contactId),
    ]);
    return {
      contactId,
      openDeals: deals.map(({ amount, ...d }) => ({ ...d, amountMinor: Number(amount) })),
      openDealCount: pipeline.reduce((n, p) => n + p.n, 0),
      openPipeline: pipeline.map((p): SalesMoney => ({ currency: p.currency, amountMinor: Number(p.amount) })),
      recentOrders: orders.recentOrders.map((o) => ({
        id: o.id,
        number: o.number,
        status: o.status,
        channel: o.channel,
        totalMinor: o.totalMinor,
        currency: o.currency,
        placedAt: o.placedAt,
      })),
      orderCount: orders.lifetime.reduce((n, l) => n + l.orders, 0),
      lifetimeOrderTotal: orders.lifetime.map((l): SalesMoney => ({ currency: l.currency, amountMinor: l.netMinor })),
    };
  }

  @MessagePattern(SALES_RPC.search)
  async find(@Payload() payload: { q?: unknown; limit?: unknown } | null): Promise<SalesSearchReply> {
    const raw = typeof payload?.q === 'string' ? payload.q : '';
    const badQ = unstorableText(raw);
    if (badQ) throw validationFailed([{ field: 'q', message: badQ }]);
    // By code points, so the cut never leaves half a surrogate pair.
    const q = Array.from(raw.trim()).slice(0, 200).join('');
    const limit =
      typeof payload?.limit === 'number' && Number.isFinite(payload.limit)
        ? Math.min(Math.max(1, Math.floor(payload.limit)), 50)
        : 10;
    if (!q) return { hits: [] };
    const m = this.dataSource.manager;
    const [deals, orders] = await Promise.all([
      m.query(
        `SELECT d.id, d.name, d.status, s.name AS stage FROM deals d JOIN stages s ON s.id = d.stage_id
          WHERE d.name ILIKE $1 ESCAPE '\\' ORDER BY (lower(d.name) = lower($2)) DESC, d.id DESC LIMIT $3`,
        [`%${q.replace(/[%_\\]/g, '\\$&')}%`, q, limit],
      ) as Promise<{ id: string; name: string; status: string; stage: string }[]>,
      searchOrders(m, q, limit),
    ]);
    const hits: SalesSearchHit[] = [
      ...deals.map(
        (d): SalesSearchHit => ({
          kind: 'deal',
          id: d.id,
          title: d.name,
          subtitle: d.status === 'open' ? d.stage : `${d.status} (${d.stage})`,
        }),
      ),
      ...orders.map(
        (o): SalesSearchHit => ({
          kind: 'order',
          id: o.id,
          title: `Order ${o.number}`,
          subtitle: o.externalOrderId ? `${o.channel} ${o.externalOrderId}` : o.channel,
        }),
      ),
    ];
    return { hits: hits.slice(0, limit) };
  }
}
