import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { MARKETING_EVENTS, type MessageSentPayload, type MessageSkippedPayload, type SkipReason } from '@crm/contracts';
import { JobRunner } from '@crm/jobs';
import { EventPublisher } from '@crm/messaging';
import { inTransaction } from '@crm/persistence';
import { MARKETING_SETTINGS, type MarketingSettings } from '../shared/marketing-settings';
import { LinkSigner } from '../tracking/link-signer';
import { contextFor, renderTemplate, type MirrorContact, type TemplateRow } from '../templates/templates.service';
import { findCampaign, countsOf, toPayload, type CampaignRow } from './campaigns.repository';
import { CAMPAIGN_SEND_JOB, CAMPAIGN_START_JOB } from './campaigns.service';
import { CHANNEL_SENDERS, type ChannelSenders, type OutgoingMessage } from './channels/channel';
import { quietUntil, type SendRule } from './send-rules';
import { issueCampaignCoupons } from '../promotions/issue-coupons';

const SWEEP_JOB = 'marketing-campaign-sweep';
/** A send job hands over to a fresh one after this long, so no job outlives its expiry. */
const JOB_SLICE_MS = 50_000;
const FLUSH_EVERY = 100;
/** Errors raised before the relay took the message (no connection, no greeting): safe to send again later. */
const NOT_HANDED_OVER = new Set(['ECONNREFUSED', 'ECONNECTION', 'EDNS', 'ENOTFOUND', 'EHOSTUNREACH']);

interface Claimed extends MirrorContact {
  id: string;
  variant: 'A' | 'B';
  coupon_code: string | null;
  status: string | null;
  phone: string | null;
  time_zone: string | null;
  consent: boolean;
  dnc: boolean;
  recent: number;
}

interface Sent {
  id: string;
  contactId: string;
  variant: 'A' | 'B';
  providerId: string;
}

/**
 * Sends a campaign as durable jobs: the start job (due at the schedule)
 * materialises the audience as one message row per contact, then send jobs
 * work through it in batches. Each batch is claimed and checked against the
 * send rules (consent for the channel and purpose marketing, do-not-contact,
 * frequency cap, quiet hours) in one transaction holding the contacts' mirror
 * rows, so two campaigns cannot both pass a cap; skips are recorded with
 * their reason. A message is marked sent right after the provider accepted
 * it; one claimed but never confirmed (its sender died) is recorded as
 * interrupted after the lease and never sent again.
 */
