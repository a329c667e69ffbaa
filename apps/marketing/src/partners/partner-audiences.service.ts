import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { JobRunner } from '@crm/jobs';
import { inTransaction, returnedRows, uuidv7 } from '@crm/persistence';
import { validationFailed, type FieldProblem } from '@crm/platform';
import { MembershipService } from '../segments/membership.service';
import { marketingError } from '../shared/marketing-errors';
import { MARKETING_SETTINGS, type MarketingSettings } from '../shared/marketing-settings';
import { agreementInForce } from './agreement-status';
import { PartnerHashIndex } from './partner-hash-index.service';
import { findPartner, type AgreementRow, type PartnerRow } from './partners.repository';
import type { AudienceChunkDto, DeletionNoticeDto, MatchRequestDto } from './dto/exchange.dto';

/** A record as a partner sent it (checked against the agreement's fields, not yet matched). */
export interface ReceivedRecord {
  emailHash?: string;
  phoneHash?: string;
  country?: string;
  ageBand?: string;
  rfmSegment?: string;
}

export const AUDIENCE_EXPIRY_JOB = 'marketing-partner-audience-expiry';
export const AUDIENCE_SWEEP_JOB = 'marketing-partner-audience-sweep';

interface AudienceRow {
  id: string;
  agreement_id: string;
  partner_id: string;
  remote_share_id: string;
  segment_id: string | null;
  purposes: string[];
  fields: string[];
  shared_at: Date;
  status: string;
  chunks_received: number;
  received_count: number;
  received_at: Date;
  last_chunk_at: Date;
  reason: string | null;
  via: 'suite' | 'file';
  expires_at: Date;
  deleted_at: Date | null;
  members?: number;
}

export interface PartnerAudienceView {
  id: string;
  partnerId: string;
  agreementId: string;
  segmentId: string | null;
  status: string;
  provenance: { partnerName: string; remoteShareId: string; sharedAt: string; purposes: string[]; fields: string[] };
  received: number;
  members: number;
  receivedAt: string;
  expiresAt: string;
  deletedAt: string | null;
  /** Why a share was discarded (`below_threshold`, `incomplete`, `invalid`), else null. */
  reason: string | null;
  /** Over HTTPS from the partner's suite, or imported from a signed file. */
  via: 'suite' | 'file';
}

const AUDIENCE_SELECT = `SELECT a.*, (SELECT count(*) FROM partner_audience_members pm WHERE pm.audience_id = a.id)::int AS members
                           FROM partner_audiences a`;

/**
 * The receiving side: a partner's signed audience becomes a partner audience
 * of own contacts (its records matched by keyed hash; unmatched records are
 * not kept) and a static segment campaigns can use, with its provenance and
 * expiry; deletion notices and expiry delete what was received.
 */
