import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CONTACTS_EVENTS, type ActivityLoggedPayload, type ActivitySummary } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { decodeCursor, encodeCursor, inTransaction, uuidv7 } from '@crm/persistence';
import { type Page, type PageQueryDto, type Principal } from '@crm/platform';
import { lockActive } from '../people/active-person';
import { notFound } from '../shared/normalise';
import { Activity } from './activity.entity';
import type { LogActivityDto } from './dto/activity.dto';
import { contactsError } from '../shared/contacts-errors';

export interface TimelineEntry {
  kind: 'activity' | 'consent';
  id: string;
  at: string;
  type: string;
  subject: string;
  body: string | null;
  actor: string;
}

export type ActivityTarget = { personId: string } | { accountId: string };

interface ActivityRow {
  id: string;
  type: string;
  subject: string;
  body: string | null;
  occurred_at: Date;
  at_text: string;
  duration_minutes: number | null;
  actor: string;
}

/** Microsecond-exact text of a timestamp, so a cursor loses nothing of it. */
const AT_TEXT = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

function cursorOf(values: (string | number | null)[]): [string, string] {
  const [at, id] = values;
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id)) {
    throw contactsError('CURSOR_INVALID', 'The cursor is not valid', {
      errors: [{ field: 'cursor', message: 'is not a cursor of this listing' }],
    });
  }
  return [at, id];
}

@Injectable()
export class ActivitiesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
  ) {}

  async log(target: ActivityTarget, dto: LogActivityDto, by: Principal): Promise<Activity> {
    return inTransaction(this.dataSource, async (m) => {
      if ('personId' in target) await lockActive(m, target.personId);
      else if (!(await m.query(`SELECT 1 FROM accounts WHERE id = $1 FOR KEY SHARE`, [target.accountId])).length)
        throw notFound('ACCOUNT', target.accountId);
      const activity = m.getRepository(Activity).create({
        id: uuidv7(),
        personId: 'personId' in target ? target.personId : null,
        accountId: 'accountId' in target ? target.accountId : null,
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

  /** Activities of a person or an account, newest first, keyset paged. */
  async list(target: ActivityTarget, page: PageQueryDto): Promise<Page<ActivitySummary>> {
    const limit = page.limit ?? 50;
    const column = 'personId' in target ? 'person_id' : 'account_id';
    const params: unknown[] = ['personId' in target ? target.personId : target.accountId, limit + 1];
    let after = '';
    if (page.cursor) {
      params.push(...cursorOf(decodeCursor(page.cursor, 2)));
      after = `AND (occurred_at, id) < ($3::timestamptz, $4::uuid)`;
    }
    const rows: ActivityRow[] = await this.dataSource.query(
      `SELECT id, type, subject, body, occurred_at, ${AT_TEXT('occurred_at')} AS at_text, duration_minutes, actor
         FROM activities WHERE ${column} = $1 ${after}
        ORDER BY occurred_at DESC, id DESC LIMIT $2`,
      params,
    );
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map(toSummary),
      nextCursor: rows.length > limit && last ? encodeCursor([last.at_text, last.id]) : null,
    };
  }

  /** The person's latest activities, for the customer 360. */
  async recent(personId: string, count: number): Promise<ActivitySummary[]> {
    return (await this.list({ personId }, { limit: count })).items;
  }

  /** Activities and consent decisions of one person, newest first, keyset paged. */
  async timeline(personId: string, page: PageQueryDto): Promise<Page<TimelineEntry>> {
    const limit = page.limit ?? 50;
    const params: unknown[] = [personId, limit + 1];
    let after = '';
    if (page.cursor) {
      params.push(...cursorOf(decodeCursor(page.cursor, 2)));
      after = `WHERE (t.at, t.id) < ($3::timestamptz, $4::text)`;
    }
    const rows: {
      kind: 'activity' | 'consent';
      id: string;
      at: Date;
      at_text: string;
      type: string;
      subject: string;
      body: string | null;
      actor: string;
    }[] = await this.dataSource.query(
      `SELECT t.*, ${AT_TEXT('t.at')} AS at_text FROM (
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
      items: items.map((r) => ({
        kind: r.kind,
        id: r.id,
        at: r.at.toISOString(),
        type: r.type,
        subject: r.subject,
        body: r.body,
        actor: r.actor,
      })),
      nextCursor: rows.length > limit && last ? encodeCursor([last.at_text, last.id]) : null,
    };
  }
}

function toSummary(r: ActivityRow): ActivitySummary {
  return {
    id: r.id,
    type: r.type,
    subject: r.subject,
    body: r.body,
    occurredAt: r.occurred_at.toISOString(),
    durationMinutes: r.duration_minutes,
    actor: r.actor,
  };
}
