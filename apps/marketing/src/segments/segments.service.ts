import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, inTransaction, uuidv7 } from '@crm/persistence';
import { validationFailed, type Page } from '@crm/platform';
import { marketingError } from '../shared/marketing-errors';
import { checkFilter, compileFilter } from './segment-filter';
import { MembershipService } from './membership.service';
import { SegmentBuilder } from './segment-builder';
import { findSegment, SEGMENT_SELECT, toSegmentView, type SegmentRow, type SegmentView } from './segments.repository';
import type { CreateSegmentDto, UpdateSegmentDto } from './dto/segment.dto';

export interface PreviewView {
  count: number;
  sample: { contactId: string; displayName: string | null; country: string | null; lifecycleStage: string | null }[];
}

@Injectable()
export class SegmentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly builder: SegmentBuilder,
    private readonly membership: MembershipService,
  ) {}

  private check(definition: unknown): void {
    const problems = checkFilter(definition);
    if (problems.length) throw validationFailed(problems);
  }

  async create(dto: CreateSegmentDto): Promise<SegmentView> {
    if (dto.kind === 'dynamic') {
      if (dto.definition === undefined)
        throw validationFailed([{ field: 'definition', message: 'a dynamic segment needs a definition' }]);
      this.check(dto.definition);
    } else if (dto.definition !== undefined) {
      throw validationFailed([{ field: 'definition', message: 'a static segment has no definition' }]);
    }
    const id = uuidv7();
    const view = await inTransaction(this.dataSource, async (m) => {
      await m.query(
        `INSERT INTO segments (id, name, description, kind, definition, status) VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          id,
          dto.name,
          dto.description ?? null,
          dto.kind,
          dto.definition === undefined ? null : JSON.stringify(dto.definition),
          dto.kind === 'dynamic' ? 'building' : 'ready',
        ],
      );
      if (dto.kind === 'dynamic') await this.builder.request(m, id);
      return toSegmentView((await findSegment(m, id)) as SegmentRow);
    });
    return view;
  }

  async get(id: string): Promise<SegmentView> {
    const row = await findSegment(this.dataSource.manager, id);
    if (!row) throw marketingError('SEGMENT_NOT_FOUND', `No segment ${id}`);
    return toSegmentView(row);
  }

  async list(page: { limit?: number; cursor?: string }): Promise<Page<SegmentView>> {
    const limit = page.limit ?? 50;
    const after = page.cursor ? String(decodeCursor(page.cursor, 1)[0]) : null;
    const rows: SegmentRow[] = await this.dataSource.query(
      `${SEGMENT_SELECT} WHERE ($1::uuid IS NULL OR s.id < $1::uuid) ORDER BY s.id DESC LIMIT $2`,
      [after, limit + 1],
    );
    const items = rows.slice(0, limit).map(toSegmentView);
    return { items, nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null };
  }

  async update(id: string, dto: UpdateSegmentDto, ifMatch?: number): Promise<SegmentView> {
    const view = await inTransaction(this.dataSource, async (m) => {
      const row = await findSegment(m, id, true);
      if (!row) throw marketingError('SEGMENT_NOT_FOUND', `No segment ${id}`);
      const expected = ifMatch ?? dto.version;
      if (expected !== undefined && expected !== row.version)
        throw marketingError('VERSION_CONFLICT', `Segment ${id} is at version ${row.version}, not ${expected}`, {
          currentVersion: row.version,
        });
      if (dto.definition !== undefined) {
        if (row.kind === 'static')
          throw validationFailed([{ field: 'definition', message: 'a static segment has no definition' }]);
        this.check(dto.definition);
      }
      const redefined =
        dto.definition !== undefined && JSON.stringify(dto.definition) !== JSON.stringify(row.definition);
      await m.query(
        `UPDATE segments SET name = COALESCE($2, name), description = COALESCE($3, description),
           definition = COALESCE($4::jsonb, definition), version = version + 1, updated_at = now(),
           definition_version = definition_version + $5::int,
           status = CASE WHEN $5::int = 1 THEN 'building' ELSE status END
         WHERE id = $1`,
        [
          id,
          dto.name ?? null,
          dto.description ?? null,
          redefined ? JSON.stringify(dto.definition) : null,
          redefined ? 1 : 0,
        ],
      );
      if (redefined) await this.builder.request(m, id);
      return toSegmentView((await findSegment(m, id)) as SegmentRow);
    });
    return view;
  }

  async remove(id: string): Promise<void> {
    await inTransaction(this.dataSource, async (m) => {
      const [, n] = await m.query(`DELETE FROM segments WHERE id = $1`, [id]);
      if (!n) throw marketingError('SEGMENT_NOT_FOUND', `No segment ${id}`);
    });
  }

  /** Count and a sample of what a definition would hold now, without saving anything. */
  async preview(definition: unknown, sample = 10): Promise<PreviewView> {
    this.check(definition);
    const params: unknown[] = [];
    const predicate = compileFilter(definition, params);
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      await m.query(`SET LOCAL statement_timeout = '10s'`);
      const [{ count }]: { count: number }[] = await m.query(
        `SELECT count(*)::int AS count FROM contact_mirror m WHERE m.status = 'active' AND COALESCE(${predicate}, false)`,
        params,
      );
      const rows: {
        contact_id: string;
        display_name: string | null;
        country: string | null;
        lifecycle_stage: string | null;
      }[] =
        sample > 0
          ? await m.query(
              `SELECT contact_id, display_name, country, lifecycle_stage FROM contact_mirror m
                WHERE m.status = 'active' AND COALESCE(${predicate}, false) LIMIT ${Number(sample)}`,
              params,
            )
          : [];
      return {
        count,
        sample: rows.map((r) => ({
          contactId: r.contact_id,
          displayName: r.display_name,
          country: r.country,
          lifecycleStage: r.lifecycle_stage,
        })),
      };
    });
  }

  async members(
    id: string,
    page: { limit?: number; cursor?: string },
  ): Promise<Page<{ contactId: string; enteredAt: string }>> {
    await this.get(id);
    const limit = page.limit ?? 50;
    const after = page.cursor ? String(decodeCursor(page.cursor, 1)[0]) : null;
    const rows: { contact_id: string; entered_at: Date }[] = await this.dataSource.query(
      `SELECT contact_id, entered_at FROM segment_members WHERE segment_id = $1 AND ($2::uuid IS NULL OR contact_id > $2::uuid)
        ORDER BY contact_id LIMIT $3`,
      [id, after, limit + 1],
    );
    const items = rows.slice(0, limit).map((r) => ({ contactId: r.contact_id, enteredAt: r.entered_at.toISOString() }));
    return { items, nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].contactId]) : null };
  }

  async addStatic(id: string, contactIds: string[]): Promise<SegmentView> {
    return inTransaction(this.dataSource, async (m) => {
      const row = await findSegment(m, id, true);
      if (!row) throw marketingError('SEGMENT_NOT_FOUND', `No segment ${id}`);
      if (row.kind !== 'static')
        throw marketingError('SEGMENT_NOT_STATIC', `Segment ${id} is dynamic: its filter decides`);
      const entered: { segment_id: string; contact_id: string }[] = await m.query(
        `INSERT INTO segment_members (segment_id, contact_id) SELECT $1, unnest($2::uuid[])
         ON CONFLICT DO NOTHING RETURNING segment_id, contact_id`,
        [id, [...new Set(contactIds)]],
      );
      await this.membership.announce(m, entered, []);
      return toSegmentView((await findSegment(m, id)) as SegmentRow);
    });
  }

  async removeStatic(id: string, contactId: string): Promise<void> {
    await inTransaction(this.dataSource, async (m) => {
      const row = await findSegment(m, id, true);
      if (!row) throw marketingError('SEGMENT_NOT_FOUND', `No segment ${id}`);
      if (row.kind !== 'static')
        throw marketingError('SEGMENT_NOT_STATIC', `Segment ${id} is dynamic: its filter decides`);
      const [left] = await m.query(
        `DELETE FROM segment_members WHERE segment_id = $1 AND contact_id = $2 RETURNING segment_id, contact_id`,
        [id, contactId],
      );
      await this.membership.announce(m, [], left);
    });
  }
}
