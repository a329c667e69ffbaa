import { Injectable, Logger } from '@nestjs/common';
import { JobRunner } from '@crm/jobs';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { MARKETING_EVENTS, type SegmentRebuiltPayload } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { inTransaction } from '@crm/persistence';
import { compileFilter } from './segment-filter';
import { MembershipService } from './membership.service';

/** Contacts per chunk of a rebuild; progress is committed after each. */
const CHUNK = 100_000;

export const SEGMENT_BUILD_JOB = 'marketing-segment-build';

/**
 * Full rebuilds, only when a dynamic segment's definition changes: a durable
 * job (pg-boss) queued in the transaction of the change, so it survives a
 * restart and runs once across replicas (plus an advisory lock per segment).
 * The members are rewritten chunk by chunk over the mirror's key, with
 * progress committed after each; contacts whose mirror row changed while it
 * ran are evaluated again afterwards, so a live change during a rebuild is
 * never lost. A newer definition makes an older build stop.
 */
@Injectable()
export class SegmentBuilder {
  private readonly logger = new Logger('SegmentBuilder');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
    private readonly membership: MembershipService,
    private readonly jobs: JobRunner,
  ) {
    jobs.register<{ segmentId: string }>({
      name: SEGMENT_BUILD_JOB,
      pollingIntervalSeconds: 0.5,
      expireInSeconds: 600,
      handler: async ({ segmentId }) => {
        await this.buildOne(segmentId);
      },
    });
  }

  /** Queues a rebuild in the transaction that changed the definition. */
  async request(manager: EntityManager, segmentId: string): Promise<void> {
    await this.jobs.send(SEGMENT_BUILD_JOB, { segmentId }, {}, manager);
  }

  /** Builds a segment if it waits for a build; a build already running elsewhere makes this one fail and retry. */
  async buildOne(id: string): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }]: { locked: boolean }[] = await runner.query(
        `SELECT pg_try_advisory_lock(hashtext('marketing.segment-build'), hashtext($1)) AS locked`,
        [id],
      );
      if (!locked) throw new Error(`segment ${id} is being built by another worker`);
      try {
        await this.build(id);
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtext('marketing.segment-build'), hashtext($1))`, [id]);
      }
    } finally {
      await runner.release();
    }
  }

  private async build(id: string): Promise<void> {
    const started = Date.now();
    const [seg]: { definition: unknown; definition_version: number; status: string }[] = await this.dataSource.query(
      `SELECT definition, definition_version, status FROM segments WHERE id = $1`,
      [id],
    );
    if (!seg || seg.status !== 'building') return;
    const version = seg.definition_version;
    const [{ startedAt, total }]: { startedAt: Date; total: number }[] = await this.dataSource
      .query(
        `UPDATE segments SET build_started_at = clock_timestamp(), build_done = 0,
         build_total = (SELECT count(*) FROM contact_mirror) WHERE id = $1
       RETURNING build_started_at AS "startedAt", build_total AS total`,
        [id],
      )
      .then((r: [{ startedAt: Date; total: number }[], number]) => r[0]);
    const params: unknown[] = [id];
    const predicate = compileFilter(seg.definition, params);
    const n = params.length;
    // Chunk bounds in one pass over the key; a first build has no members to drop.
    const bounds: string[] = (
      await this.dataSource.query(
        `SELECT contact_id FROM (SELECT contact_id, row_number() OVER (ORDER BY contact_id) AS rn FROM contact_mirror) x
          WHERE rn % $1 = 0 ORDER BY contact_id`,
        [CHUNK],
      )
    ).map((r: { contact_id: string }) => r.contact_id);
    bounds.push('ffffffff-ffff-ffff-ffff-ffffffffffff');
    const [{ had }]: { had: boolean }[] = await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM segment_members WHERE segment_id = $1) AS had`,
      [id],
    );
    let after = '00000000-0000-0000-0000-000000000000';
    let entered = 0;
    let left = 0;
    let done = 0;
    for (const upto of bounds) {
      const range = `m.contact_id > $${n + 1}::uuid AND m.contact_id <= $${n + 2}::uuid`;
      const stillCurrent = await inTransaction(this.dataSource, async (manager: EntityManager) => {
        const [cur]: { definition_version: number }[] = await manager.query(
          `SELECT definition_version FROM segments WHERE id = $1 FOR SHARE`,
          [id],
        );
        if (cur?.definition_version !== version) return false;
        if (had) {
          const [{ removed }]: { removed: number }[] = await manager.query(
            `WITH gone AS (
               DELETE FROM segment_members sm USING contact_mirror m
                WHERE sm.segment_id = $1 AND m.contact_id = sm.contact_id AND ${range}
                  AND NOT (m.status = 'active' AND COALESCE(${predicate}, false))
               RETURNING 1)
             SELECT count(*)::int AS removed FROM gone`,
            [...params, after, upto],
          );
          left += Number(removed);
        }
        const [{ added }]: { added: number }[] = await manager.query(
          `WITH fresh AS (
             INSERT INTO segment_members (segment_id, contact_id)
               SELECT $1, m.contact_id FROM contact_mirror m
                WHERE ${range} AND m.status = 'active' AND COALESCE(${predicate}, false)
               ON CONFLICT DO NOTHING
             RETURNING 1)
           SELECT count(*)::int AS added FROM fresh`,
          [...params, after, upto],
        );
        entered += Number(added);
        done = Math.min(total, done + CHUNK);
        await manager.query(`UPDATE segments SET build_done = $2 WHERE id = $1`, [id, done]);
        return true;
      });
      if (!stillCurrent) return;
      after = upto;
    }
    // Contacts changed while the chunks ran: the live path may have seen the old definition.
    const changed: { contact_id: string }[] = await this.dataSource.query(
      `SELECT contact_id FROM contact_mirror WHERE updated_at >= $1`,
      [startedAt],
    );
    for (let i = 0; i < changed.length; i += 1000)
      await inTransaction(this.dataSource, (manager) =>
        this.membership.reevaluate(
          manager,
          changed.slice(i, i + 1000).map((c) => c.contact_id),
        ),
      );
    await inTransaction(this.dataSource, async (manager) => {
      const [, updated] = await manager.query(
        `UPDATE segments SET status = 'ready', built_version = $2, built_at = clock_timestamp(), build_done = build_total,
                build_ms = $3 WHERE id = $1 AND definition_version = $2`,
        [id, version, Date.now() - started],
      );
      if (!updated) return;
      const [{ members }]: { members: number }[] = await manager.query(
        `SELECT count(*)::int AS members FROM segment_members WHERE segment_id = $1`,
        [id],
      );
      const data: SegmentRebuiltPayload = {
        segmentId: id,
        definitionVersion: version,
        members,
        entered,
        left,
        tookMs: Date.now() - started,
      };
      await this.events.publish(manager, { type: MARKETING_EVENTS.segmentRebuilt, subject: id, version, data });
    });
    this.logger.log(`segment ${id} v${version} built in ${Date.now() - started} ms (+${entered} -${left})`);
  }
}
