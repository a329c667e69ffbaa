import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { MARKETING_EVENTS, type SegmentMembershipPayload } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { compileFilter } from './segment-filter';

interface DynamicSegment {
  id: string;
  definition_version: number;
  definition: unknown;
}

interface CompiledSet {
  key: string;
  ids: string[];
  sql: string;
  params: unknown[];
}

/**
 * Keeps segment membership live: when an event changes a contact, only that
 * contact is evaluated against every dynamic segment, in one query, inside
 * the transaction that applied the event (which holds the contact's mirror
 * row lock), and the differences become segment entered/left events.
 */
@Injectable()
export class MembershipService {
  private compiled?: CompiledSet;

  constructor(private readonly events: EventPublisher) {}

  /** One statement that evaluates every dynamic segment for the contacts in $1. */
  private compile(segments: DynamicSegment[]): CompiledSet {
    const key = segments.map((s) => `${s.id}:${s.definition_version}`).join(',');
    if (this.compiled?.key === key) return this.compiled;
    const params: unknown[] = [null];
    const predicates = segments.map((s) => `COALESCE(${compileFilter(s.definition, params)}, false)`);
    const sql = `SELECT m.contact_id, ARRAY[${predicates.join(', ')}]::boolean[] AS hits
                   FROM contact_mirror m WHERE m.contact_id = ANY($1::uuid[]) AND m.status = 'active'`;
    this.compiled = { key, ids: segments.map((s) => s.id), sql, params };
    return this.compiled;
  }

  async reevaluate(manager: EntityManager, contactIds: string[]): Promise<{ entered: number; left: number }> {
    if (contactIds.length === 0) return { entered: 0, left: 0 };
    const segments: DynamicSegment[] = await manager.query(
      `SELECT id, definition_version, definition FROM segments WHERE kind = 'dynamic' ORDER BY id`,
    );
    const should = new Set<string>();
    const dynamicIds = segments.map((s) => s.id);
    if (segments.length) {
      const set = this.compile(segments);
      const rows: { contact_id: string; hits: boolean[] }[] = await manager.query(set.sql, [
        contactIds,
        ...set.params.slice(1),
      ]);
      for (const r of rows) r.hits.forEach((hit, i) => hit && should.add(`${set.ids[i]}|${r.contact_id}`));
    }
    const current: { segment_id: string; contact_id: string }[] = dynamicIds.length
      ? await manager.query(
          `SELECT segment_id, contact_id FROM segment_members WHERE contact_id = ANY($1::uuid[]) AND segment_id = ANY($2::uuid[])`,
          [contactIds, dynamicIds],
        )
      : [];
    const has = new Set(current.map((r) => `${r.segment_id}|${r.contact_id}`));
    const enter = [...should].filter((k) => !has.has(k)).map((k) => k.split('|'));
    const leave = [...has].filter((k) => !should.has(k)).map((k) => k.split('|'));
    const entered = enter.length
      ? ((await manager.query(
          `INSERT INTO segment_members (segment_id, contact_id)
             SELECT * FROM unnest($1::uuid[], $2::uuid[]) ON CONFLICT DO NOTHING RETURNING segment_id, contact_id`,
          [enter.map((e) => e[0]), enter.map((e) => e[1])],
        )) as { segment_id: string; contact_id: string }[])
      : [];
    const left = leave.length
      ? ((
          await manager.query(
            `DELETE FROM segment_members s USING unnest($1::uuid[], $2::uuid[]) AS x(segment_id, contact_id)
              WHERE s.segment_id = x.segment_id AND s.contact_id = x.contact_id RETURNING s.segment_id, s.contact_id`,
            [leave.map((e) => e[0]), leave.map((e) => e[1])],
          )
        )[0] as { segment_id: string; contact_id: string }[])
      : [];
    await this.announce(manager, entered, left);
    return { entered: entered.length, left: left.length };
  }

  /** Segment entered/left events for membership rows that changed. */
  async announce(
    manager: EntityManager,
    entered: { segment_id: string; contact_id: string }[],
    left: { segment_id: string; contact_id: string }[],
  ): Promise<void> {
    const at = new Date().toISOString();
    const event = (type: string) => (r: { segment_id: string; contact_id: string }) => ({
      type,
      subject: r.contact_id,
      version: 1,
      data: { segmentId: r.segment_id, contactId: r.contact_id, at } satisfies SegmentMembershipPayload,
    });
    await this.events.publishAll(manager, [
      ...entered.map(event(MARKETING_EVENTS.segmentEntered)),
      ...left.map(event(MARKETING_EVENTS.segmentLeft)),
    ]);
  }
}