@Injectable()
export class CampaignSender implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('CampaignSender');
  private readonly signer: LinkSigner;
  private stopping = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
    private readonly jobs: JobRunner,
    @Inject(MARKETING_SETTINGS) private readonly settings: MarketingSettings,
    @Inject(CHANNEL_SENDERS) private readonly senders: ChannelSenders,
  ) {
    this.signer = new LinkSigner(
      settings.TRACKING_SECRET ?? process.env['AUTH_JWT_SECRET'] ?? '',
      settings.TRACKING_BASE_URL,
    );
    const poll = Math.max(0.5, settings.SEND_POLL_MS / 1000);
    jobs.register<{ campaignId: string }>({
      name: CAMPAIGN_START_JOB,
      pollingIntervalSeconds: poll,
      handler: ({ campaignId }) => this.start(campaignId),
    });
    jobs.register<{ campaignId: string }>({
      name: CAMPAIGN_SEND_JOB,
      pollingIntervalSeconds: poll,
      expireInSeconds: 300,
      handler: ({ campaignId }) => this.send(campaignId),
    });
    // A campaign left sending by a stopped or crashed process gets a send job again.
    jobs.register({ name: SWEEP_JOB, cron: '* * * * *', policy: 'singleton', handler: () => this.sweep() });
  }

  get linkSigner(): LinkSigner {
    return this.signer;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.start();
    await this.sweep().catch((e: Error) => this.logger.warn(`sweep failed: ${e.message}`));
  }

  beforeApplicationShutdown(): void {
    this.stopping = true;
  }

  async sweep(): Promise<void> {
    const rows: { id: string }[] = await this.dataSource.query(`SELECT id FROM campaigns WHERE status = 'sending'`);
    for (const r of rows) await this.jobs.send(CAMPAIGN_SEND_JOB, { campaignId: r.id });
  }

  /** Due: the audience becomes message rows (and coupons), the campaign starts sending. */
  async start(campaignId: string): Promise<void> {
    const started = await inTransaction(this.dataSource, async (m) => {
      const c = await findCampaign(m, campaignId, true);
      if (c.status !== 'scheduled') return false;
      await m.query(
        `INSERT INTO campaign_messages (id, campaign_id, contact_id, channel, variant)
         SELECT marketing_uuidv7(), $1::uuid, a.contact_id, $2,
                CASE WHEN $3::int > 0 AND (('x' || substr(md5(a.contact_id::text || $1::uuid::text), 1, 7))::bit(28)::int % 100) < $3::int
                     THEN 'B' ELSE 'A' END
           FROM (SELECT contact_id FROM segment_members WHERE segment_id = ANY($4::uuid[])
                 UNION SELECT unnest($5::uuid[])) a
          WHERE NOT EXISTS (SELECT 1 FROM segment_members x WHERE x.segment_id = ANY($6::uuid[]) AND x.contact_id = a.contact_id)
          ORDER BY a.contact_id
         ON CONFLICT DO NOTHING`,
        [campaignId, c.channel, c.split_b_percent, c.segment_ids, c.contact_ids, c.exclude_segment_ids],
      );
      if (c.promotion_id) await issueCampaignCoupons(m, this.events, c.id, c.promotion_id);
      await m.query(
        `UPDATE campaigns SET status = 'sending', started_at = now(), version = version + 1, updated_at = now() WHERE id = $1`,
        [campaignId],
      );
      const row = await findCampaign(m, campaignId);
      await this.events.publish(m, {
        type: MARKETING_EVENTS.campaignStarted,
        subject: campaignId,
        version: row.version,
        data: toPayload(row, await countsOf(m, campaignId)),
      });
      return true;
    });
    if (started) await this.jobs.send(CAMPAIGN_SEND_JOB, { campaignId });
  }

  async send(campaignId: string): Promise<void> {
    const until = Date.now() + JOB_SLICE_MS;
    await this.recoverInterrupted(campaignId);
    const campaign = await findCampaign(this.dataSource.manager, campaignId);
    const templates = await this.templates(campaign);
    const [rule]: SendRule[] = await this.dataSource.query(`SELECT * FROM send_rules WHERE channel = $1`, [
      campaign.channel,
    ]);
    // Unthrottled, the next batch is claimed (rules checked, addresses set) while this one is
    // being delivered, so the relay is not left idle between batches.
    let next: Promise<Claimed[] | null> | null = null;
    try {
      while (!this.stopping) {
        const [{ status }]: { status: string }[] = await this.dataSource.query(
          `SELECT status FROM campaigns WHERE id = $1`,
          [campaignId],
        );
        if (status !== 'sending') return;
        const began = Date.now();
        const batch = await (next ?? this.claim(campaign, rule));
        next = null;
        if (batch === null) return await this.finishOrWait(campaignId);
        if (!campaign.throttle_per_minute && batch.length) {
          next = this.claim(campaign, rule);
          next.catch(() => undefined); // awaited on the next turn, or released below
        }
        if (batch.length) await this.deliver(campaign, templates, batch);
        if (campaign.throttle_per_minute) {
          const wait = (Math.max(batch.length, 1) * 60_000) / campaign.throttle_per_minute - (Date.now() - began);
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
        if (Date.now() > until) break;
      }
    } finally {
      await this.release(next);
    }
    // Hand over to a fresh job (a stop in between is picked up by the sweep after a restart).
    await this.jobs.send(CAMPAIGN_SEND_JOB, { campaignId }).catch(() => undefined);
  }

  /**
   * A batch claimed ahead but not delivered (paused, stopping, the job's slice over): its messages
   * go back to pending for whoever sends next, instead of waiting out their lease.
   */
  private async release(claimed: Promise<Claimed[] | null> | null): Promise<void> {
    const batch = claimed ? await claimed.catch(() => null) : null;
    if (!batch?.length) return;
    await this.dataSource.query(
      `UPDATE campaign_messages SET status = 'pending', claimed_at = NULL, updated_at = now()
        WHERE id = ANY($1::uuid[]) AND status = 'sending'`,
      [batch.map((b) => b.id)],
    );
  }

  private async templates(c: CampaignRow): Promise<Record<'A' | 'B', TemplateRow>> {
    const rows: TemplateRow[] = await this.dataSource.query(`SELECT * FROM templates WHERE id = ANY($1::uuid[])`, [
      [c.template_id, c.template_b_id].filter(Boolean),
    ]);
    const a = rows.find((r) => r.id === c.template_id) as TemplateRow;
    return { A: a, B: rows.find((r) => r.id === c.template_b_id) ?? a };
  }

  private async recoverInterrupted(campaignId: string): Promise<void> {
    await inTransaction(this.dataSource, async (m) => {
      const [rows]: [{ id: string; contact_id: string; channel: string }[]] = await m.query(
        `UPDATE campaign_messages SET status = 'skipped', reason = 'interrupted', updated_at = now()
          WHERE campaign_id = $1 AND status = 'sending' AND claimed_at < now() - make_interval(secs => $2)
          RETURNING id, contact_id, channel`,
        [campaignId, this.settings.SEND_LEASE_SECONDS],
      );
      await this.skipped(
        m,
        campaignId,
        rows.map((r) => ({ id: r.id, contactId: r.contact_id, channel: r.channel, reason: 'interrupted' })),
      );
    });
  }

  /**
   * Claims the next batch and applies the send rules; answers the messages to
   * send now, or null when nothing is left to claim.
   */
  private async claim(c: CampaignRow, rule: SendRule | undefined): Promise<Claimed[] | null> {
    return inTransaction(this.dataSource, async (m) => {
      const [claimed]: [{ id: string; contact_id: string }[]] = await m.query(
        `WITH next AS (
           SELECT id FROM campaign_messages
            WHERE campaign_id = $1 AND status = 'pending' AND (not_before IS NULL OR not_before <= now())
            ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
         UPDATE campaign_messages cm SET status = 'sending', claimed_at = now(), updated_at = now()
           FROM next WHERE cm.id = next.id RETURNING cm.id, cm.contact_id`,
        [c.id, this.settings.SEND_BATCH_SIZE],
      );
      if (!claimed.length) return null;
      const contactIds = claimed.map((r) => r.contact_id).sort();
      // The contacts' mirror rows, locked in a fixed order: caps are counted by one sender at a time per contact.
      await m.query(`SELECT 1 FROM contact_mirror WHERE contact_id = ANY($1::uuid[]) ORDER BY contact_id FOR UPDATE`, [
        contactIds,
      ]);
      const rows: Claimed[] = await m.query(
        `SELECT cm.id, cm.variant, cm.coupon_code, k.contact_id, k.status, k.email, k.phone, k.first_name, k.last_name,
                k.display_name, k.country, k.city, k.locale, k.custom_fields, k.time_zone,
                COALESCE(cs.granted, false) AS consent, (d.contact_id IS NOT NULL) AS dnc,
                (SELECT count(*)::int FROM campaign_messages x
                  WHERE x.contact_id = cm.contact_id AND x.channel = cm.channel AND x.id <> cm.id
                    AND (x.status = 'sending' OR (x.status IN ('sent', 'delivered', 'bounced')
                         AND x.sent_at > now() - make_interval(hours => $2)))) AS recent
           FROM campaign_messages cm
           LEFT JOIN contact_mirror k ON k.contact_id = cm.contact_id
           LEFT JOIN consent_mirror cs ON cs.contact_id = cm.contact_id AND cs.channel = cm.channel AND cs.purpose = 'marketing'
           LEFT JOIN do_not_contact d ON d.contact_id = cm.contact_id
          WHERE cm.id = ANY($1::uuid[])`,
        [claimed.map((r) => r.id), rule?.period_hours ?? 168],
      );
      const now = new Date();
      const skip: { id: string; contactId: string; channel: string; reason: SkipReason }[] = [];
      const defer: { id: string; until: Date }[] = [];
      const go: Claimed[] = [];
      for (const r of rows) {
        const address = c.channel === 'email' ? r.email : r.phone;
        const reason: SkipReason | null =
          r.status !== 'active'
            ? 'contact_gone'
            : r.dnc
              ? 'do_not_contact'
              : !r.consent
                ? 'no_consent'
                : !address
                  ? 'no_address'
                  : rule && r.recent >= rule.max_messages
                    ? 'frequency_cap'
                    : null;
        if (reason) {
          skip.push({ id: r.id, contactId: r.contact_id, channel: c.channel, reason });
          continue;
        }
        const quiet = rule ? quietUntil(rule, now, r.time_zone) : null;
        if (quiet) defer.push({ id: r.id, until: quiet });
        else go.push({ ...r, email: address });
      }
      if (skip.length) {
        await m.query(
          `UPDATE campaign_messages cm SET status = 'skipped', reason = x.reason, updated_at = now()
             FROM unnest($1::uuid[], $2::text[]) AS x(id, reason) WHERE cm.id = x.id`,
          [skip.map((s) => s.id), skip.map((s) => s.reason)],
        );
        await this.skipped(m, c.id, skip);
      }
      if (defer.length)
        await m.query(
          `UPDATE campaign_messages cm SET status = 'pending', claimed_at = NULL, not_before = x.until, updated_at = now()
             FROM unnest($1::uuid[], $2::timestamptz[]) AS x(id, until) WHERE cm.id = x.id`,
          [defer.map((d) => d.id), defer.map((d) => d.until)],
        );
      if (go.length)
        await m.query(
          `UPDATE campaign_messages cm SET address = x.address FROM unnest($1::uuid[], $2::text[]) AS x(id, address) WHERE cm.id = x.id`,
          [go.map((g) => g.id), go.map((g) => g.email)],
        );
      return go;
    });
  }

  private async skipped(
    m: EntityManager,
    campaignId: string,
    rows: { id: string; contactId: string; channel: string; reason: SkipReason }[],
  ): Promise<void> {
    const at = new Date().toISOString();
    await this.events.publishAll(
      m,
      rows.map((s) => ({
        type: MARKETING_EVENTS.messageSkipped,
        subject: s.id,
        version: 1,
        data: {
          messageId: s.id,
          campaignId,
          contactId: s.contactId,
          channel: s.channel,
          reason: s.reason,
          at,
        } as MessageSkippedPayload,
      })),
    );
  }

  private async deliver(c: CampaignRow, templates: Record<'A' | 'B', TemplateRow>, batch: Claimed[]): Promise<void> {
    const sender = this.senders[c.channel];
    let buffer: Sent[] = [];
    let failed: { id: string; reason: string }[] = [];
    const retry: string[] = [];
    let flushing = Promise.resolve();
    const flush = () => {
      const [sent, fails] = [buffer, failed];
      buffer = [];
      failed = [];
      flushing = flushing.then(() => this.confirm(c, sent, fails));
      return flushing;
    };
    await Promise.all(
      batch.map(async (r) => {
        try {
          if (!sender) throw new Error(`no ${c.channel} provider configured`);
          const unsubscribe = this.signer.unsubscribeUrl(r.id);
          const rendered = renderTemplate(
            templates[r.variant] ?? templates.A,
            contextFor(r, { name: c.name, utmCampaign: c.utm_campaign }, r.coupon_code, unsubscribe),
          );
          const message: OutgoingMessage = {
            messageId: r.id,
            campaignId: c.id,
            to: r.email as string,
            subject: rendered.subject,
            html: c.channel === 'email' ? this.signer.track(rendered.html, r.id) : rendered.html,
            text: rendered.text,
            unsubscribeUrl: unsubscribe,
          };
          const { providerId } = await sender.send(message);
          buffer.push({ id: r.id, contactId: r.contact_id, variant: r.variant, providerId });
        } catch (error) {
          // Never connected: the message was not handed over, so it waits for the relay to come back.
          if (NOT_HANDED_OVER.has(String((error as { code?: unknown }).code))) retry.push(r.id);
          else failed.push({ id: r.id, reason: `provider: ${(error as Error).message}`.slice(0, 300) });
        }
        if (buffer.length + failed.length >= FLUSH_EVERY) await flush();
      }),
    );
    await flush();
    if (retry.length)
      await this.dataSource.query(
        `UPDATE campaign_messages SET status = 'pending', claimed_at = NULL, not_before = now() + interval '30 seconds',
           updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'sending'`,
        [retry],
      );
  }

  /** Marks accepted messages sent (with their sent touchpoint and event) and failed ones failed. */
  private async confirm(c: CampaignRow, sent: Sent[], failed: { id: string; reason: string }[]): Promise<void> {
    if (!sent.length && !failed.length) return;
    await inTransaction(this.dataSource, async (m) => {
      if (sent.length) {
        const [rows]: [{ id: string; sent_at: Date }[]] = await m.query(
          `UPDATE campaign_messages cm SET status = 'sent', sent_at = now(), provider_id = x.provider, updated_at = now()
             FROM unnest($1::uuid[], $2::text[]) AS x(id, provider) WHERE cm.id = x.id RETURNING cm.id, cm.sent_at`,
          [sent.map((s) => s.id), sent.map((s) => s.providerId)],
        );
        const at = (rows[0]?.sent_at ?? new Date()).toISOString();
        await m.query(
          `INSERT INTO touchpoints (id, contact_id, campaign_id, message_id, kind, channel, utm_source, utm_medium, utm_campaign, occurred_at)
           SELECT marketing_uuidv7(), x.contact_id, $3, x.id, 'sent', $4, $5, $6, $7, now()
             FROM unnest($1::uuid[], $2::uuid[]) AS x(id, contact_id)`,
          [
            sent.map((s) => s.id),
            sent.map((s) => s.contactId),
            c.id,
            c.channel,
            c.utm_source,
            c.utm_medium,
            c.utm_campaign,
          ],
        );
        await this.events.publishAll(
          m,
          sent.map((s) => ({
            type: MARKETING_EVENTS.messageSent,
            subject: s.id,
            version: 1,
            data: {
              messageId: s.id,
              campaignId: c.id,
              contactId: s.contactId,
              channel: c.channel,
              variant: s.variant,
              utmSource: c.utm_source,
              utmMedium: c.utm_medium,
              utmCampaign: c.utm_campaign,
              sentAt: at,
            } as MessageSentPayload,
          })),
        );
      }
      if (failed.length)
        await m.query(
          `UPDATE campaign_messages cm SET status = 'failed', reason = x.reason, updated_at = now()
             FROM unnest($1::uuid[], $2::text[]) AS x(id, reason) WHERE cm.id = x.id`,
          [failed.map((f) => f.id), failed.map((f) => f.reason)],
        );
    });
  }

  /** Nothing to claim: done, or wait for deferred messages, ones another sender holds and ones still in flight. */
  private async finishOrWait(campaignId: string): Promise<void> {
    const [{ deferred, waiting, inflight }]: { deferred: Date | null; waiting: number; inflight: number }[] =
      await this.dataSource.query(
        `SELECT min(not_before) FILTER (WHERE status = 'pending' AND not_before > now()) AS deferred,
                count(*) FILTER (WHERE status = 'pending' AND (not_before IS NULL OR not_before <= now()))::int AS waiting,
                count(*) FILTER (WHERE status = 'sending')::int AS inflight
           FROM campaign_messages WHERE campaign_id = $1`,
        [campaignId],
      );
    if (waiting || deferred || inflight) {
      // Claimable rows locked by another sender's batch: look again shortly; in flight: after the lease.
      const startAfter = waiting
        ? new Date(Date.now() + 1000)
        : (deferred ?? new Date(Date.now() + this.settings.SEND_LEASE_SECONDS * 1000));
      await this.jobs.send(CAMPAIGN_SEND_JOB, { campaignId }, { startAfter });
      return;
    }
    await inTransaction(this.dataSource, async (m) => {
      const row = await findCampaign(m, campaignId, true);
      if (row.status !== 'sending') return;
      await m.query(
        `UPDATE campaigns SET status = 'done', completed_at = now(), version = version + 1, updated_at = now() WHERE id = $1`,
        [campaignId],
      );
      const done = await findCampaign(m, campaignId);
      await this.events.publish(m, {
        type: MARKETING_EVENTS.campaignCompleted,
        subject: campaignId,
        version: done.version,
        data: toPayload(done, await countsOf(m, campaignId)),
      });
    });
  }
}
