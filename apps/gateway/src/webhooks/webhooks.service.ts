import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { validationFailed, type Principal, type FieldProblem } from '@crm/platform';
import { decodeCursor, encodeCursor, inTransaction, returnedRows, uuidv7 } from '@crm/persistence';
import { webhookError } from '../shared/webhook-errors';
import { refusedUrl, resolvePublic, TargetRefused, type TargetPolicy } from './target-guard';
import { isPattern, newSecret, type EventFilter } from './webhook-rules';
import { WEBHOOK_SETTINGS } from './webhook-tokens';
import type { WebhookSettings } from './webhook-settings';
import type { CreateWebhookDto, UpdateWebhookDto } from './dto/webhook.dto';

export const DELIVERIES_CHANNEL = 'crm_webhook_deliveries';

export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  filter: EventFilter;
  description: string | null;
  status: 'active' | 'paused' | 'disabled';
  statusReason: string | null;
  owner: { subject: string; kind: string };
  previousSecretValidUntil: string | null;
  lastSuccessAt: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  subject: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  lastLatencyMs: number | null;
  responseExcerpt: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

interface SubscriptionRow {
  id: string;
  url: string;
  patterns: string[];
  filter: EventFilter;
  description: string | null;
  status: WebhookView['status'];
  status_reason: string | null;
  owner_subject: string;
  owner_kind: string;
  previous_secret_until: Date | null;
  last_success_at: Date | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

function toView(r: SubscriptionRow): WebhookView {
  return {
    id: r.id,
    url: r.url,
    events: r.patterns,
    filter: r.filter,
    description: r.description,
    status: r.status,
    statusReason: r.status_reason,
    owner: { subject: r.owner_subject, kind: r.owner_kind },
    previousSecretValidUntil:
      r.previous_secret_until && r.previous_secret_until > new Date() ? iso(r.previous_secret_until) : null,
    lastSuccessAt: iso(r.last_success_at),
    version: r.version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

const COLUMNS = `id, url, patterns, filter, description, status, status_reason, owner_subject, owner_kind,
  previous_secret_until, last_success_at, version, created_at, updated_at`;

/** Subscriptions (admin-managed), their delivery log, replays and pings. Deliveries themselves: WebhookDispatcher. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(WEBHOOK_SETTINGS) private readonly settings: WebhookSettings,
  ) {}

  private policy(): TargetPolicy {
    return {
      allowedTargets: this.settings.allowedTargets,
      allowHttp: this.settings.allowHttp,
      suiteHosts: this.settings.suiteHosts,
    };
  }

  /** The target must be allowed by its syntax and, unless allowed by configuration, resolve to public addresses only. */
  private async checkTarget(url: string): Promise<void> {
    const policy = this.policy();
    const refused = refusedUrl(url, policy);
    const fail = (message: string) =>
      webhookError('WEBHOOK_TARGET_REFUSED', `The webhook URL is refused: ${message}`, {
        errors: [{ field: 'url', message }],
      });
    if (refused) throw fail(refused);
    const target = new URL(url);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const port = target.port || (target.protocol === 'https:' ? '443' : '80');
    const allowed = policy.allowedTargets.some((t) => t === host || t === `${host}:${port}`);
    if (allowed) return;
    try {
      await resolvePublic(host);
    } catch (error) {
      throw fail(error instanceof TargetRefused ? error.message : `${host} does not resolve`);
    }
  }

  private checkEvents(events: string[] | undefined, filter: EventFilter | undefined): void {
    const problems: FieldProblem[] = [];
    (events ?? []).forEach((p, i) => {
      if (!isPattern(p))
        problems.push({
          field: `events[${i}]`,
          message: 'must be an event type pattern such as crm.sales.order.*, crm.*.erasure.completed or *',
        });
    });
    for (const [path, value] of Object.entries(filter ?? {})) {
      const scalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
      if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+){0,7}$/.test(path))
        problems.push({ field: `filter.${path}`, message: 'must be a dotted field path such as data.channel' });
      else if (!(Array.isArray(value) ? value.length > 0 && value.length <= 50 && value.every(scalar) : scalar(value)))
        problems.push({
          field: `filter.${path}`,
          message: 'must be a string, number, boolean or null, or a list of them',
        });
    }
    if (problems.length) throw validationFailed(problems);
  }