@Injectable()
export class PartnerAudiencesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly membership: MembershipService,
    private readonly jobs: JobRunner,
    private readonly hashIndex: PartnerHashIndex,
    @Inject(MARKETING_SETTINGS) private readonly settings: MarketingSettings,
  ) {
    jobs.register<{ audienceId: string }>({
      name: AUDIENCE_EXPIRY_JOB,
      handler: async ({ audienceId }) => {
        await this.expire(audienceId);
      },
    });
    jobs.register({ name: AUDIENCE_SWEEP_JOB, cron: '*/15 * * * *', policy: 'singleton', handler: () => this.sweep() });
  }

  private inForce(agreement: AgreementRow): void {
    if (!agreementInForce(agreement))
      throw marketingError(
        'AGREEMENT_NOT_IN_FORCE',
        `The agreement is ${agreement.status} here or outside its validity`,
      );
  }

  /**
   * How many of the partner's records are own contacts; lists shorter than k
   * are refused (no probing). A list in chunks (`matchId`, `chunk`,
   * `chunks`) is counted as one: earlier chunks are answered only
   * `{received}`, the last one the count, if the whole list is at least k.
   */
  async countMatches(
    agreement: AgreementRow,
    dto: MatchRequestDto,
  ): Promise<{ matched: number } | { received: number }> {
    this.inForce(agreement);
    if (dto.matchId !== undefined) return this.countChunk(agreement, dto as Required<MatchRequestDto>);
    if (dto.records.length < agreement.min_audience_size)
      throw marketingError(
        'AUDIENCE_BELOW_THRESHOLD',
        `A match needs at least ${agreement.min_audience_size} records under this agreement`,
        { minAudienceSize: agreement.min_audience_size },
      );
    return { matched: await this.matchedIn(agreement, dto.records) };
  }

  private async matchedIn(agreement: AgreementRow, records: MatchRequestDto['records']): Promise<number> {
    const wanted = new Set(records.flatMap((r) => [r.emailHash, r.phoneHash].filter((h): h is string => !!h)));
    const found = await this.hashIndex.match(this.dataSource.manager, agreement, wanted);
    return records.filter((r) => (r.emailHash && found.has(r.emailHash)) || (r.phoneHash && found.has(r.phoneHash)))
      .length;
  }

  private async countChunk(agreement: AgreementRow, dto: Required<MatchRequestDto>) {
    if (dto.chunk === undefined || dto.chunks === undefined || dto.chunk >= dto.chunks)
      throw validationFailed([{ field: 'chunk', message: 'a chunked match needs chunk below chunks' }]);
    const matched = await this.matchedIn(agreement, dto.records);
    const k = agreement.min_audience_size;
    const outcome = await inTransaction(this.dataSource, async (m) => {
      await m.query(
        `INSERT INTO partner_match_sessions (agreement_id, match_id, chunks) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [agreement.id, dto.matchId, dto.chunks],
      );
      const [s]: { chunks: number; chunks_received: number; records: number; matched: number }[] = await m.query(
        `SELECT * FROM partner_match_sessions WHERE agreement_id = $1 AND match_id = $2 FOR UPDATE`,
        [agreement.id, dto.matchId],
      );
      if (dto.chunks !== s.chunks)
        throw validationFailed([{ field: 'chunks', message: `this match has ${s.chunks} chunks` }]);
      if (dto.chunk !== s.chunks_received)
        throw validationFailed([{ field: 'chunk', message: `chunk ${s.chunks_received} comes next` }]);
      const records = s.records + dto.records.length;
      const total = s.matched + matched;
      if (dto.chunk < dto.chunks - 1) {
        await m.query(
          `UPDATE partner_match_sessions SET chunks_received = chunks_received + 1, records = $3, matched = $4,
             last_chunk_at = clock_timestamp() WHERE agreement_id = $1 AND match_id = $2`,
          [agreement.id, dto.matchId, records, total],
        );
        return { received: records };
      }
      await m.query(`DELETE FROM partner_match_sessions WHERE agreement_id = $1 AND match_id = $2`, [
        agreement.id,
        dto.matchId,
      ]);
      return records < k ? null : { matched: total };
    });
    if (!outcome)
      throw marketingError('AUDIENCE_BELOW_THRESHOLD', `A match needs at least ${k} records under this agreement`, {
        minAudienceSize: k,
      });
    return outcome;
  }

  private checkChunk(agreement: AgreementRow, dto: AudienceChunkDto): Date {
    const problems: FieldProblem[] = [];
    const allowed = new Set(agreement.fields);
    for (const f of dto.fields)
      if (!allowed.has(f)) problems.push({ field: 'fields', message: `${f} is not shareable under this agreement` });
    for (const p of dto.purposes)
      if (!agreement.purposes.includes(p))
        problems.push({ field: 'purposes', message: `${p} is not a purpose of this agreement` });
    dto.records.forEach((r, i) => {
      for (const [k, v] of Object.entries(r))
        if (v !== undefined && !allowed.has(k))
          problems.push({ field: `records.${i}.${k}`, message: 'is not shareable under this agreement' });
      if (!r.emailHash && !r.phoneHash)
        problems.push({ field: `records.${i}`, message: 'needs emailHash or phoneHash' });
    });
    if (dto.chunk >= dto.chunks) problems.push({ field: 'chunk', message: 'must be less than chunks' });
    const expires = new Date(dto.expiresAt);
    if (expires.getTime() <= Date.now()) problems.push({ field: 'expiresAt', message: 'must be in the future' });
    if (problems.length) throw validationFailed(problems.slice(0, 50));
    // Never kept past this side's agreement either.
    return expires < agreement.valid_until ? expires : agreement.valid_until;
  }

  /**
   * One chunk of a partner's share. Chunks are held (not in any segment)
   * until the last one: only then is the k threshold applied, to the whole
   * share; below it everything received is discarded and the sender is
   * answered 422 AUDIENCE_BELOW_THRESHOLD (also when it sends the last chunk
   * again).
   */
  async receive(agreement: AgreementRow, dto: AudienceChunkDto) {
    const { audienceId, status, reason, received, matched } = await this.receiveChunk(agreement, dto);
    if (reason === 'below_threshold')
      throw marketingError(
        'AUDIENCE_BELOW_THRESHOLD',
        `Fewer of the shared records are contacts here than the agreement's minimum audience size (${agreement.min_audience_size}): all of them were discarded`,
        { minAudienceSize: agreement.min_audience_size },
      );
    if (reason === 'incomplete')
      throw marketingError(
        'PARTNER_SHARE_DISCARDED',
        `Share ${dto.shareId} was discarded here: its chunks stopped coming for more than ${this.settings.PARTNER_RECEIVE_TIMEOUT_SECONDS} s`,
      );
    return { audienceId, status, received, matched };
  }

  private async receiveChunk(agreement: AgreementRow, dto: AudienceChunkDto) {
    this.inForce(agreement);
    const expires = this.checkChunk(agreement, dto);
    const partner = (await findPartner(this.dataSource.manager, agreement.partner_id)) as PartnerRow;
    const wanted = new Set(dto.records.flatMap((r) => [r.emailHash, r.phoneHash].filter((h): h is string => !!h)));
    const found = await this.hashIndex.match(this.dataSource.manager, agreement, wanted);
    return inTransaction(this.dataSource, async (m) => {
      await m.query(
        `INSERT INTO partner_audiences (id, agreement_id, partner_id, remote_share_id, purposes, fields, shared_at, status, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'receiving', $8) ON CONFLICT (agreement_id, remote_share_id) DO NOTHING`,
        [uuidv7(), agreement.id, partner.id, dto.shareId, dto.purposes, dto.fields, dto.sharedAt, expires],
      );
      const [audience]: AudienceRow[] = await m.query(
        `SELECT * FROM partner_audiences WHERE agreement_id = $1 AND remote_share_id = $2 FOR UPDATE`,
        [agreement.id, dto.shareId],
      );
      const view = async () => {
        const r = await this.row(m, audience.id);
        return {
          audienceId: r.id,
          status: r.status,
          reason: r.reason,
          received: r.received_count,
          matched: Number(r.members ?? 0),
        };
      };
      // A chunk sent again (the sender retried) changes nothing.
      if (dto.chunk < audience.chunks_received || audience.status !== 'receiving') return view();
      if (dto.chunk > audience.chunks_received)
        throw validationFailed([{ field: 'chunk', message: `chunk ${audience.chunks_received} comes next` }]);
      await this.take(m, audience.id, agreement.id, dto.sharedAt, dto.records, found);
      await m.query(
        `UPDATE partner_audiences SET chunks_received = chunks_received + 1, received_count = received_count + $2,
           last_chunk_at = clock_timestamp() WHERE id = $1`,
        [audience.id, dto.records.length],
      );
      if (dto.chunk === dto.chunks - 1) await this.complete(m, audience.id, agreement, partner);
      return view();
    });
  }

  /**
   * Keeps the records that are own contacts (`found`: hash -> contact) as
   * members of a receiving audience, except those the partner has since asked
   * to delete (a newer deletion notice than the share).
   */
  async take(
    m: EntityManager,
    audienceId: string,
    agreementId: string,
    sharedAt: string,
    records: ReceivedRecord[],
    found: Map<string, string>,
  ): Promise<number> {
    const tombstones: { email_hashes: string[]; phone_hashes: string[] }[] = await m.query(
      `SELECT email_hashes, phone_hashes FROM partner_deletions_received WHERE agreement_id = $1 AND issued_at >= $2`,
      [agreementId, sharedAt],
    );
    const deleted = new Set(tombstones.flatMap((t) => [...t.email_hashes, ...t.phone_hashes]));
    const members = records
      .filter((r) => !(r.emailHash && deleted.has(r.emailHash)) && !(r.phoneHash && deleted.has(r.phoneHash)))
      .map((r) => ({
        r,
        contactId: (r.emailHash && found.get(r.emailHash)) || (r.phoneHash && found.get(r.phoneHash)),
      }))
      .filter((x): x is { r: ReceivedRecord; contactId: string } => !!x.contactId);
    if (!members.length) return 0;
    await m.query(
      `INSERT INTO partner_audience_members (audience_id, contact_id, email_hash, phone_hash, country, age_band, rfm_segment)
       SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
       ON CONFLICT (audience_id, contact_id) DO NOTHING`,
      [
        audienceId,
        members.map((x) => x.contactId),
        members.map((x) => x.r.emailHash ?? null),
        members.map((x) => x.r.phoneHash ?? null),
        members.map((x) => x.r.country ?? null),
        members.map((x) => x.r.ageBand ?? null),
        members.map((x) => x.r.rfmSegment ?? null),
      ],
    );
    return members.length;
  }

  private async row(m: EntityManager, id: string): Promise<AudienceRow> {
    return ((await m.query(`${AUDIENCE_SELECT} WHERE a.id = $1`, [id])) as AudienceRow[])[0];
  }

  /** Last chunk in: below k nothing is kept; else the members become a static segment, and expiry is queued. */
  async complete(
    m: EntityManager,
    id: string,
    agreement: AgreementRow,
    partner: PartnerRow,
  ): Promise<'active' | 'below_threshold'> {
    const a = await this.row(m, id);
    if ((a.members ?? 0) < agreement.min_audience_size) {
      await this.discard(m, id, 'below_threshold');
      return 'below_threshold';
    }
    const segmentId = uuidv7();
    await m.query(`INSERT INTO segments (id, name, description, kind, status) VALUES ($1, $2, $3, 'static', 'ready')`, [
      segmentId,
      `Partner audience: ${partner.name} (${agreement.name})`.slice(0, 200),
      `Received from ${partner.name} under agreement ${agreement.id} (share ${a.remote_share_id}, ` +
        `purposes ${a.purposes.join(', ')}); deleted on ${a.expires_at.toISOString()}`,
    ]);
    const entered: { segment_id: string; contact_id: string }[] = await m.query(
      `INSERT INTO segment_members (segment_id, contact_id) SELECT $1, contact_id FROM partner_audience_members
        WHERE audience_id = $2 RETURNING segment_id, contact_id`,
      [segmentId, id],
    );
    await this.membership.announce(m, entered, []);
    await m.query(`UPDATE partner_audiences SET status = 'active', segment_id = $2 WHERE id = $1`, [id, segmentId]);
    await this.jobs.send(AUDIENCE_EXPIRY_JOB, { audienceId: id }, { startAfter: a.expires_at, singletonKey: id }, m);
    return 'active';
  }

  async discard(m: EntityManager, id: string, reason: 'below_threshold' | 'incomplete' | 'invalid'): Promise<void> {
    await m.query(`DELETE FROM partner_audience_members WHERE audience_id = $1`, [id]);
    await m.query(`UPDATE partner_audiences SET status = 'refused', reason = $2, deleted_at = now() WHERE id = $1`, [
      id,
      reason,
    ]);
  }

  /** Deletes what an audience holds and its segment; `status` says why (expired, deleted). */
  private async purge(m: EntityManager, a: AudienceRow, status: 'expired' | 'deleted'): Promise<number> {
    if (a.segment_id) {
      const left = returnedRows<{ segment_id: string; contact_id: string }>(
        await m.query(`DELETE FROM segment_members WHERE segment_id = $1 RETURNING segment_id, contact_id`, [
          a.segment_id,
        ]),
      );
      await this.membership.announce(m, [], left);
      await m.query(`DELETE FROM segments WHERE id = $1`, [a.segment_id]);
    }
    const [, n] = await m.query(`DELETE FROM partner_audience_members WHERE audience_id = $1`, [a.id]);
    await m.query(`UPDATE partner_audiences SET status = $2, segment_id = NULL, deleted_at = now() WHERE id = $1`, [
      a.id,
      status,
    ]);
    return Number(n);
  }

  /** An audience past its expiry loses everything received (idempotent: the job may run twice). */
  async expire(id: string): Promise<boolean> {
    return inTransaction(this.dataSource, async (m) => {
      const [a]: AudienceRow[] = await m.query(`SELECT * FROM partner_audiences WHERE id = $1 FOR UPDATE`, [id]);
      if (!a || !['receiving', 'active'].includes(a.status) || a.expires_at.getTime() > Date.now()) return false;
      await this.purge(m, a, 'expired');
      return true;
    });
  }

  /** Expired audiences lose their records; shares whose chunks stopped coming are discarded whole. */
  async sweep(): Promise<void> {
    const due: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM partner_audiences WHERE status IN ('receiving', 'active') AND expires_at <= now() LIMIT 1000`,
    );
    for (const { id } of due) await this.expire(id);
    await this.dataSource.transaction(async (m) => {
      const stale: { id: string }[] = await m.query(
        `SELECT id FROM partner_audiences WHERE status = 'receiving'
            AND last_chunk_at < clock_timestamp() - make_interval(secs => $1) LIMIT 1000 FOR UPDATE SKIP LOCKED`,
        [this.settings.PARTNER_RECEIVE_TIMEOUT_SECONDS],
      );
      for (const { id } of stale) await this.discard(m, id, 'incomplete');
    });
    await this.dataSource.query(
      `DELETE FROM partner_match_sessions WHERE last_chunk_at < clock_timestamp() - make_interval(secs => $1)`,
      [this.settings.PARTNER_RECEIVE_TIMEOUT_SECONDS],
    );
  }

  async remove(id: string): Promise<void> {
    await inTransaction(this.dataSource, async (m) => {
      const [a]: AudienceRow[] = await m.query(`SELECT * FROM partner_audiences WHERE id = $1 FOR UPDATE`, [id]);
      if (!a) throw marketingError('PARTNER_AUDIENCE_NOT_FOUND', `No partner audience ${id}`);
      if (['receiving', 'active'].includes(a.status)) await this.purge(m, a, 'deleted');
    });
  }

  /** A partner's deletion notice: the records with these hashes go from every audience under the agreement. */
  async applyDeletion(agreement: AgreementRow, dto: DeletionNoticeDto): Promise<{ noticeId: string; deleted: number }> {
    if (!dto.emailHashes.length && !dto.phoneHashes.length)
      throw validationFailed([{ field: 'emailHashes', message: 'a notice names at least one hash' }]);
    return inTransaction(this.dataSource, async (m) => {
      const inserted: unknown[] = await m.query(
        `INSERT INTO partner_deletions_received (notice_id, agreement_id, email_hashes, phone_hashes, issued_at, deleted)
         VALUES ($1, $2, $3, $4, $5, 0) ON CONFLICT (notice_id) DO NOTHING RETURNING notice_id`,
        [dto.noticeId, agreement.id, dto.emailHashes, dto.phoneHashes, dto.issuedAt],
      );
      if (!inserted.length) {
        const [prior]: { deleted: number }[] = await m.query(
          `SELECT deleted FROM partner_deletions_received WHERE notice_id = $1`,
          [dto.noticeId],
        );
        return { noticeId: dto.noticeId, deleted: prior.deleted };
      }
      const gone = returnedRows<{ contact_id: string; segment_id: string | null }>(
        await m.query(
          `DELETE FROM partner_audience_members pm USING partner_audiences a
            WHERE pm.audience_id = a.id AND a.agreement_id = $1
              AND (pm.email_hash = ANY($2::text[]) OR pm.phone_hash = ANY($3::text[]))
            RETURNING pm.contact_id, a.segment_id`,
          [agreement.id, dto.emailHashes, dto.phoneHashes],
        ),
      );
      const fromSegments = gone.filter((g): g is { contact_id: string; segment_id: string } => !!g.segment_id);
      if (fromSegments.length) {
        const left = returnedRows<{ segment_id: string; contact_id: string }>(
          await m.query(
            `DELETE FROM segment_members s USING unnest($1::uuid[], $2::uuid[]) AS x(segment_id, contact_id)
              WHERE s.segment_id = x.segment_id AND s.contact_id = x.contact_id RETURNING s.segment_id, s.contact_id`,
            [fromSegments.map((g) => g.segment_id), fromSegments.map((g) => g.contact_id)],
          ),
        );
        await this.membership.announce(m, [], left);
      }
      await m.query(`UPDATE partner_deletions_received SET deleted = $2 WHERE notice_id = $1`, [
        dto.noticeId,
        gone.length,
      ]);
      return { noticeId: dto.noticeId, deleted: gone.length };
    });
  }

  /** Own contact erased here: what partners told about them goes too. */
  async forgetContact(m: EntityManager, contactId: string): Promise<number> {
    const [, n] = await m.query(`DELETE FROM partner_audience_members WHERE contact_id = $1`, [contactId]);
    return Number(n);
  }

  private async view(m: EntityManager, a: AudienceRow): Promise<PartnerAudienceView> {
    const partner = await findPartner(m, a.partner_id);
    return {
      id: a.id,
      partnerId: a.partner_id,
      agreementId: a.agreement_id,
      segmentId: a.segment_id,
      status: a.status,
      provenance: {
        partnerName: partner?.name ?? '',
        remoteShareId: a.remote_share_id,
        sharedAt: a.shared_at.toISOString(),
        purposes: a.purposes,
        fields: a.fields,
      },
      received: a.received_count,
      members: Number(a.members ?? 0),
      receivedAt: a.received_at.toISOString(),
      expiresAt: a.expires_at.toISOString(),
      deletedAt: a.deleted_at?.toISOString() ?? null,
      reason: a.reason,
      via: a.via,
    };
  }

  async get(id: string): Promise<PartnerAudienceView> {
    const a = await this.row(this.dataSource.manager, id);
    if (!a) throw marketingError('PARTNER_AUDIENCE_NOT_FOUND', `No partner audience ${id}`);
    return this.view(this.dataSource.manager, a);
  }

  async list(): Promise<{ items: PartnerAudienceView[] }> {
    const rows: AudienceRow[] = await this.dataSource.query(`${AUDIENCE_SELECT} ORDER BY a.id DESC LIMIT 200`);
    const items: PartnerAudienceView[] = [];
    for (const r of rows) items.push(await this.view(this.dataSource.manager, r));
    return { items };
  }
}
