import type { EntityManager } from 'typeorm';
import { emailHash, matchingKey, phoneHash } from './partner-crypto';
import { ageBand, type SharedRecord } from './shareable-fields';

export interface ConsentedRecord {
  contactId: string;
  record: SharedRecord;
}

interface AudienceRow {
  contact_id: string;
  email: string | null;
  phone: string | null;
  country: string | null;
  birth_date: Date | null;
  rfm_segment: string | null;
  email_ok: boolean;
  phone_ok: boolean;
}

/**
 * The segment's members who granted, on one channel, `partner_sharing` and
 * every purpose of the agreement (`marketing`, `profiling`): an agreement for
 * marketing and profiling shares nobody who granted only marketing. An
 * identifier goes only where its channel carries all of them (email for the
 * email hash, sms or phone for the phone hash); a member with no shareable
 * identifier, or under 18, is left out.
 */
const AUDIENCE_SQL = `
  WITH granted AS (
    SELECT c.contact_id, c.channel
      FROM segment_members sm
      JOIN consent_mirror c ON c.contact_id = sm.contact_id AND c.granted AND c.purpose = ANY($2::text[])
     WHERE sm.segment_id = $1
     GROUP BY c.contact_id, c.channel
    HAVING count(DISTINCT c.purpose) = cardinality($2::text[]))
  SELECT m.contact_id, m.email, m.phone, m.country, m.birth_date, m.rfm_segment,
         bool_or(g.channel = 'email') AS email_ok, bool_or(g.channel IN ('sms', 'phone')) AS phone_ok
    FROM granted g
    JOIN contact_mirror m ON m.contact_id = g.contact_id AND m.status = 'active'
   GROUP BY m.contact_id`;

/** The consent purposes a contact must have granted for an agreement: partner_sharing and each of its purposes. */
export function requiredPurposes(agreementPurposes: string[]): string[] {
  return [...new Set(['partner_sharing', ...agreementPurposes])];
}

export async function consentedAudience(
  m: EntityManager,
  segmentId: string,
  agreement: { fields: string[]; purposes: string[] },
  sharedKey: string,
  lock = false,
): Promise<ConsentedRecord[]> {
  if (lock)
    // Holds the members' mirror rows: a consent withdrawal being applied now either committed before
    // (and the next statement sees it) or waits for this share to commit (and then sees its rows).
    await m.query(
      `SELECT 1 FROM segment_members sm JOIN contact_mirror m ON m.contact_id = sm.contact_id
        WHERE sm.segment_id = $1 ORDER BY m.contact_id FOR SHARE OF m`,
      [segmentId],
    );
  const rows: AudienceRow[] = await m.query(AUDIENCE_SQL, [segmentId, requiredPurposes(agreement.purposes)]);
  const key = matchingKey(sharedKey);
  const fields = new Set(agreement.fields);
  const out: ConsentedRecord[] = [];
  for (const r of rows) {
    const band = ageBand(r.birth_date ? new Date(r.birth_date) : null);
    if (band === 'minor') continue;
    const record: SharedRecord = {};
    if (fields.has('emailHash') && r.email_ok) {
      const h = emailHash(key, r.email);
      if (h) record.emailHash = h;
    }
    if (fields.has('phoneHash') && r.phone_ok) {
      const h = phoneHash(key, r.phone);
      if (h) record.phoneHash = h;
    }
    if (!record.emailHash && !record.phoneHash) continue;
    if (fields.has('country') && r.country && /^[A-Z]{2}$/.test(r.country)) record.country = r.country;
    if (fields.has('ageBand') && band) record.ageBand = band;
    if (fields.has('rfmSegment') && r.rfm_segment && /^[A-Za-z0-9_-]{1,40}$/.test(r.rfm_segment))
      record.rfmSegment = r.rfm_segment;
    out.push({ contactId: r.contact_id, record });
  }
  return out;
}

/**
 * The own active contacts whose identifiers, hashed under the agreement's
 * key, are among the wanted hashes: hash -> contact id. Every contact is
 * hashed here (keyset pages of 10,000), so nothing but the partner's hashes
 * is ever compared and no raw identifier leaves the suite.
 */
export async function matchOwnContacts(
  m: EntityManager,
  sharedKey: string,
  wanted: Set<string>,
): Promise<Map<string, string>> {
  const key = matchingKey(sharedKey);
  const found = new Map<string, string>();
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows: { contact_id: string; email: string | null; phone: string | null }[] = await m.query(
      `SELECT contact_id, email, phone FROM contact_mirror
        WHERE status = 'active' AND contact_id > $1 AND (email IS NOT NULL OR phone IS NOT NULL)
        ORDER BY contact_id LIMIT 10000`,
      [after],
    );
    for (const r of rows) {
      for (const h of [emailHash(key, r.email), phoneHash(key, r.phone)])
        if (h && wanted.has(h)) found.set(h, r.contact_id);
    }
    if (rows.length < 10000) return found;
    after = rows[rows.length - 1].contact_id;
  }
}

/** Chunks of at most `max` of nearly equal size (so no small tail chunk). */
export function balancedChunks<T>(items: T[], max: number): T[][] {
  if (items.length === 0) return [];
  const n = Math.ceil(items.length / max);
  const size = Math.ceil(items.length / n);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
