import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, inTransaction, uuidv7 } from '@crm/persistence';
import { validationFailed, type FieldProblem, type Page } from '@crm/platform';
import { marketingError } from '../shared/marketing-errors';
import { MARKETING_SETTINGS, type MarketingSettings } from '../shared/marketing-settings';
import { nextAgreementStatus, type AgreementAction } from './agreement-status';
import { newSharedKey } from './partner-crypto';
import { PartnerKeys } from './partner-keys';
import { PartnerHashIndex } from './partner-hash-index.service';
import {
  audit,
  changed,
  findAgreement,
  findPartner,
  toAgreementView,
  toPartnerView,
  type AgreementRow,
  type AgreementView,
  type PartnerRow,
  type PartnerView,
} from './partners.repository';
import type { CreateAgreementDto, CreatePartnerDto, UpdateAgreementDto, UpdatePartnerDto } from './dto/partner.dto';

export interface AuditEntryView {
  id: string;
  entity: string;
  entityId: string;
  action: string;
  actor: string;
  changes: unknown;
  at: string;
}

/** Partners and agreements: plain records, every change audited in its own transaction. */
@Injectable()
export class PartnersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(MARKETING_SETTINGS) private readonly settings: MarketingSettings,
    private readonly keys: PartnerKeys,
    private readonly hashIndex: PartnerHashIndex,
  ) {}

  private checkBaseUrl(baseUrl: string | undefined): void {
    if (baseUrl === undefined || this.settings.PARTNER_ALLOW_HTTP === 'true') return;
    if (!baseUrl.toLowerCase().startsWith('https://'))
      throw validationFailed([
        { field: 'baseUrl', message: 'must be an https:// URL (partner data travels over TLS)' },
      ]);
  }

  async createPartner(dto: CreatePartnerDto, actor: string): Promise<PartnerView> {
    this.checkBaseUrl(dto.baseUrl);
    const id = uuidv7();
    return inTransaction(this.dataSource, async (m) => {
      await m.query(
        `INSERT INTO partners (id, name, contact_name, contact_email, base_url) VALUES ($1, $2, $3, $4, $5)`,
        [id, dto.name, dto.contactName ?? null, dto.contactEmail ?? null, dto.baseUrl.replace(/\/+$/, '')],
      );
      const view = toPartnerView((await findPartner(m, id)) as PartnerRow);
      await audit(m, { entity: 'partner', entityId: id, action: 'created', actor, changes: { after: view } });
      return view;
    });
  }

  async getPartner(id: string): Promise<PartnerView> {
    const row = await findPartner(this.dataSource.manager, id);
    if (!row) throw marketingError('PARTNER_NOT_FOUND', `No partner ${id}`);
    return toPartnerView(row);
  }

  async listPartners(page: { limit?: number; cursor?: string }): Promise<Page<PartnerView>> {
    const limit = page.limit ?? 50;
    const after = page.cursor ? String(decodeCursor(page.cursor, 1)[0]) : null;
    const rows: PartnerRow[] = await this.dataSource.query(
      `SELECT * FROM partners WHERE ($1::uuid IS NULL OR id < $1::uuid) ORDER BY id DESC LIMIT $2`,
      [after, limit + 1],
    );
    const items = rows.slice(0, limit).map(toPartnerView);
    return { items, nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null };
  }

  async updatePartner(id: string, dto: UpdatePartnerDto, ifMatch: number | undefined, actor: string) {
    this.checkBaseUrl(dto.baseUrl);
    return inTransaction(this.dataSource, async (m) => {
      const row = await findPartner(m, id, true);
      if (!row) throw marketingError('PARTNER_NOT_FOUND', `No partner ${id}`);
      if (ifMatch !== undefined && ifMatch !== row.version)
        throw marketingError('VERSION_CONFLICT', `Partner ${id} is at version ${row.version}, not ${ifMatch}`, {
          currentVersion: row.version,
        });
      await m.query(
        `UPDATE partners SET name = COALESCE($2, name), contact_name = COALESCE($3, contact_name),
           contact_email = COALESCE($4, contact_email), base_url = COALESCE($5, base_url),
           version = version + 1, updated_at = now() WHERE id = $1`,
        [
          id,
          dto.name ?? null,
          dto.contactName ?? null,
          dto.contactEmail ?? null,
          dto.baseUrl?.replace(/\/+$/, '') ?? null,
        ],
      );
      const before = toPartnerView(row);
      const after = toPartnerView((await findPartner(m, id)) as PartnerRow);
      await audit(m, { entity: 'partner', entityId: id, action: 'updated', actor, changes: changed(before, after) });
      return after;
    });
  }

  async createAgreement(
    partnerId: string,
    dto: CreateAgreementDto,
    actor: string,
  ): Promise<AgreementView & { sharedKey?: string }> {
    const problems: FieldProblem[] = [];
    const validFrom = dto.validFrom ? new Date(dto.validFrom) : new Date();
    const validUntil = new Date(dto.validUntil);
    if (validUntil <= validFrom) problems.push({ field: 'validUntil', message: 'must be after validFrom' });
    if (!dto.fields.includes('emailHash') && !dto.fields.includes('phoneHash'))
      problems.push({ field: 'fields', message: 'must include emailHash or phoneHash (records are matched on them)' });
    if ((dto.exchangeId === undefined) !== (dto.sharedKey === undefined))
      problems.push({
        field: 'sharedKey',
        message: "exchangeId and sharedKey come together, from the partner's agreement",
      });
    if (problems.length) throw validationFailed(problems);
    const id = uuidv7();
    const fresh = dto.sharedKey === undefined;
    const sharedKey = dto.sharedKey ?? newSharedKey();
    const exchangeId = dto.exchangeId ?? uuidv7();
    return inTransaction(this.dataSource, async (m) => {
      if (!(await findPartner(m, partnerId))) throw marketingError('PARTNER_NOT_FOUND', `No partner ${partnerId}`);
      const taken: unknown[] = await m.query(`SELECT 1 FROM partner_agreements WHERE exchange_id = $1`, [exchangeId]);
      if (taken.length)
        throw validationFailed([{ field: 'exchangeId', message: 'is already the exchange id of another agreement' }]);
      await m.query(
        `INSERT INTO partner_agreements (id, partner_id, exchange_id, shared_key_sealed, name, purposes, fields, valid_from,
           valid_until, min_audience_size, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft')`,
        [
          id,
          partnerId,
          exchangeId,
          this.keys.seal(id, sharedKey),
          dto.name,
          dto.purposes,
          dto.fields,
          validFrom,
          validUntil,
          dto.minAudienceSize ?? 25,
        ],
      );
      const view = toAgreementView((await findAgreement(m, id)) as AgreementRow);
      await audit(m, { entity: 'agreement', entityId: id, action: 'created', actor, changes: { after: view } });
      await this.hashIndex.queueBuild(m, id);
      // The key is shown once, to be given to the partner out of band; a key the partner gave is not echoed.
      return fresh ? { ...view, sharedKey } : view;
    });
  }

  async getAgreement(id: string): Promise<AgreementView> {
    const row = await findAgreement(this.dataSource.manager, id);
    if (!row) throw marketingError('AGREEMENT_NOT_FOUND', `No agreement ${id}`);
    return toAgreementView(row);
  }

  async listAgreements(partnerId: string): Promise<{ items: AgreementView[] }> {
    await this.getPartner(partnerId);
    const rows: AgreementRow[] = await this.dataSource.query(
      `SELECT * FROM partner_agreements WHERE partner_id = $1 ORDER BY id DESC LIMIT 200`,
      [partnerId],
    );
    return { items: rows.map(toAgreementView) };
  }

  async updateAgreement(id: string, dto: UpdateAgreementDto, ifMatch: number | undefined, actor: string) {
    return inTransaction(this.dataSource, async (m) => {
      const row = await findAgreement(m, id, true);
      if (!row) throw marketingError('AGREEMENT_NOT_FOUND', `No agreement ${id}`);
      const expected = ifMatch ?? dto.version;
      if (expected !== undefined && expected !== row.version)
        throw marketingError('VERSION_CONFLICT', `Agreement ${id} is at version ${row.version}, not ${expected}`, {
          currentVersion: row.version,
        });
      if (row.status === 'terminated')
        throw marketingError('AGREEMENT_TRANSITION_INVALID', `Agreement ${id} is terminated and cannot change`);
      const problems: FieldProblem[] = [];
      if ((dto.fields !== undefined || dto.purposes !== undefined) && row.status !== 'draft')
        problems.push({
          field: dto.fields !== undefined ? 'fields' : 'purposes',
          message: 'can change only while the agreement is a draft (make a new agreement instead)',
        });
      if (dto.fields && !dto.fields.includes('emailHash') && !dto.fields.includes('phoneHash'))
        problems.push({ field: 'fields', message: 'must include emailHash or phoneHash' });
      if (dto.validUntil && new Date(dto.validUntil) <= row.valid_from)
        problems.push({ field: 'validUntil', message: 'must be after validFrom' });
      if (problems.length) throw validationFailed(problems);
      await m.query(
        `UPDATE partner_agreements SET name = COALESCE($2, name), valid_until = COALESCE($3, valid_until),
           min_audience_size = COALESCE($4, min_audience_size), fields = COALESCE($5, fields),
           purposes = COALESCE($6, purposes), version = version + 1, updated_at = now() WHERE id = $1`,
        [
          id,
          dto.name ?? null,
          dto.validUntil ?? null,
          dto.minAudienceSize ?? null,
          dto.fields ?? null,
          dto.purposes ?? null,
        ],
      );
      const before = toAgreementView(row);
      const after = toAgreementView((await findAgreement(m, id)) as AgreementRow);
      await audit(m, { entity: 'agreement', entityId: id, action: 'updated', actor, changes: changed(before, after) });
      return after;
    });
  }

  async transition(id: string, action: AgreementAction, actor: string): Promise<AgreementView> {
    return inTransaction(this.dataSource, async (m) => {
      const row = await findAgreement(m, id, true);
      if (!row) throw marketingError('AGREEMENT_NOT_FOUND', `No agreement ${id}`);
      const status = nextAgreementStatus(row.status, action);
      await m.query(
        `UPDATE partner_agreements SET status = $2, version = version + 1, updated_at = now() WHERE id = $1`,
        [id, status],
      );
      if (status === 'terminated') await this.hashIndex.drop(m, id);
      await audit(m, {
        entity: 'agreement',
        entityId: id,
        action,
        actor,
        changes: { status: { from: row.status, to: status } },
      });
      return toAgreementView((await findAgreement(m, id)) as AgreementRow);
    });
  }

  async auditTrail(entityId: string): Promise<{ items: AuditEntryView[] }> {
    const rows: {
      id: string;
      entity: string;
      entity_id: string;
      action: string;
      actor: string;
      changes: unknown;
      at: Date;
    }[] = await this.dataSource.query(`SELECT * FROM partner_audit WHERE entity_id = $1 ORDER BY at, id LIMIT 1000`, [
      entityId,
    ]);
    return {
      items: rows.map((r) => ({
        id: r.id,
        entity: r.entity,
        entityId: r.entity_id,
        action: r.action,
        actor: r.actor,
        changes: r.changes,
        at: r.at.toISOString(),
      })),
    };
  }
}
