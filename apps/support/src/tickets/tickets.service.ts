import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  SUPPORT_EVENTS,
  type SupportChannel,
  type SupportTicketAssignedPayload,
  type SupportTicketMergedPayload,
  type SupportTicketStatus,
  type SupportTicketStatusChangedPayload,
} from '@crm/contracts';
import { EventPublisher, type NewEvent } from '@crm/messaging';
import { inTransaction, uuidv7, queryReturning } from '@crm/persistence';
import { validationFailed, type Principal } from '@crm/platform';
import { matchPolicy, SlaClocks, type PolicyRow } from '../sla/sla-clocks';
import { SUPPORT_CONFIG, type SupportConfig } from '../shared/support-config';
import { notFound, supportError } from '../shared/support-errors';
import { checkMember, nextAgent } from '../teams/assignment';
import type { CreateTicketDto, UpdateTicketDto } from './dto/ticket.dto';
import { checkMove, isOpen } from './ticket-status';
import { toPayload, toView, type TicketRow, type TicketView } from './ticket-view';

export interface NewTicket extends CreateTicketDto {
  conversationKey?: string;
}

export interface StatusOutcome {
  ticket: TicketRow;
  csat?: { url: string; expiresAt: string };
}

const isPaused = (s: SupportTicketStatus, p: PolicyRow | null) =>
  !!p && ((s === 'pending' && p.pause_on_pending) || (s === 'on-hold' && p.pause_on_hold));

