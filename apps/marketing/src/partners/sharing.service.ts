import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { inTransaction, uuidv7 } from '@crm/persistence';
import { validationFailed } from '@crm/platform';
import { marketingError } from '../shared/marketing-errors';
import { agreementInForce } from './agreement-status';
import { ExchangeProtocols, PROTOCOL_CHUNKED_MATCH, speaksOnlyFirstProtocol } from './exchange-protocol';
import { balancedChunks, consentedAudience, type ConsentedRecord } from './audience.repository';
import { PartnerClient, partnerProblem } from './partner-client';
import { PartnerKeys } from './partner-keys';
import { findAgreement, findPartner, type AgreementRow, type PartnerRow } from './partners.repository';

/** Records per exchange request (well under the 1 MiB body limit). */
export const CHUNK_RECORDS = 2000;
const DEFAULT_EXPIRY_DAYS = 90;

export interface MatchView {
  shareId: string;
  audience: number;
  matched: number;
  minAudienceSize: number;
  shareable: boolean;
}

export interface ShareResultView {
  shareId: string;
  status: 'delivered';
  audience: number;
  matched: number;
  expiresAt: string;
  partnerAudienceId: string | null;
}

/** When shared data must be deleted: as asked (future, within the agreement), else in 90 days or the agreement's end. */
export function shareExpiry(max: Date, requested?: string): Date {
  if (requested === undefined) {
    const d = new Date(Date.now() + DEFAULT_EXPIRY_DAYS * 86_400_000);
    return d < max ? d : max;
  }
  const at = new Date(requested);
  if (at.getTime() <= Date.now()) throw validationFailed([{ field: 'expiresAt', message: 'must be in the future' }]);
  if (at > max)
    throw validationFailed([
      { field: 'expiresAt', message: `must not be after the agreement's end (${max.toISOString()})` },
    ]);
  return at;
}

interface Context {
  agreement: AgreementRow;
  partner: PartnerRow;
}

/**
 * The sending side: a consented segment counted against the partner's
 * contacts (only keyed hashes leave), then, above the agreement's k
 * threshold on both counts, sent as signed chunks. Every attempt, refused
 * or not, is in the share log.
 */
