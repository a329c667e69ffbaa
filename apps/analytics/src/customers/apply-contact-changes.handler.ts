import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import { applyInRounds } from '../shared/batch-rounds';

/** The few contact fields analytics keeps; every other field of the event is ignored. */
interface ContactFields {
  lifecycleStage?: string | null;
  country?: string | null;
  region?: string | null;
  city?: string | null;
  birthDate?: string | null;
  source?: { channel?: string | null; campaign?: string | null } | null;
  status?: string | null;
  createdAt?: string | null;
}

/**
 * Keeps customer_facts in step with contact created/updated/erased events.
 * A stale event (version not newer than the row's) changes nothing.
 * created/updated carry the whole snapshot, so a null there is a cleared
 * value and replaces the old one; erased keeps what the event leaves out.
 * A batch does the same in one statement per round of distinct contacts
 * (snapshots and erasures apart), and one for the stages reached.
 */
@Injectable()
@OnEvent('crm.contacts.contact.created', 'crm.contacts.contact.updated', 'crm.contacts.contact.erased')
export class ApplyContactChangesHandler implements EventHandler<ContactFields> {
  async handle(event: CloudEvent<ContactFields>, manager: EntityManager): Promise<void> {
    const d = event.data ?? {};
    const erased = event.type.endsWith('.erased');
    const status = erased ? 'erased' : (d.status ?? 'active');
    const stage = d.lifecycleStage ?? null;
    await manager.query(
      `INSERT INTO customer_facts AS f
         (contact_id, version, lifecycle_stage, country, acquisition_channel, status,
          became_customer_at, contact_created_at, last_event_at, updated_at, region, city, birth_year, acquisition_campaign)
       VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $3 = 'customer' THEN $7::timestamptz END, $8, $7, clock_timestamp(),
               $10, CASE WHEN $9 THEN NULL ELSE $11 END, CASE WHEN $9 THEN NULL ELSE $12::int END, $13)
       ON CONFLICT (contact_id) DO UPDATE SET
         version = EXCLUDED.version,
         lifecycle_stage = CASE WHEN $9 THEN COALESCE(EXCLUDED.lifecycle_stage, f.lifecycle_stage) ELSE EXCLUDED.lifecycle_stage END,
         country = CASE WHEN $9 THEN COALESCE(EXCLUDED.country, f.country) ELSE EXCLUDED.country END,
         acquisition_channel = CASE WHEN $9 THEN COALESCE(EXCLUDED.acquisition_channel, f.acquisition_channel) ELSE EXCLUDED.acquisition_channel END,
         status = CASE WHEN f.status = 'merged' THEN f.status ELSE EXCLUDED.status END,
         became_customer_at = COALESCE(f.became_customer_at, EXCLUDED.became_customer_at),
         contact_created_at = COALESCE(f.contact_created_at, EXCLUDED.contact_created_at),
         last_event_at = EXCLUDED.last_event_at,
         updated_at = clock_timestamp(),
         region = CASE WHEN $9 THEN COALESCE(EXCLUDED.region, f.region) ELSE EXCLUDED.region END,
         city = EXCLUDED.city,
         birth_year = EXCLUDED.birth_year,
         acquisition_campaign = CASE WHEN $9 THEN COALESCE(EXCLUDED.acquisition_campaign, f.acquisition_campaign) ELSE EXCLUDED.acquisition_campaign END
       WHERE f.version < EXCLUDED.version`,
      [
        event.subject,
        event.version,
        stage,
        d.country ?? null,
        d.source?.channel ?? null,
        status,
        event.time,
        d.createdAt ?? event.time,
        erased,
        d.region ?? null,
        d.city ?? null,
        birthYear(d.birthDate),
        d.source?.campaign ?? null,
      ],
    );
    if (stage && !erased)
      await manager.query(
        `INSERT INTO lifecycle_history (contact_id, stage, reached_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [event.subject, stage, event.time],
      );
  }

  async handleBatch(events: CloudEvent<ContactFields>[], manager: EntityManager): Promise<void> {
    await applyInRounds(
      events,
      (e) => e.subject,
      (e) => (e.type.endsWith('.erased') ? 'erased' : 'snapshot'),
      (kind, round) => this.applyRound(kind === 'erased', round, manager),
    );
  }

  /** Events of distinct contacts, all snapshots or all erasures: what `handle` does to each, in two statements. */
  private async applyRound(erased: boolean, events: CloudEvent<ContactFields>[], manager: EntityManager) {
    const rows = events.map((event) => {
      const d = event.data ?? {};
      return {
        id: event.subject,
        version: event.version,
        stage: d.lifecycleStage ?? null,
        country: d.country ?? null,
        channel: d.source?.channel ?? null,
        status: erased ? 'erased' : (d.status ?? 'active'),
        at: event.time,
        createdAt: d.createdAt ?? event.time,
        region: d.region ?? null,
        city: d.city ?? null,
        birthYear: birthYear(d.birthDate),
        campaign: d.source?.campaign ?? null,
      };
    });
    const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
    const keep = (column: string) => (erased ? `COALESCE(EXCLUDED.${column}, f.${column})` : `EXCLUDED.${column}`);
    await manager.query(
      `INSERT INTO customer_facts AS f
         (contact_id, version, lifecycle_stage, country, acquisition_channel, status,
          became_customer_at, contact_created_at, last_event_at, updated_at, region, city, birth_year, acquisition_campaign)
       SELECT id, version, stage, country, channel, status, CASE WHEN stage = 'customer' THEN at END, created_at, at,
              clock_timestamp(), region, ${erased ? 'NULL' : 'city'}, ${erased ? 'NULL::int' : 'birth_year'}, campaign
         FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[],
                     $8::timestamptz[], $9::text[], $10::text[], $11::int[], $12::text[])
              AS t(id, version, stage, country, channel, status, at, created_at, region, city, birth_year, campaign)
       ON CONFLICT (contact_id) DO UPDATE SET
         version = EXCLUDED.version,
         lifecycle_stage = ${keep('lifecycle_stage')},
         country = ${keep('country')},
         acquisition_channel = ${keep('acquisition_channel')},
         status = CASE WHEN f.status = 'merged' THEN f.status ELSE EXCLUDED.status END,
         became_customer_at = COALESCE(f.became_customer_at, EXCLUDED.became_customer_at),
         contact_created_at = COALESCE(f.contact_created_at, EXCLUDED.contact_created_at),
         last_event_at = EXCLUDED.last_event_at,
         updated_at = clock_timestamp(),
         region = ${keep('region')},
         city = EXCLUDED.city,
         birth_year = EXCLUDED.birth_year,
         acquisition_campaign = ${keep('acquisition_campaign')}
       WHERE f.version < EXCLUDED.version`,
      [
        col('id'),
        col('version'),
        col('stage'),
        col('country'),
        col('channel'),
        col('status'),
        col('at'),
        col('createdAt'),
        col('region'),
        col('city'),
        col('birthYear'),
        col('campaign'),
      ],
    );
    if (erased) return;
    const reached = rows.filter((r) => r.stage);
    if (reached.length)
      await manager.query(
        `INSERT INTO lifecycle_history (contact_id, stage, reached_at)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) ON CONFLICT DO NOTHING`,
        [reached.map((r) => r.id), reached.map((r) => r.stage), reached.map((r) => r.at)],
      );
  }
}

function birthYear(date: string | null | undefined): number | null {
  const m = /^(\d{4})-\d{2}-\d{2}/.exec(date ?? '');
  return m ? Number(m[1]) : null;
}
