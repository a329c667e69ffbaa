import type { EntityManager } from 'typeorm';
import { uuidv7 } from '@crm/persistence';
import { agreementInForce, type AgreementStatus } from './agreement-status';

export interface PartnerRow {
  id: string;
  name: string;
  contact_name: string | null;
  contact_email: string | null;
  base_url: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface AgreementRow {
  id: string;
  partner_id: string;
  exchange_id: string;
  /** The shared key, sealed (PartnerKeys opens it). */
  shared_key_sealed: string;
  name: string;
  purposes: string[];
  fields: string[];
  valid_from: Date;
  valid_until: Date;
  min_audience_size: number;
  status: AgreementStatus;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface PartnerView {
  id: string;
  name: string;
  contactName: string | null;
  contactEmail: string | null;
  baseUrl: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface AgreementView {
  id: string;
  partnerId: string;
  exchangeId: string;
  name: string;
  purposes: string[];
  fields: string[];
  validFrom: string;
  validUntil: string;
  minAudienceSize: number;
  status: AgreementStatus;
  /** Active and inside its validity period: data may move. */
  inForce: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function toPartnerView(r: PartnerRow): PartnerView {
  return {
    id: r.id,
    name: r.name,
    contactName: r.contact_name,
    contactEmail: r.contact_email,
    baseUrl: r.base_url,
    version: r.version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** The shared key is never part of a view: it is answered once, on create. */
export function toAgreementView(r: AgreementRow): AgreementView {
  return {
    id: r.id,
    partnerId: r.partner_id,
    exchangeId: r.exchange_id,
    name: r.name,
    purposes: r.purposes,
    fields: r.fields,
    validFrom: r.valid_from.toISOString(),
    validUntil: r.valid_until.toISOString(),
    minAudienceSize: r.min_audience_size,
    status: r.status,
    inForce: agreementInForce(r),
    version: r.version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export async function findPartner(m: EntityManager, id: string, lock = false): Promise<PartnerRow | undefined> {
  const rows: PartnerRow[] = await m.query(`SELECT * FROM partners WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0];
}

export async function findAgreement(m: EntityManager, id: string, lock = false): Promise<AgreementRow | undefined> {
  const rows: AgreementRow[] = await m.query(
    `SELECT * FROM partner_agreements WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0];
}

export async function findAgreementByExchangeId(
  m: EntityManager,
  exchangeId: string,
): Promise<AgreementRow | undefined> {
  const rows: AgreementRow[] = await m.query(`SELECT * FROM partner_agreements WHERE exchange_id = $1`, [exchangeId]);
  return rows[0];
}

/** The values that differ between two views (the shared key is never in either). */
export function changed<T extends object>(before: T, after: T): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const k of Object.keys(after) as (keyof T)[]) {
    if (k === 'version' || k === 'updatedAt' || k === 'inForce') continue;
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) out[String(k)] = { from: before[k], to: after[k] };
  }
  return out;
}

/** One audit entry, in the transaction of the change it records. */
export async function audit(
  m: EntityManager,
  entry: { entity: 'partner' | 'agreement'; entityId: string; action: string; actor: string; changes: object },
): Promise<void> {
  await m.query(
    `INSERT INTO partner_audit (id, entity, entity_id, action, actor, changes) VALUES ($1, $2, $3, $4, $5, $6)`,
    [uuidv7(), entry.entity, entry.entityId, entry.action, entry.actor, JSON.stringify(entry.changes)],
  );
}