@Injectable()
export class TicketsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
    @Inject(SUPPORT_CONFIG) private readonly config: SupportConfig,
  ) {}

  create(dto: NewTicket, by: Principal): Promise<TicketView> {
    return inTransaction(this.dataSource, async (m) => {
      const t = await this.createIn(m, dto, by.subject);
      return this.view(m, t);
    });
  }

  /** Creates a ticket (and starts its SLA clocks, assigns it) inside the caller's transaction. */
  async createIn(m: EntityManager, dto: NewTicket, by: string): Promise<TicketRow> {
    const now = new Date();
    const openedAt = dto.openedAt ? new Date(dto.openedAt) : now;
    if (openedAt.getTime() > now.getTime() + 1000)
      throw validationFailed([{ field: 'openedAt', message: 'cannot be in the future' }]);
    let requesterId = dto.requesterId ?? null;
    if (dto.assetId) requesterId = await this.checkAsset(m, dto.assetId, requesterId, 'assetId');
    let name = dto.requesterName ?? null;
    let email = dto.requesterEmail?.toLowerCase() ?? null;
    if (requesterId && (!name || !email)) {
      const [c]: { display_name: string | null; email: string | null }[] = await m.query(
        `SELECT display_name, email FROM contacts WHERE id = $1`,
        [requesterId],
      );
      name ??= c?.display_name ?? null;
      email ??= c?.email ?? null;
    }
    if (dto.teamId) await this.checkTeam(m, dto.teamId);
    if (dto.assigneeId) await checkMember(m, dto.teamId ?? null, dto.assigneeId);
    const priority = dto.priority ?? 'normal';
    const channel: SupportChannel = dto.channel ?? 'web';
    const policy = await matchPolicy(m, { priority, channel, accountTier: dto.accountTier ?? null });
    const [row]: TicketRow[] = await m.query(
      `INSERT INTO tickets (id, subject, description, requester_id, requester_name, requester_email, account_id,
                            account_tier, status, priority, channel, type, tags, custom_fields, asset_id, team_id,
                            sla_policy_id, conversation_key, version, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'new', $9, $10, $11, $12, $13, $14, $15, $16, $17, 1, $18, $19)
       RETURNING *`,
      [
        uuidv7(),
        dto.subject.trim(),
        dto.description ?? '',
        requesterId,
        name,
        email,
        dto.accountId ?? null,
        dto.accountTier ?? null,
        priority,
        channel,
        dto.type ?? null,
        [...new Set(dto.tags ?? [])],
        JSON.stringify(dto.customFields ?? {}),
        dto.assetId ?? null,
        dto.teamId ?? null,
        policy?.id ?? null,
        dto.conversationKey ?? null,
        openedAt,
        now,
      ],
    );
    if (policy) await new SlaClocks(m).start(row.id, policy, ['first_response', 'resolution'], openedAt);
    await this.events.publish(m, {
      type: SUPPORT_EVENTS.ticketCreated,
      subject: row.id,
      version: 1,
      data: toPayload(row),
    });
    if (dto.assigneeId) return this.assignIn(m, row, dto.assigneeId, 'manual', by);
    if (row.team_id) {
      const [team]: { auto_assign: boolean }[] = await m.query(`SELECT auto_assign FROM teams WHERE id = $1`, [
        row.team_id,
      ]);
      if (team?.auto_assign) {
        const agent = await nextAgent(m, row.team_id);
        if (agent) return this.assignIn(m, row, agent, 'round-robin', by);
      }
    }
    return row;
  }

  async get(id: string): Promise<TicketView> {
    const m = this.dataSource.manager;
    const [row]: TicketRow[] = await m.query(`SELECT * FROM tickets WHERE id = $1`, [id]);
    if (!row) throw notFound('TICKET', id);
    return this.view(m, row);
  }

  async view(m: EntityManager, row: TicketRow): Promise<TicketView> {
    return toView(row, await new SlaClocks(m).view(row.id));
  }

  /** Locks a ticket that can still change: 404 unknown, 410 merged away. */
  async lock(m: EntityManager, id: string, ifMatch?: number): Promise<TicketRow> {
    const [row]: TicketRow[] = await m.query(`SELECT * FROM tickets WHERE id = $1 FOR UPDATE`, [id]);
    if (!row) throw notFound('TICKET', id);
    if (row.merged_into)
      throw supportError('TICKET_MERGED', `Ticket ${id} was merged into ${row.merged_into}`, {
        mergedInto: row.merged_into,
      });
    if (ifMatch !== undefined && ifMatch !== row.version)
      throw supportError('VERSION_CONFLICT', `Ticket ${id} is at version ${row.version}, not ${ifMatch}`, {
        currentVersion: row.version,
      });
    return row;
  }

  update(id: string, dto: UpdateTicketDto, ifMatch: number | undefined): Promise<TicketView> {
    return inTransaction(this.dataSource, async (m) => {
      const t = await this.lock(m, id, ifMatch);
      if (t.status === 'closed') throw supportError('TICKET_CLOSED', `Ticket ${id} is closed`);
      if (dto.assetId) await this.checkAsset(m, dto.assetId, t.requester_id, 'assetId');
      if (dto.teamId) await this.checkTeam(m, dto.teamId);
      const [row]: TicketRow[] = await queryReturning(
        m,
        `UPDATE tickets SET subject = COALESCE($2, subject), priority = COALESCE($3, priority), type = COALESCE($4, type),
                tags = COALESCE($5, tags), custom_fields = COALESCE($6::jsonb, custom_fields),
                asset_id = CASE WHEN $7 THEN $8::uuid ELSE asset_id END, team_id = COALESCE($9, team_id),
                version = version + 1, updated_at = now()
          WHERE id = $1 RETURNING *`,
        [
          id,
          dto.subject?.trim() ?? null,
          dto.priority ?? null,
          dto.type ?? null,
          dto.tags ? [...new Set(dto.tags)] : null,
          dto.customFields ? JSON.stringify(dto.customFields) : null,
          dto.assetId !== undefined,
          dto.assetId ?? null,
          dto.teamId ?? null,
        ],
      );
      await this.events.publish(m, {
        type: SUPPORT_EVENTS.ticketUpdated,
        subject: id,
        version: row.version,
        data: toPayload(row),
      });
      return this.view(m, row);
    });
  }

  changeStatus(
    id: string,
    to: SupportTicketStatus,
    ifMatch: number | undefined,
  ): Promise<TicketView & { csat?: StatusOutcome['csat'] }> {
    return inTransaction(this.dataSource, async (m) => {
      const t = await this.lock(m, id, ifMatch);
      const out = await this.moveIn(m, t, to);
      return { ...(await this.view(m, out.ticket)), ...(out.csat ? { csat: out.csat } : {}) };
    });
  }

  /**
   * Moves a locked ticket through its lifecycle and keeps its clocks in step:
   * pending (and on-hold, if the policy says so) pause them, leaving resumes
   * them, solved meets them (and opens a CSAT survey), solved -> open is a
   * reopen (the resolution clock counts on from what it had used), closed stops them.
   */
  async moveIn(m: EntityManager, t: TicketRow, to: SupportTicketStatus): Promise<StatusOutcome> {
    checkMove(t.status, to);
    const now = new Date();
    const clocks = new SlaClocks(m);
    const policy = await clocks.policy(t.sla_policy_id);
    if (to === 'solved') await clocks.meet(t.id, ['first_response', 'next_response', 'resolution'], now);
    else if (to === 'closed') await clocks.cancel(t.id);
    else if (t.status === 'solved') await clocks.resume(t.id, now, ['met', 'paused'], ['resolution']);
    else if (isPaused(to, policy) && !isPaused(t.status, policy)) await clocks.pause(t.id, now);
    else if (!isPaused(to, policy) && isPaused(t.status, policy)) await clocks.resume(t.id, now);
    const [row]: TicketRow[] = await queryReturning(
      m,
      `UPDATE tickets SET status = $2, version = version + 1, updated_at = $3,
              solved_at = CASE WHEN $2 = 'solved' THEN $3 WHEN $2 = 'open' THEN NULL ELSE solved_at END,
              closed_at = CASE WHEN $2 = 'closed' THEN $3 ELSE closed_at END
        WHERE id = $1 RETURNING *`,
      [t.id, to, now],
    );
    const data: SupportTicketStatusChangedPayload = { ...toPayload(row), previousStatus: t.status };
    const events: NewEvent<SupportTicketStatusChangedPayload>[] = [
      { type: SUPPORT_EVENTS.ticketStatusChanged, subject: t.id, version: row.version, data },
    ];
    if (to === 'solved') events.push({ ...events[0], type: SUPPORT_EVENTS.ticketSolved });
    if (t.status === 'solved' && to === 'open') events.push({ ...events[0], type: SUPPORT_EVENTS.ticketReopened });
    await this.events.publishAll(m, events);
    const csat = to === 'solved' ? await this.openSurvey(m, row, now) : undefined;
    return { ticket: row, csat };
  }

  /** One survey per solve: the token is shown once (in the link) and only its hash is kept. */
  private async openSurvey(m: EntityManager, t: TicketRow, now: Date): Promise<StatusOutcome['csat']> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.config.CSAT_TTL_HOURS * 3600_000);
    await m.query(
      `INSERT INTO csat_surveys (id, ticket_id, token_hash, agent_id, team_id, requester_id, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        uuidv7(),
        t.id,
        createHash('sha256').update(token).digest('hex'),
        t.assignee_id,
        t.team_id,
        t.requester_id,
        expiresAt,
      ],
    );
    return { url: `${this.config.CSAT_BASE_URL}${token}`, expiresAt: expiresAt.toISOString() };
  }

  assign(id: string, agentId: string | undefined, teamId: string | undefined, by: Principal): Promise<TicketView> {
    return inTransaction(this.dataSource, async (m) => {
      let t = await this.lock(m, id);
      if (!isOpen(t.status)) throw supportError('TICKET_TRANSITION_INVALID', `A ${t.status} ticket is not assigned`);
      if (teamId && teamId !== t.team_id) {
        await this.checkTeam(m, teamId);
        [t] = await queryReturning<TicketRow>(m, `UPDATE tickets SET team_id = $2 WHERE id = $1 RETURNING *`, [
          id,
          teamId,
        ]);
      }
      if (agentId) {
        await checkMember(m, t.team_id, agentId);
        return this.view(m, await this.assignIn(m, t, agentId, 'manual', by.subject));
      }
      if (!t.team_id)
        throw validationFailed([{ field: 'teamId', message: 'round-robin needs a team: give teamId or agentId' }]);
      const next = await nextAgent(m, t.team_id);
      if (!next)
        throw supportError('NO_AGENT_AVAILABLE', `Nobody in team ${t.team_id} is available with room for a ticket`);
      return this.view(m, await this.assignIn(m, t, next, 'round-robin', by.subject));
    });
  }

  private async assignIn(
    m: EntityManager,
    t: TicketRow,
    agentId: string,
    mode: 'manual' | 'round-robin',
    by: string,
  ): Promise<TicketRow> {
    const [row]: TicketRow[] = await queryReturning(
      m,
      `UPDATE tickets SET assignee_id = $2, version = version + 1, updated_at = now() WHERE id = $1 RETURNING *`,
      [t.id, agentId],
    );
    await m.query(
      `INSERT INTO ticket_assignments (id, ticket_id, from_agent_id, to_agent_id, team_id, mode, assigned_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [uuidv7(), t.id, t.assignee_id, agentId, row.team_id, mode, by],
    );
    const data: SupportTicketAssignedPayload = { ...toPayload(row), previousAssigneeId: t.assignee_id, mode };
    await this.events.publish(m, { type: SUPPORT_EVENTS.ticketAssigned, subject: t.id, version: row.version, data });
    return row;
  }

  async assignments(id: string) {
    await this.get(id);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT id, from_agent_id AS "fromAgentId", to_agent_id AS "toAgentId", team_id AS "teamId", mode,
              assigned_by AS "assignedBy", at FROM ticket_assignments WHERE ticket_id = $1 ORDER BY at, id`,
      [id],
    );
    return { items: rows };
  }

  /** Merges a duplicate into another ticket of the same requester: messages move, the source closes. */
  merge(sourceId: string, targetId: string): Promise<TicketView> {
    if (sourceId === targetId)
      throw validationFailed([{ field: 'targetId', message: 'must be another ticket than the one merged' }]);
    return inTransaction(this.dataSource, async (m) => {
      // In id order, so two merges of the same pair cannot deadlock.
      const [a, b] = [sourceId, targetId].sort();
      const first = await this.lock(m, a);
      const second = await this.lock(m, b);
      const source = first.id === sourceId ? first : second;
      const target = first.id === targetId ? first : second;
      if (source.status === 'closed' || target.status === 'closed')
        throw supportError('TICKET_CLOSED', 'A closed ticket cannot be merged or merged into');
      if (!source.requester_id || source.requester_id !== target.requester_id)
        throw supportError('TICKET_MERGE_INVALID', 'Only tickets of the same requester can be merged', {
          errors: [{ field: 'targetId', message: 'belongs to another requester' }],
        });
      const [, moved] = (await m.query(`UPDATE ticket_messages SET ticket_id = $2 WHERE ticket_id = $1`, [
        sourceId,
        targetId,
      ])) as [unknown, number];
      await new SlaClocks(m).cancel(sourceId);
      const [closed]: TicketRow[] = await queryReturning(
        m,
        `UPDATE tickets SET status = 'closed', merged_into = $2, closed_at = now(), version = version + 1, updated_at = now()
          WHERE id = $1 RETURNING *`,
        [sourceId, targetId],
      );
      const [kept]: TicketRow[] = await queryReturning(
        m,
        `UPDATE tickets SET version = version + 1, updated_at = now() WHERE id = $1 RETURNING *`,
        [targetId],
      );
      const data: SupportTicketMergedPayload = { sourceId, targetId, movedMessages: moved };
      await this.events.publish(m, {
        type: SUPPORT_EVENTS.ticketMerged,
        subject: sourceId,
        version: closed.version,
        data,
      });
      await this.events.publishAll<SupportTicketStatusChangedPayload>(m, [
        {
          type: SUPPORT_EVENTS.ticketStatusChanged,
          subject: sourceId,
          version: closed.version,
          data: { ...toPayload(closed), previousStatus: source.status },
        },
      ]);
      return this.view(m, kept);
    });
  }

  private async checkTeam(m: EntityManager, teamId: string): Promise<void> {
    const [team]: unknown[] = await m.query(`SELECT 1 FROM teams WHERE id = $1`, [teamId]);
    if (!team)
      throw supportError('TEAM_NOT_FOUND', `No team ${teamId}`, {
        errors: [{ field: 'teamId', message: 'no such team' }],
      });
  }

  /** The asset must exist and belong to the requester; a ticket without one takes the asset's owner. */
  private async checkAsset(m: EntityManager, assetId: string, requesterId: string | null, field: string) {
    const [asset]: { contact_id: string | null }[] = await m.query(`SELECT contact_id FROM assets WHERE id = $1`, [
      assetId,
    ]);
    if (!asset)
      throw supportError('ASSET_NOT_FOUND', `No asset ${assetId}`, { errors: [{ field, message: 'no such asset' }] });
    if (requesterId && asset.contact_id !== requesterId)
      throw supportError('ASSET_OF_ANOTHER_CUSTOMER', `Asset ${assetId} belongs to another customer`, {
        errors: [{ field, message: 'belongs to another customer than the requester' }],
      });
    return requesterId ?? asset.contact_id;
  }
}