  async create(dto: CreateWebhookDto, owner: Principal): Promise<WebhookView & { secret: string }> {
    this.checkEvents(dto.events, dto.filter);
    await this.checkTarget(dto.url);
    const secret = newSecret();
    const now = new Date();
    const rows: SubscriptionRow[] = await this.dataSource.query(
      `INSERT INTO webhook_subscriptions (id, owner_subject, owner_kind, owner_permissions, url, patterns, filter,
         description, status, secret, version, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11) RETURNING ${COLUMNS}`,
      [
        uuidv7(),
        owner.subject,
        owner.kind,
        owner.permissions,
        dto.url,
        [...new Set(dto.events)],
        JSON.stringify(dto.filter ?? {}),
        dto.description ?? null,
        dto.active === false ? 'paused' : 'active',
        secret,
        now,
      ],
    );
    return { ...toView(rows[0]), secret };
  }

  async get(id: string): Promise<WebhookView> {
    const rows: SubscriptionRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM webhook_subscriptions WHERE id = $1`,
      [id],
    );
    if (!rows[0]) throw webhookError('WEBHOOK_NOT_FOUND', `No webhook ${id}`);
    return toView(rows[0]);
  }

  async list(limit: number, cursor?: string): Promise<{ items: WebhookView[]; nextCursor: string | null }> {
    const after = cursor ? (decodeCursor(cursor, 1)[0] as string) : null;
    const rows: SubscriptionRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM webhook_subscriptions WHERE ($1::uuid IS NULL OR id < $1::uuid) ORDER BY id DESC LIMIT $2`,
      [after, limit + 1],
    );
    const items = rows.slice(0, limit).map(toView);
    return { items, nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null };
  }

  private async locked(m: EntityManager, id: string, version: number | undefined): Promise<SubscriptionRow> {
    const rows: SubscriptionRow[] = await m.query(
      `SELECT ${COLUMNS} FROM webhook_subscriptions WHERE id = $1 FOR UPDATE`,
      [id],
    );
    if (!rows[0]) throw webhookError('WEBHOOK_NOT_FOUND', `No webhook ${id}`);
    if (version !== undefined && rows[0].version !== version)
      throw webhookError('WEBHOOK_VERSION_CONFLICT', `The webhook is at version ${rows[0].version}, not ${version}`, {
        currentVersion: rows[0].version,
      });
    return rows[0];
  }

  async update(id: string, dto: UpdateWebhookDto, version: number | undefined): Promise<WebhookView> {
    this.checkEvents(dto.events, dto.filter);
    if (dto.url !== undefined) await this.checkTarget(dto.url);
    return inTransaction(this.dataSource, async (m) => {
      const current = await this.locked(m, id, version);
      const status = dto.status ?? current.status;
      const rows = returnedRows<SubscriptionRow>(
        await m.query(
          `UPDATE webhook_subscriptions SET url = $2, patterns = $3, filter = $4, description = $5, status = $6,
           status_reason = CASE WHEN $6 = 'disabled' THEN status_reason ELSE NULL END,
           version = version + 1, updated_at = now()
         WHERE id = $1 RETURNING ${COLUMNS}`,
          [
            id,
            dto.url ?? current.url,
            dto.events ? [...new Set(dto.events)] : current.patterns,
            JSON.stringify(dto.filter ?? current.filter),
            dto.description !== undefined ? dto.description : current.description,
            status,
          ],
        ),
      );
      if (status === 'active') await m.query(`SELECT pg_notify($1, '')`, [DELIVERIES_CHANNEL]);
      return toView(rows[0]);
    });
  }

  async remove(id: string): Promise<void> {
    const [, count] = (await this.dataSource.query(`DELETE FROM webhook_subscriptions WHERE id = $1`, [id])) as [
      unknown,
      number,
    ];
    if (!count) throw webhookError('WEBHOOK_NOT_FOUND', `No webhook ${id}`);
  }

  /** A new secret; the previous one keeps signing (as a second v1 signature) for the grace period. */
  async rotateSecret(
    id: string,
  ): Promise<{ secret: string; previousSecretValidUntil: string | null; version: number }> {
    return inTransaction(this.dataSource, async (m) => {
      await this.locked(m, id, undefined);
      const secret = newSecret();
      const rows = returnedRows<{ previous_secret_until: Date | null; version: number }>(
        await m.query(
          `UPDATE webhook_subscriptions SET previous_secret = secret, secret = $2,
           previous_secret_until = now() + make_interval(hours => $3), version = version + 1, updated_at = now()
         WHERE id = $1 RETURNING previous_secret_until, version`,
          [id, secret, this.settings.secretGraceHours],
        ),
      );
      return {
        secret,
        previousSecretValidUntil: this.settings.secretGraceHours > 0 ? iso(rows[0].previous_secret_until) : null,
        version: rows[0].version,
      };
    });
  }

  /** Queues one delivery for one subscription, in the caller's transaction (the intake and the ping). */
  static async enqueue(
    m: EntityManager,
    subscriptionId: string,
    event: { id: string; type: string; subject?: string; [k: string]: unknown },
  ): Promise<string | null> {
    const id = uuidv7();
    const rows: { id: string }[] = await m.query(
      `INSERT INTO webhook_deliveries (id, subscription_id, event_id, event_type, event_subject, event, status,
         next_attempt_at, retry_since, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'pending', now(), now(), now())
       ON CONFLICT (subscription_id, event_id) DO NOTHING RETURNING id`,
      [id, subscriptionId, event.id, event.type, event.subject ?? '', JSON.stringify(event)],
    );
    return rows[0]?.id ?? null;
  }

  /** A test event (`crm.gateway.webhook.ping`) through the same delivery path as real ones. */
  async ping(id: string): Promise<{ deliveryId: string; eventId: string }> {
    await this.get(id);
    const eventId = uuidv7();
    const event = {
      specversion: '1.0',
      id: eventId,
      source: 'crm/gateway',
      type: 'crm.gateway.webhook.ping',
      subject: id,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      data: { webhookId: id },
    };
    const deliveryId = await inTransaction(this.dataSource, async (m) => {
      const d = await WebhooksService.enqueue(m, id, event);
      await m.query(`SELECT pg_notify($1, '')`, [DELIVERIES_CHANNEL]);
      return d as string; // a fresh event id: never a duplicate
    });
    return { deliveryId, eventId };
  }

  async deliveries(
    id: string,
    limit: number,
    cursor: string | undefined,
    status: DeliveryView['status'] | undefined,
  ): Promise<{ items: DeliveryView[]; nextCursor: string | null }> {
    await this.get(id);
    const after = cursor ? (decodeCursor(cursor, 1)[0] as string) : null;
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT id, event_id, event_type, event_subject, status, attempts, next_attempt_at, last_attempt_at, last_status,
              last_error, last_latency_ms, response_excerpt, created_at, delivered_at
         FROM webhook_deliveries
        WHERE subscription_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::uuid IS NULL OR id < $3::uuid)
        ORDER BY id DESC LIMIT $4`,
      [id, status ?? null, after, limit + 1],
    );
    const items = rows.slice(0, limit).map(
      (r): DeliveryView => ({
        id: r['id'] as string,
        eventId: r['event_id'] as string,
        eventType: r['event_type'] as string,
        subject: r['event_subject'] as string,
        status: r['status'] as DeliveryView['status'],
        attempts: r['attempts'] as number,
        nextAttemptAt: r['status'] === 'pending' ? iso(r['next_attempt_at'] as Date) : null,
        lastAttemptAt: iso(r['last_attempt_at'] as Date | null),
        lastStatus: (r['last_status'] as number | null) ?? null,
        lastError: (r['last_error'] as string | null) ?? null,
        lastLatencyMs: (r['last_latency_ms'] as number | null) ?? null,
        responseExcerpt: (r['response_excerpt'] as string | null) ?? null,
        createdAt: (r['created_at'] as Date).toISOString(),
        deliveredAt: iso(r['delivered_at'] as Date | null),
      }),
    );
    return { items, nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null };
  }

  /** A dead delivery goes back to the queue with a fresh retry period. */
  async replay(id: string, deliveryId: string): Promise<void> {
    await this.get(id);
    await inTransaction(this.dataSource, async (m) => {
      const rows: { status: string }[] = await m.query(
        `SELECT status FROM webhook_deliveries WHERE id = $1 AND subscription_id = $2 FOR UPDATE`,
        [deliveryId, id],
      );
      if (!rows[0]) throw webhookError('WEBHOOK_DELIVERY_NOT_FOUND', `No delivery ${deliveryId} of webhook ${id}`);
      if (rows[0].status !== 'dead')
        throw webhookError('WEBHOOK_DELIVERY_NOT_DEAD', `Delivery ${deliveryId} is ${rows[0].status}, not dead`);
      await m.query(
        `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(), retry_since = now(),
           last_error = NULL WHERE id = $1`,
        [deliveryId],
      );
      await m.query(`SELECT pg_notify($1, '')`, [DELIVERIES_CHANNEL]);
    });
  }
}
