import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  MARKETING_EVENTS,
  type ConsentWithdrawnPayload,
  type TouchpointKind,
  type TouchpointPayload,
} from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { decodeCursor, encodeCursor, inTransaction, uuidv7 } from '@crm/persistence';
import { validationFailed } from '@crm/platform';
import { marketingError } from '../shared/marketing-errors';

interface MessageRow {
  id: string;
  campaign_id: string;
  contact_id: string;
  channel: string;
  status: string;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
}

/** Touchpoints from the tracking links and provider webhooks, and the one-click unsubscribe. */
@Injectable()
export class TrackingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
  ) {}

  private async message(m: EntityManager, id: string): Promise<MessageRow> {
    const [row]: MessageRow[] = await m.query(
      `SELECT cm.id, cm.campaign_id, cm.contact_id, cm.channel, cm.status, c.utm_source, c.utm_medium, c.utm_campaign
         FROM campaign_messages cm JOIN campaigns c ON c.id = cm.campaign_id WHERE cm.id = $1`,
      [id],
    );
    if (!row) throw marketingError('LINK_SIGNATURE_INVALID', 'This link is not valid');
    return row;
  }

  /** Records a touchpoint; `once` keeps a second open of the same message from counting again. */
  async record(messageId: string, kind: TouchpointKind, url: string | null = null, once = false): Promise<void> {
    await inTransaction(this.dataSource, async (m) => {
      const msg = await this.message(m, messageId);
      // One writer per message at a time, so "once" holds under concurrent opens.
      await m.query(`SELECT 1 FROM campaign_messages WHERE id = $1 FOR UPDATE`, [messageId]);
      if (once) {
        const [seen]: unknown[] = await m.query(`SELECT 1 FROM touchpoints WHERE message_id = $1 AND kind = $2`, [
          messageId,
          kind,
        ]);
        if (seen) return;
      }
      await this.insert(m, msg, kind, url);
    });
  }

  async insert(m: EntityManager, msg: MessageRow, kind: TouchpointKind, url: string | null): Promise<void> {
    const id = uuidv7();
    const occurredAt = new Date().toISOString();
    await m.query(
      `INSERT INTO touchpoints (id, contact_id, campaign_id, message_id, kind, channel, utm_source, utm_medium, utm_campaign, url, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        id,
        msg.contact_id,
        msg.campaign_id,
        msg.id,
        kind,
        msg.channel,
        msg.utm_source,
        msg.utm_medium,
        msg.utm_campaign,
        url,
        occurredAt,
      ],
    );
    const data: TouchpointPayload = {
      id,
      contactId: msg.contact_id,
      campaignId: msg.campaign_id,
      messageId: msg.id,
      kind,
      channel: msg.channel as TouchpointPayload['channel'],
      utmSource: msg.utm_source,
      utmMedium: msg.utm_medium,
      utmCampaign: msg.utm_campaign,
      url,
      orderId: null,
      occurredAt,
    };
    await this.events.publish(m, { type: MARKETING_EVENTS.touchpointRecorded, subject: id, version: 1, data });
  }

  /** Delivery webhook: delivered or bounced, once per message. */
  async delivery(messageId: string, status: 'delivered' | 'bounced') {
    return inTransaction(this.dataSource, async (m) => {
      const [row]: MessageRow[] = await m.query(
        `SELECT cm.id, cm.campaign_id, cm.contact_id, cm.channel, cm.status, c.utm_source, c.utm_medium, c.utm_campaign
           FROM campaign_messages cm JOIN campaigns c ON c.id = cm.campaign_id WHERE cm.id = $1 FOR UPDATE OF cm`,
        [messageId],
      );
      if (!row) throw marketingError('CAMPAIGN_NOT_FOUND', `No message ${messageId}`);
      if (row.status === 'sent') {
        await m.query(`UPDATE campaign_messages SET status = $2, updated_at = now() WHERE id = $1`, [
          messageId,
          status,
        ]);
        await this.insert(m, row, status, null);
      }
      return { messageId, status: row.status === 'sent' ? status : row.status };
    });
  }

  /**
   * One-click unsubscribe: consent for the channel and purpose marketing is
   * withdrawn here at once (no further sends) and, through
   * crm.marketing.consent.withdrawn, in contacts, which owns consent.
   */
  async unsubscribe(messageId: string): Promise<void> {
    await inTransaction(this.dataSource, async (m) => {
      const msg = await this.message(m, messageId);
      const decidedAt = new Date().toISOString();
      const [, changed] = await m.query(
        `UPDATE consent_mirror SET granted = false, decided_at = $4
          WHERE contact_id = $1 AND channel = $2 AND purpose = $3 AND granted`,
        [msg.contact_id, msg.channel, 'marketing', decidedAt],
      );
      if (!changed) {
        const [known]: unknown[] = await m.query(
          `SELECT 1 FROM consent_mirror WHERE contact_id = $1 AND channel = $2 AND purpose = 'marketing'`,
          [msg.contact_id, msg.channel],
        );
        if (known) return;
        await m.query(
          `INSERT INTO consent_mirror (contact_id, channel, purpose, granted, decided_at) VALUES ($1, $2, 'marketing', false, $3)`,
          [msg.contact_id, msg.channel, decidedAt],
        );
      }
      const data: ConsentWithdrawnPayload = {
        contactId: msg.contact_id,
        channel: msg.channel as ConsentWithdrawnPayload['channel'],
        purpose: 'marketing',
        source: 'unsubscribe',
        campaignId: msg.campaign_id,
        decidedAt,
      };
      await this.events.publish(m, {
        type: MARKETING_EVENTS.consentWithdrawn,
        subject: msg.contact_id,
        version: 1,
        data,
      });
    });
  }

  /** A contact's touchpoints, newest first, keyset paged on (occurred_at, id). */
  async touchpoints(contactId: string, page: { limit?: number; cursor?: string } = {}) {
    const limit = page.limit ?? 50;
    const [afterAt, afterId] = page.cursor ? decodeCursor(page.cursor, 2).map(String) : [null, null];
    // The time goes in the cursor as Postgres prints it, to the microsecond (a sent touchpoint is stamped now()).
    const time = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)?$/;
    if (afterAt !== null && (!time.test(afterAt) || !/^[0-9a-f-]{36}$/i.test(String(afterId))))
      throw validationFailed([{ field: 'cursor', message: 'it does not match this listing and sort order' }]);
    const rows: {
      id: string;
      kind: string;
      channel: string;
      campaign_id: string | null;
      message_id: string | null;
      utm_source: string | null;
      utm_medium: string | null;
      utm_campaign: string | null;
      url: string | null;
      order_id: string | null;
      occurred_at: Date;
      at_key: string;
    }[] = await this.dataSource.query(
      `SELECT *, occurred_at::text AS at_key FROM touchpoints WHERE contact_id = $1
          AND ($2::timestamptz IS NULL OR (occurred_at, id) < ($2::timestamptz, $3::uuid))
        ORDER BY occurred_at DESC, id DESC LIMIT $4`,
      [contactId, afterAt, afterId, limit + 1],
    );
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return {
      items: rows.slice(0, limit).map((r) => ({
        id: r.id,
        kind: r.kind,
        channel: r.channel,
        campaignId: r.campaign_id,
        messageId: r.message_id,
        utmSource: r.utm_source,
        utmMedium: r.utm_medium,
        utmCampaign: r.utm_campaign,
        url: r.url,
        orderId: r.order_id,
        occurredAt: r.occurred_at.toISOString(),
      })),
      nextCursor: last ? encodeCursor([last.at_key, last.id]) : null,
    };
  }
}
