import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import type { DataSource } from 'typeorm';
import { CONTACTS_EVENTS, type ActivityLoggedPayload } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { decodeCursor, encodeCursor, uuidv7 } from '@crm/persistence';
import { type Principal } from '@crm/platform';
import { lockActive } from '../people/people.service';
import { notFound } from '../shared/normalise';
import { ACTIVITY_TYPES, Activity } from './activity.entity';

export class LogActivityDto {
  @IsIn(ACTIVITY_TYPES) type!: string;
  @IsString() @Length(1, 200) subject!: string;
  @IsOptional() @IsString() @MaxLength(20_000) body?: string;
  @IsOptional() @IsISO8601({ strict: true }) occurredAt?: string;
  @IsOptional() @IsInt() @Min(0) @Max(24 * 60) durationMinutes?: number;
}

export class PageQueryDto {
  @IsOptional() @Type(() => Number) @IsInt({ message: 'must be a whole number from 1 to 200' }) @Min(1) @Max(200) limit?: number;
  @IsOptional() @IsString() @MaxLength(1024) cursor?: string;
}

export interface TimelineEntry {
  kind: 'activity' | 'consent';
  id: string;
  at: string;
  type: string;
  subject: string;
  body: string | null;
  actor: string;
}

@Injectable()
export class ActivitiesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
  ) {}

  async log(target: { personId?: string; accountId?: string }, dto: LogActivityDto, by: Principal): Promise<Activity> {
    return this.dataSource.transaction(async (m) => {
      if (target.personId) await lockActive(m, target.personId);
      if (target.accountId && !(await m.query(`SELECT 1 FROM accounts WHERE id = $1`, [target.accountId])).length) {
        throw notFound('ACCOUNT', target.accountId);
      }
      const activity = m.getRepository(Activity).create({
        id: uuidv7(),
        personId: target.personId ?? null,
        accountId: target.accountId ?? null,
        type: dto.type,
        subject: dto.subject,
        body: dto.body ?? null,
        occurredAt: dto.occurredAt ? new Date(dto.occurredAt) : new Date(),
        durationMinutes: dto.durationMinutes ?? null,
        actor: by.subject,
      });
      await m.getRepository(Activity).insert(activity);
      const data: ActivityLoggedPayload = {
        id: activity.id,
        contactId: activity.personId,
        accountId: activity.accountId,
        type: activity.type,
        subject: activity.subject,
        occurredAt: activity.occurredAt.toISOString(),
        actor: activity.actor,
      };
      await this.events.publish(m, { type: CONTACTS_EVENTS.activityLogged, subject: activity.id, version: 1, data });
      return activity;
    });
  }

  /** Activities and consent decisions of one person, newest first, keyset paged. */
  async timeline(personId: string, page: PageQueryDto): Promise<{ items: TimelineEntry[]; nextCursor: string | null }> {
    const limit = page.limit ?? 50;
    const params: unknown[] = [personId, limit + 1];
    let after = '';
    if (page.cursor) {
      const [at, id] = decodeCursor(page.cursor, 2);
      params.push(at, id);
      after = `WHERE (t.at, t.id) < ($3::timestamptz, $4::text)`;
    }
    const rows: { kind: 'activity' | 'consent'; id: string; at: Date; at_text: string; type: string; subject: string; body: string | null; actor: string }[] =
      await this.dataSource.query(
        `SELECT t.*, to_char(t.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_text FROM (
           SELECT 'activity' AS kind, id::text AS id, occurred_at AS at, type, subject, body, actor
             FROM activities WHERE person_id = $1
           UNION ALL
           SELECT 'consent', id::text, decided_at, 'consent',
                  concat(channel, ' / ', purpose, ': ', CASE WHEN granted THEN 'granted' ELSE 'withdrawn' END), source, recorded_by
             FROM consent_history WHERE person_id = $1
         ) t ${after}
         ORDER BY t.at DESC, t.id DESC LIMIT $2`,
        params,
      );
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map((r) => ({ kind: r.kind, id: r.id, at: r.at.toISOString(), type: r.type, subject: r.subject, body: r.body, actor: r.actor })),
      nextCursor: rows.length > limit && last ? encodeCursor([last.at_text, last.id]) : null,
    };
  }
}
