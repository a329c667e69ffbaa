import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { SALES_EVENTS } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { inTransaction, uuidv7 } from '@crm/persistence';
import { validationFailed } from '@crm/platform';
import { DealFieldsService } from '../deal-fields/deal-fields.service';
import { LostReasonsService } from '../lost-reasons/lost-reasons.service';
import { pipelinesRepository } from '../pipelines/pipelines.repository';
import { salesError } from '../shared/sales-errors';
import { move, reopen, startIn, type StageRef, type Transition } from './deal-stage-machine';
import { toPayload, toStageChangedPayload, toView, type DealView } from './deal.mapper';
import { dealsRepository as repo, type DealChanges } from './deals.repository';
import type { CreateDealDto, MoveDealDto, UpdateDealDto } from './dto/deal.dto';

export interface StageMoveView {
  id: string;
  fromStageId: string | null;
  fromStageName: string | null;
  toStageId: string;
  toStageName: string;
  movedBy: string | null;
  movedAt: string;
  secondsInFromStage: number | null;
  secondsInStage: number;
  current: boolean;
  reopened: boolean;
}

const notFound = (id: string) => salesError('DEAL_NOT_FOUND', `No deal ${id}`);

@Injectable()
export class DealsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
    private readonly fields: DealFieldsService,
    private readonly lostReasons: LostReasonsService,
  ) {}

  create(dto: CreateDealDto, by: string | null): Promise<DealView> {
    return inTransaction(this.dataSource, async (m) => {
      const stages = await pipelinesRepository.stages(m, [dto.pipelineId]);
      if (!stages.length)
        throw salesError('PIPELINE_NOT_FOUND', `No pipeline ${dto.pipelineId}`, {
          errors: [{ field: 'pipelineId', message: 'is not a pipeline' }],
        });
      const firstOpen = stages.find((s) => s.kind === 'open' && !s.retired_at);
      const stageId = dto.stageId ?? firstOpen?.id;
      const stage = startIn(dto.pipelineId, await this.stageRef(m, stageId));
      await this.fields.check(m, dto.customFields ?? {}, false);
      const id = uuidv7();
      const at = new Date();
      await repo.insert(m, {
        id,
        pipelineId: dto.pipelineId,
        stageId: stage.id,
        name: dto.name.trim(),
        contactId: dto.contactId ?? null,
        accountId: dto.accountId ?? null,
        ownerId: dto.ownerId === undefined ? by : dto.ownerId,
        amount: dto.amountMinor,
        currency: dto.currency.toUpperCase(),
        expectedCloseDate: dto.expectedCloseDate ?? null,
        sourceCampaign: dto.source?.campaign ?? null,
        sourceChannel: dto.source?.channel ?? null,
        tags: [...new Set(dto.tags ?? [])],
        customFields: dto.customFields ?? {},
        createdBy: by,
        at,
      });
      await repo.history(m, {
        dealId: id,
        historyId: uuidv7(),
        fromStageId: null,
        toStageId: stage.id,
        status: 'open',
        by,
        at,
        secondsInFromStage: null,
        reopened: false,
        closes: false,
        lostReasonId: null,
        lostNote: null,
      });
      const view = await this.view(m, id);
      await this.events.publish(m, { type: SALES_EVENTS.dealCreated, subject: id, version: 1, data: toPayload(view) });
      return view;
    });
  }

  async get(id: string): Promise<DealView> {
    return this.view(this.dataSource.manager, id);
  }

  update(id: string, dto: UpdateDealDto, expectedVersion?: number): Promise<DealView> {
    for (const field of ['name', 'amountMinor', 'currency'] as const)
      if (dto[field] === null) throw validationFailed([{ field, message: 'cannot be cleared' }]);
    return inTransaction(this.dataSource, async (m) => {
      await this.lock(m, id, expectedVersion);
      const d = await this.view(m, id);
      const customFields = { ...d.customFields };
      if (dto.customFields) {
        await this.fields.check(m, dto.customFields, true);
        for (const [k, v] of Object.entries(dto.customFields)) {
          if (v === null) delete customFields[k];
          else customFields[k] = v;
        }
      }
      const pick = <T>(given: T | undefined, current: T): T => (given === undefined ? current : given);
      const changes: DealChanges = {
        name: dto.name?.trim() ?? d.name,
        contactId: pick(dto.contactId, d.contactId),
        accountId: pick(dto.accountId, d.accountId),
        ownerId: pick(dto.ownerId, d.ownerId),
        amount: dto.amountMinor ?? d.amountMinor,
        currency: dto.currency?.toUpperCase() ?? d.currency,
        expectedCloseDate: pick(dto.expectedCloseDate, d.expectedCloseDate),
        sourceCampaign: dto.source ? pick(dto.source.campaign, d.source.campaign) : d.source.campaign,
        sourceChannel: dto.source ? pick(dto.source.channel, d.source.channel) : d.source.channel,
        tags: dto.tags ? [...new Set(dto.tags)] : d.tags,
        customFields,
      };
      await repo.update(m, id, changes);
      const view = await this.view(m, id);
      await this.events.publish(m, {
        type: SALES_EVENTS.dealUpdated,
        subject: id,
        version: view.version,
        data: toPayload(view),
      });
      return view;
    });
  }

  /** Moves an open deal along its pipeline; into a won or lost stage it closes, recording who and when. */
  moveTo(id: string, dto: MoveDealDto, by: string | null, expectedVersion?: number): Promise<DealView> {
    return inTransaction(this.dataSource, async (m) => {
      const deal = await this.lock(m, id, expectedVersion);
      const found = dto.lostReasonId ? await this.lostReasons.find(m, dto.lostReasonId) : undefined;
      const transition = move(deal, await this.stageRef(m, dto.stageId), { id: dto.lostReasonId, found });
      return this.apply(m, id, deal, transition, by, {
        lostReasonId: dto.lostReasonId ?? null,
        lostNote: transition.status === 'lost' ? (dto.lostNote ?? null) : null,
      });
    });
  }

  /** Reopens a won or lost deal into an open stage; its close and lost reason are cleared, the history keeps them. */
  reopen(id: string, stageId: string, by: string | null, expectedVersion?: number): Promise<DealView> {
    return inTransaction(this.dataSource, async (m) => {
      const deal = await this.lock(m, id, expectedVersion);
      const transition = reopen(deal, await this.stageRef(m, stageId));
      return this.apply(m, id, deal, transition, by, { lostReasonId: null, lostNote: null });
    });
  }

  /**
   * The open deals of a stage being retired move to another open stage of the
   * pipeline, each with its history row and stage-changed event.
   */
  async moveAllOpen(m: EntityManager, fromStageId: string, toStageId: string, by: string | null): Promise<number> {
    const ids = await pipelinesRepository.openDealsIn(m, fromStageId);
    for (const id of ids) {
      const deal = await this.lock(m, id);
      const transition = move(deal, await this.stageRef(m, toStageId), {});
      await this.apply(m, id, deal, transition, by, { lostReasonId: null, lostNote: null });
    }
    return ids.length;
  }

  async history(id: string): Promise<{ items: StageMoveView[] }> {
    const m = this.dataSource.manager;
    const rows = await repo.historyOf(m, id);
    if (!rows.length) throw notFound(id);
    const now = Date.now();
    return {
      items: rows.map((r) => ({
        id: r.id,
        fromStageId: r.from_stage_id,
        fromStageName: r.from_stage_name,
        toStageId: r.to_stage_id,
        toStageName: r.to_stage_name,
        movedBy: r.moved_by,
        movedAt: r.moved_at.toISOString(),
        secondsInFromStage: r.seconds_in_from_stage === null ? null : Number(r.seconds_in_from_stage),
        secondsInStage: Math.floor(((r.left_at?.getTime() ?? now) - r.moved_at.getTime()) / 1000),
        current: r.left_at === null,
        reopened: r.reopened,
      })),
    };
  }

  /** A merged contact's deals now belong to the target: version + 1 and deal.updated each. */
  async repointContact(m: EntityManager, fromContactId: string, toContactId: string): Promise<number> {
    // TypeORM answers an UPDATE ... RETURNING with [rows, count].
    const [rows] = (await m.query(
      `UPDATE deals SET contact_id = $2, version = version + 1, updated_at = clock_timestamp()
        WHERE contact_id = $1 RETURNING id`,
      [fromContactId, toContactId],
    )) as [{ id: string }[], number];
    for (const { id } of rows) {
      const view = await this.view(m, id);
      await this.events.publish(m, {
        type: SALES_EVENTS.dealUpdated,
        subject: id,
        version: view.version,
        data: toPayload(view),
      });
    }
    return rows.length;
  }

  private async apply(
    m: EntityManager,
    id: string,
    deal: { stage_entered_at: Date; stageId: string },
    t: Transition,
    by: string | null,
    lost: { lostReasonId: string | null; lostNote: string | null },
  ): Promise<DealView> {
    const at = new Date(Math.max(Date.now(), deal.stage_entered_at.getTime()));
    const secondsInFromStage = Math.floor((at.getTime() - deal.stage_entered_at.getTime()) / 1000);
    await repo.move(m, {
      dealId: id,
      historyId: uuidv7(),
      fromStageId: deal.stageId,
      toStageId: t.toStageId,
      status: t.status,
      by,
      at,
      secondsInFromStage,
      reopened: t.reopens,
      closes: t.closes,
      ...lost,
    });
    const view = await this.view(m, id);
    await this.events.publish(m, {
      type: SALES_EVENTS.dealStageChanged,
      subject: id,
      version: view.version,
      data: toStageChangedPayload(view, {
        fromStageId: deal.stageId,
        movedBy: by,
        movedAt: at,
        secondsInFromStage,
        reopened: t.reopens,
      }),
    });
    if (t.closes)
      await this.events.publish(m, {
        type: t.status === 'won' ? SALES_EVENTS.dealWon : SALES_EVENTS.dealLost,
        subject: id,
        version: view.version,
        data: toPayload(view),
      });
    return view;
  }

  private async lock(m: EntityManager, id: string, expectedVersion?: number) {
    const row = await repo.lock(m, id);
    if (!row) throw notFound(id);
    if (expectedVersion !== undefined && row.version !== expectedVersion)
      throw salesError('VERSION_CONFLICT', `Deal ${id} is at version ${row.version}, not ${expectedVersion}`, {
        currentVersion: row.version,
      });
    return { ...row, pipelineId: row.pipeline_id, stageId: row.stage_id };
  }

  private async stageRef(m: EntityManager, stageId: string | undefined): Promise<StageRef | undefined> {
    if (!stageId) return undefined;
    const s = await pipelinesRepository.stage(m, stageId);
    return s ? { id: s.id, pipelineId: s.pipeline_id, kind: s.kind, retired: s.retired_at !== null } : undefined;
  }

  private async view(m: EntityManager, id: string): Promise<DealView> {
    const row = await repo.get(m, id);
    if (!row) throw notFound(id);
    return toView(row);
  }
}