@Injectable()
export class SharingService {
  private readonly logger = new Logger('SharingService');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly client: PartnerClient,
    private readonly keys: PartnerKeys,
    private readonly protocols: ExchangeProtocols,
  ) {}

  private async context(agreementId: string, segmentId: string): Promise<Context> {
    const m = this.dataSource.manager;
    const agreement = await findAgreement(m, agreementId);
    if (!agreement) throw marketingError('AGREEMENT_NOT_FOUND', `No agreement ${agreementId}`);
    if (!agreementInForce(agreement))
      throw marketingError(
        'AGREEMENT_NOT_IN_FORCE',
        `Agreement ${agreementId} is ${agreement.status} and valid ${agreement.valid_from.toISOString()} to ${agreement.valid_until.toISOString()}: nothing moves under it now`,
      );
    const seg: unknown[] = await m.query(`SELECT 1 FROM segments WHERE id = $1`, [segmentId]);
    if (!seg.length) throw marketingError('SEGMENT_NOT_FOUND', `No segment ${segmentId}`);
    return { agreement, partner: (await findPartner(m, agreement.partner_id)) as PartnerRow };
  }

  private async log(
    c: Context,
    e: {
      id?: string;
      kind: 'match' | 'share';
      segmentId: string;
      audience: number;
      matched: number | null;
      status: string;
      reason?: string;
      actor: string;
    },
  ): Promise<string> {
    const id = e.id ?? uuidv7();
    await this.dataSource.query(
      `INSERT INTO partner_shares (id, kind, agreement_id, partner_id, segment_id, fields, purposes, audience_count,
         matched_count, status, reason, actor, completed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now())`,
      [
        id,
        e.kind,
        c.agreement.id,
        c.partner.id,
        e.segmentId,
        e.kind === 'share' ? c.agreement.fields : [],
        c.agreement.purposes,
        e.audience,
        e.matched,
        e.status,
        e.reason ?? null,
        e.actor,
      ],
    );
    return id;
  }

  private belowThreshold(c: Context, what: string, n: number): never {
    throw marketingError(
      'AUDIENCE_BELOW_THRESHOLD',
      `${what} is below the agreement's minimum audience size (${c.agreement.min_audience_size}): nothing is shared`,
      { minAudienceSize: c.agreement.min_audience_size, ...(what.startsWith('The consented') ? { audience: n } : {}) },
    );
  }

  /**
   * The overlap count with the partner: only keyed hashes go, in chunks; the
   * partner answers counts. Protocol 2 first (one list in chunks, counted as
   * one); a partner that does not speak it (it says so, or refuses the
   * chunked request as the first release does) is asked the protocol 1 way.
   */
  private async countMatches(c: Context, records: ConsentedRecord[]): Promise<number> {
    if (this.protocols.chunkedMatch) {
      const matched = await this.countChunked(c, records);
      if (matched !== 'first-protocol') return matched;
      this.logger.log(
        `Partner ${c.partner.id} does not speak the chunked match (agreement ${c.agreement.id}): matching by protocol 1`,
      );
    }
    return this.countByParts(c, records);
  }

  private hashesOf(chunk: ConsentedRecord[]) {
    return chunk.map((r) => ({
      ...(r.record.emailHash && { emailHash: r.record.emailHash }),
      ...(r.record.phoneHash && { phoneHash: r.record.phoneHash }),
    }));
  }

  /** Protocol 2: one list in chunks; the partner answers the count (k applied to all of it) at the end. */
  private async countChunked(c: Context, records: ConsentedRecord[]): Promise<number | 'first-protocol'> {
    const matchId = uuidv7();
    const chunks = balancedChunks(records, CHUNK_RECORDS);
    let matched = 0;
    for (const [i, chunk] of chunks.entries()) {
      const answer = await this.client.post<{ matched?: unknown; received?: unknown }>(
        c.partner,
        c.agreement,
        'match',
        { protocol: PROTOCOL_CHUNKED_MATCH, matchId, chunk: i, chunks: chunks.length, records: this.hashesOf(chunk) },
      );
      // Only the first answer decides the protocol: nothing was counted yet.
      if (i === 0 && answer.status !== 200 && speaksOnlyFirstProtocol(answer)) return 'first-protocol';
      const last = i === chunks.length - 1;
      const ok = answer.status === 200 && typeof (last ? answer.body?.matched : answer.body?.received) === 'number';
      if (!ok) throw marketingError('PARTNER_REFUSED', `The partner refused the match: ${partnerProblem(answer)}`);
      if (last) matched = answer.body?.matched as number;
    }
    return matched;
  }

  /**
   * Protocol 1 (the first release): each part of at most CHUNK_RECORDS is its
   * own request, counted and held to the partner's k on its own; the counts
   * add up. Parts are balanced, so a list over CHUNK_RECORDS has parts of at
   * least CHUNK_RECORDS / 2.
   */
  private async countByParts(c: Context, records: ConsentedRecord[]): Promise<number> {
    let matched = 0;
    for (const chunk of balancedChunks(records, CHUNK_RECORDS)) {
      const answer = await this.client.post<{ matched?: unknown }>(c.partner, c.agreement, 'match', {
        records: this.hashesOf(chunk),
      });
      if (answer.status !== 200 || typeof answer.body?.matched !== 'number')
        throw marketingError('PARTNER_REFUSED', `The partner refused the match: ${partnerProblem(answer)}`);
      matched += answer.body.matched;
    }
    return matched;
  }

  /** Count of consented members and of the overlap with the partner, before any data moves. */
  async match(agreementId: string, segmentId: string, actor: string): Promise<MatchView> {
    const c = await this.context(agreementId, segmentId);
    const records = await consentedAudience(
      this.dataSource.manager,
      segmentId,
      c.agreement,
      this.keys.open(c.agreement),
    );
    const k = c.agreement.min_audience_size;
    if (records.length < k) {
      await this.log(c, {
        kind: 'match',
        segmentId,
        audience: records.length,
        matched: null,
        status: 'refused',
        reason: 'AUDIENCE_BELOW_THRESHOLD: consented audience',
        actor,
      });
      this.belowThreshold(c, 'The consented audience', records.length);
    }
    const matched = await this.countMatches(c, records).catch(async (error: unknown) => {
      await this.log(c, {
        kind: 'match',
        segmentId,
        audience: records.length,
        matched: null,
        status: 'failed',
        reason: error instanceof Error ? error.message.slice(0, 500) : 'failed',
        actor,
      });
      throw error;
    });
    const shareId = await this.log(c, {
      kind: 'match',
      segmentId,
      audience: records.length,
      matched,
      status: 'counted',
      actor,
    });
    return { shareId, audience: records.length, matched, minAudienceSize: k, shareable: matched >= k };
  }

  private expiry(c: Context, requested?: string): Date {
    return shareExpiry(c.agreement.valid_until, requested);
  }

  /**
   * Shares the consented members of a segment: counts first (both above k),
   * then the share and who is in it are recorded (under the members' mirror
   * row locks, so a concurrent consent withdrawal is either seen or sees
   * this share), then the records go in signed chunks.
   */
  async share(agreementId: string, segmentId: string, expiresAt: string | undefined, actor: string) {
    const c = await this.context(agreementId, segmentId);
    const expires = this.expiry(c, expiresAt);
    const k = c.agreement.min_audience_size;
    const first = await consentedAudience(this.dataSource.manager, segmentId, c.agreement, this.keys.open(c.agreement));
    const refuse = async (audience: number, matched: number | null, reason: string) =>
      this.log(c, { kind: 'share', segmentId, audience, matched, status: 'refused', reason, actor });
    if (first.length < k) {
      await refuse(first.length, null, 'AUDIENCE_BELOW_THRESHOLD: consented audience');
      this.belowThreshold(c, 'The consented audience', first.length);
    }
    const matched = await this.countMatches(c, first).catch(async (error: unknown) => {
      await this.log(c, {
        kind: 'share',
        segmentId,
        audience: first.length,
        matched: null,
        status: 'failed',
        reason: error instanceof Error ? error.message.slice(0, 500) : 'failed',
        actor,
      });
      throw error;
    });
    if (matched < k) {
      await refuse(first.length, matched, 'AUDIENCE_BELOW_THRESHOLD: match with the partner');
      this.belowThreshold(c, 'The match with the partner', matched);
    }
    const shareId = uuidv7();
    const records = await inTransaction(this.dataSource, async (m) => {
      const now = await consentedAudience(m, segmentId, c.agreement, this.keys.open(c.agreement), true);
      if (now.length < k) return now;
      await m.query(
        `INSERT INTO partner_shares (id, kind, agreement_id, partner_id, segment_id, fields, purposes, audience_count,
           matched_count, status, expires_at, actor) VALUES ($1, 'share', $2, $3, $4, $5, $6, $7, $8, 'sending', $9, $10)`,
        [
          shareId,
          c.agreement.id,
          c.partner.id,
          segmentId,
          c.agreement.fields,
          c.agreement.purposes,
          now.length,
          matched,
          expires,
          actor,
        ],
      );
      await m.query(
        `INSERT INTO partner_share_contacts (share_id, contact_id, email_hash, phone_hash)
           SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::text[])`,
        [
          shareId,
          now.map((r) => r.contactId),
          now.map((r) => r.record.emailHash ?? null),
          now.map((r) => r.record.phoneHash ?? null),
        ],
      );
      return now;
    });
    if (records.length < k) {
      await refuse(records.length, matched, 'AUDIENCE_BELOW_THRESHOLD: consented audience');
      this.belowThreshold(c, 'The consented audience', records.length);
    }
    return this.send(c, shareId, records, expires);
  }

  private async finish(shareId: string, status: string, reason: string | null, matched?: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE partner_shares SET status = $2, reason = $3, matched_count = COALESCE($4, matched_count), completed_at = now()
        WHERE id = $1`,
      [shareId, status, reason, matched ?? null],
    );
  }

  private async send(c: Context, shareId: string, records: ConsentedRecord[], expires: Date): Promise<ShareResultView> {
    const chunks = balancedChunks(records, CHUNK_RECORDS);
    const sharedAt = new Date().toISOString();
    let last: { audienceId?: unknown; matched?: unknown } | undefined;
    for (const [i, chunk] of chunks.entries()) {
      let answer;
      try {
        answer = await this.client.post<{ audienceId?: unknown; matched?: unknown }>(
          c.partner,
          c.agreement,
          'audiences',
          {
            shareId,
            chunk: i,
            chunks: chunks.length,
            sharedAt,
            expiresAt: expires.toISOString(),
            purposes: c.agreement.purposes,
            fields: c.agreement.fields,
            records: chunk.map((r) => r.record),
          },
        );
      } catch (error) {
        await this.finish(shareId, 'failed', error instanceof Error ? error.message.slice(0, 500) : 'failed');
        throw error;
      }
      if (
        answer.status === 422 &&
        (answer.body as { code?: unknown } | undefined)?.code === 'AUDIENCE_BELOW_THRESHOLD'
      ) {
        // The partner applies its k to the whole share: it kept too few and discarded everything.
        await this.finish(shareId, 'refused', 'AUDIENCE_BELOW_THRESHOLD: the partner matched fewer than k');
        throw marketingError(
          'AUDIENCE_BELOW_THRESHOLD',
          'The partner matched fewer of the records than its minimum audience size and discarded them: nothing is held there',
          { minAudienceSize: c.agreement.min_audience_size },
        );
      }
      if (answer.status >= 300) {
        const why = partnerProblem(answer);
        await this.finish(shareId, answer.status < 500 ? 'refused' : 'failed', why.slice(0, 500));
        throw marketingError('PARTNER_REFUSED', `The partner did not accept the audience: ${why}`);
      }
      last = answer.body;
    }
    const matched = typeof last?.matched === 'number' ? last.matched : undefined;
    await this.finish(shareId, 'delivered', null, matched);
    return {
      shareId,
      status: 'delivered',
      audience: records.length,
      matched: matched ?? 0,
      expiresAt: expires.toISOString(),
      partnerAudienceId: typeof last?.audienceId === 'string' ? last.audienceId : null,
    };
  }
}
