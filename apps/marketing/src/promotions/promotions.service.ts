import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { MARKETING_EVENTS, type CouponPayload } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { decodeCursor, encodeCursor, inTransaction, uuidv7 } from '@crm/persistence';
import { validationFailed, type FieldProblem } from '@crm/platform';
import { normalCode } from '../mirror/order-fields';
import { marketingError } from '../shared/marketing-errors';
import type { CreatePromotionDto } from './dto/promotion.dto';
import { RANDOM_CODE_SQL } from './issue-coupons';

interface PromotionRow {
  id: string;
  name: string;
  discount_kind: string;
  percent: string | null;
  amount_minor: string | null;
  currency: string | null;
  scope: string;
  scope_values: string[];
  valid_from: Date | null;
  valid_until: Date | null;
  max_redemptions: number | null;
  redemptions: number;
  per_customer_limit: number;
  code_kind: string;
  shared_code: string | null;
  segment_id: string | null;
  contact_ids: string[];
  version: number;
  created_at: Date;
}

const view = (r: PromotionRow) => ({
  id: r.id,
  name: r.name,
  discountKind: r.discount_kind,
  percent: r.percent === null ? null : Number(r.percent),
  amountMinor: r.amount_minor === null ? null : Number(r.amount_minor),
  currency: r.currency,
  scope: r.scope,
  scopeValues: r.scope_values,
  validFrom: r.valid_from?.toISOString() ?? null,
  validUntil: r.valid_until?.toISOString() ?? null,
  maxRedemptions: r.max_redemptions,
  redemptions: r.redemptions,
  perCustomerLimit: r.per_customer_limit,
  codeKind: r.code_kind,
  sharedCode: r.shared_code,
  segmentId: r.segment_id,
  contactIds: r.contact_ids,
  version: r.version,
  createdAt: r.created_at.toISOString(),
});

@Injectable()
export class PromotionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
  ) {}

  async create(dto: CreatePromotionDto) {
    const problems: FieldProblem[] = [];
    if (dto.discountKind === 'percent' && dto.percent === undefined)
      problems.push({ field: 'percent', message: 'a percent promotion needs percent' });
    if (dto.discountKind === 'amount' && (dto.amountMinor === undefined || !dto.currency))
      problems.push({ field: 'amountMinor', message: 'an amount promotion needs amountMinor and currency' });
    if (dto.codeKind === 'shared' && !dto.sharedCode)
      problems.push({ field: 'sharedCode', message: 'a shared promotion needs its code' });
    if (dto.codeKind === 'unique' && dto.sharedCode)
      problems.push({ field: 'sharedCode', message: 'a unique-code promotion has no shared code' });
    if (dto.validFrom && dto.validUntil && new Date(dto.validFrom) >= new Date(dto.validUntil))
      problems.push({ field: 'validUntil', message: 'must be after validFrom' });
    if ((dto.scope ?? 'all') !== 'all' && !dto.scopeValues?.length)
      problems.push({ field: 'scopeValues', message: `a ${dto.scope} promotion names its ${dto.scope} values` });
    if (problems.length) throw validationFailed(problems);
    const id = uuidv7();
    return inTransaction(this.dataSource, async (m) => {
      if (dto.sharedCode) {
        const [taken]: unknown[] = await m.query(
          `SELECT 1 FROM promotions WHERE shared_code = $1 UNION ALL SELECT 1 FROM coupons WHERE code = $1`,
          [normalCode(dto.sharedCode)],
        );
        if (taken) throw validationFailed([{ field: 'sharedCode', message: 'is already in use' }]);
      }
      if (dto.segmentId) {
        const [s]: unknown[] = await m.query(`SELECT 1 FROM segments WHERE id = $1`, [dto.segmentId]);
        if (!s) throw validationFailed([{ field: 'segmentId', message: `no segment ${dto.segmentId}` }]);
      }
      await m.query(
        `INSERT INTO promotions (id, name, discount_kind, percent, amount_minor, currency, scope, scope_values, valid_from,
           valid_until, max_redemptions, per_customer_limit, code_kind, shared_code, segment_id, contact_ids)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
        [
          id,
          dto.name,
          dto.discountKind,
          dto.percent ?? null,
          dto.amountMinor ?? null,
          dto.currency ?? null,
          dto.scope ?? 'all',
          dto.scopeValues ?? [],
          dto.validFrom ?? null,
          dto.validUntil ?? null,
          dto.maxRedemptions ?? null,
          dto.perCustomerLimit ?? 1,
          dto.codeKind,
          dto.sharedCode ? normalCode(dto.sharedCode) : null,
          dto.segmentId ?? null,
          [...new Set(dto.contactIds ?? [])],
        ],
      );
      return view(await this.row(m, id));
    });
  }

  private async row(m: EntityManager, id: string): Promise<PromotionRow> {
    const [r]: PromotionRow[] = await m.query(`SELECT * FROM promotions WHERE id = $1`, [id]);
    if (!r) throw marketingError('PROMOTION_NOT_FOUND', `No promotion ${id}`);
    return r;
  }

  async get(id: string) {
    return view(await this.row(this.dataSource.manager, id));
  }

  async list(page: { limit?: number; cursor?: string }) {
    const limit = page.limit ?? 50;
    const after = page.cursor ? String(decodeCursor(page.cursor, 1)[0]) : null;
    const rows: PromotionRow[] = await this.dataSource.query(
      `SELECT * FROM promotions WHERE ($1::uuid IS NULL OR id < $1::uuid) ORDER BY id DESC LIMIT $2`,
      [after, limit + 1],
    );
    const items = rows.slice(0, limit).map(view);
    return { items, nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null };
  }

  /** Personal codes for named contacts (a one- or two-customer offer). */
  async issue(id: string, contactIds: string[]) {
    return inTransaction(this.dataSource, async (m) => {
      const p = await this.row(m, id);
      if (p.code_kind !== 'unique')
        throw validationFailed([{ field: 'contactIds', message: 'a shared-code promotion issues no personal codes' }]);
      const issued: { id: string; code: string; contact_id: string; issued_at: Date }[] = await m.query(
        `INSERT INTO coupons (id, promotion_id, code, contact_id)
           SELECT marketing_uuidv7(), $1, ${RANDOM_CODE_SQL}, c FROM unnest($2::uuid[]) AS c
         RETURNING id, code, contact_id, issued_at`,
        [id, [...new Set(contactIds)]],
      );
      const coupons: CouponPayload[] = issued.map((k) => ({
        id: k.id,
        promotionId: id,
        code: k.code,
        contactId: k.contact_id,
        issuedAt: k.issued_at.toISOString(),
      }));
      await this.events.publishAll(
        m,
        coupons.map((data) => ({ type: MARKETING_EVENTS.couponIssued, subject: data.id, version: 1, data })),
      );
      return { items: coupons };
    });
  }

  async redemptions(id: string) {
    await this.row(this.dataSource.manager, id);
    const rows: {
      code: string;
      order_id: string;
      contact_id: string | null;
      outcome: string;
      reason: string | null;
      occurred_at: Date;
    }[] = await this.dataSource.query(
      `SELECT code, order_id, contact_id, outcome, reason, occurred_at FROM coupon_redemptions WHERE promotion_id = $1
          ORDER BY occurred_at DESC LIMIT 200`,
      [id],
    );
    return {
      items: rows.map((r) => ({
        code: r.code,
        orderId: r.order_id,
        contactId: r.contact_id,
        outcome: r.outcome,
        reason: r.reason,
        at: r.occurred_at.toISOString(),
      })),
    };
  }
}
