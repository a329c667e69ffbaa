import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { ErasureCompletedPayload } from '@crm/contracts';
import { notFound } from '../shared/normalise';
import { contactsError } from '../shared/contacts-errors';

export interface ErasureParticipantStatus {
  service: string;
  status: 'pending' | 'completed';
  /** When its last receipt says it finished; null while pending. */
  completedAt: string | null;
  /** Records it anonymised or deleted, over the contacts it has confirmed so far. */
  records: number;
  /** Contacts of the request it has confirmed, of `contactIds`. */
  confirmed: number;
}

export interface ErasureStatus {
  requestId: string;
  /** The contact erasure was asked for. */
  contactId: string;
  /** That contact and every contact merged into it. */
  contactIds: string[];
  requestedAt: string;
  participants: ErasureParticipantStatus[];
  complete: boolean;
  completedAt: string | null;
}

interface RequestRow {
  id: string;
  person_id: string;
  contact_ids: string[];
  participants: string[];
  requested_at: Date;
  completed_at: Date | null;
}

/** Receipts of an erasure request, from contacts itself and the participants' events. */
@Injectable()
export class ErasureReceiptsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Records one participant's receipt for one contact, once; a receipt for a
   * request or contact this service does not know changes nothing. The
   * request row is locked so two last receipts cannot both miss completion.
   */
  async record(m: EntityManager, participant: string, r: ErasureCompletedPayload): Promise<boolean> {
    const [request]: RequestRow[] = await m.query(`SELECT * FROM erasure_requests WHERE id = $1 FOR UPDATE`, [
      r.requestId,
    ]);
    if (!request || !request.contact_ids.includes(r.contactId)) return false;
    await m.query(
      `INSERT INTO erasure_confirmations (request_id, participant, contact_id, records, completed_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [r.requestId, participant, r.contactId, r.records, r.completedAt],
    );
    await m.query(
      `UPDATE erasure_requests r SET completed_at = (SELECT max(c.completed_at) FROM erasure_confirmations c WHERE c.request_id = r.id)
        WHERE r.id = $1 AND r.completed_at IS NULL
          AND (SELECT count(*) FROM erasure_confirmations c WHERE c.request_id = r.id AND c.participant = ANY(r.participants))
              = cardinality(r.participants) * cardinality(r.contact_ids)`,
      [r.requestId],
    );
    return true;
  }

  /** The latest erasure request covering this contact, with each participant's state. */
  async status(contactId: string): Promise<ErasureStatus> {
    const [request]: RequestRow[] = await this.dataSource.query(
      `SELECT * FROM erasure_requests WHERE contact_ids @> ARRAY[$1::uuid] ORDER BY requested_at DESC, id DESC LIMIT 1`,
      [contactId],
    );
    if (!request) {
      const known: unknown[] = await this.dataSource.query(`SELECT 1 FROM people WHERE id = $1`, [contactId]);
      if (!known.length) throw notFound('CONTACT', contactId);
      throw contactsError('ERASURE_NOT_FOUND', `Erasure was never asked for contact ${contactId}`);
    }
    const rows: { participant: string; n: number; records: number; completed_at: Date }[] = await this.dataSource.query(
      `SELECT participant, count(*)::int AS n, sum(records)::int AS records, max(completed_at) AS completed_at
         FROM erasure_confirmations WHERE request_id = $1 GROUP BY participant`,
      [request.id],
    );
    const expected = request.contact_ids.length;
    const participants = request.participants.map((service): ErasureParticipantStatus => {
      const row = rows.find((r) => r.participant === service);
      const done = (row?.n ?? 0) >= expected;
      return {
        service,
        status: done ? 'completed' : 'pending',
        completedAt: done && row ? row.completed_at.toISOString() : null,
        records: row?.records ?? 0,
        confirmed: row?.n ?? 0,
      };
    });
    const complete = participants.every((p) => p.status === 'completed');
    // From the confirmations read just now, as record() computes it: the request row was read by an
    // earlier statement and may not show yet the completion the last receipt committed since.
    const completedAt = complete
      ? participants.reduce<string | null>(
          (latest, p) => (!latest || (p.completedAt ?? '') > latest ? p.completedAt : latest),
          null,
        )
      : null;
    return {
      requestId: request.id,
      contactId: request.person_id,
      contactIds: request.contact_ids,
      requestedAt: request.requested_at.toISOString(),
      participants,
      complete,
      completedAt,
    };
  }
}
