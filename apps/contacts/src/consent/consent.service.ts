import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CONTACTS_EVENTS, type ConsentChangedPayload, type ConsentState } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { inTransaction, uuidv7 } from '@crm/persistence';
import { validationFailed, type Principal } from '@crm/platform';
import { lockActive } from '../people/active-person';
import { Consent, ConsentHistory } from './consent.entity';
import type { ConsentDecisionDto } from './dto/consent.dto';

export interface ConsentHistoryEntry extends ConsentState {
  id: string;
  recordedBy: string;
  recordedAt: string;
}

export interface PersonConsent {
  /** The decision in force per channel and purpose. */
  current: ConsentState[];
  /** Every decision recorded, newest first (at most 500). */
  history: ConsentHistoryEntry[];
}

const state = (c: Consent): ConsentState => ({
  channel: c.channel,
  purpose: c.purpose,
  granted: c.granted,
  source: c.source,
  decidedAt: c.decidedAt.toISOString(),
});

@Injectable()
export class ConsentService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
  ) {}

  async current(personId: string): Promise<ConsentState[]> {
    const rows = await this.dataSource
      .getRepository(Consent)
      .find({ where: { personId }, order: { channel: 'ASC', purpose: 'ASC' } });
    return rows.map(state);
  }

  async forPerson(personId: string): Promise<PersonConsent> {
    const [current, history] = await Promise.all([
      this.current(personId),
      this.dataSource
        .getRepository(ConsentHistory)
        .find({ where: { personId }, order: { decidedAt: 'DESC', id: 'DESC' }, take: 500 }),
    ]);
    return {
      current,
      history: history.map((h) => ({
        ...state(h),
        id: h.id,
        recordedBy: h.recordedBy,
        recordedAt: h.recordedAt.toISOString(),
      })),
    };
  }

  /**
   * Records a decision in the append-only history; it becomes the current
   * state unless a newer decision is already in force (one recorded late).
   */
  async decide(personId: string, dto: ConsentDecisionDto, by: Principal): Promise<ConsentState> {
    const decidedAt = dto.decidedAt ? new Date(dto.decidedAt) : new Date();
    if (decidedAt.getTime() > Date.now() + 60_000)
      throw validationFailed([{ field: 'decidedAt', message: 'cannot be in the future' }]);
    return inTransaction(this.dataSource, async (m) => {
      await lockActive(m, personId);
      await m.getRepository(ConsentHistory).insert({
        id: uuidv7(),
        personId,
        channel: dto.channel,
        purpose: dto.purpose,
        granted: dto.granted,
        source: dto.source,
        decidedAt,
        recordedBy: by.subject,
      });
      await m.query(
        `INSERT INTO consents (person_id, channel, purpose, granted, source, decided_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (person_id, channel, purpose) DO UPDATE
           SET granted = EXCLUDED.granted, source = EXCLUDED.source, decided_at = EXCLUDED.decided_at
         WHERE consents.decided_at <= EXCLUDED.decided_at`,
        [personId, dto.channel, dto.purpose, dto.granted, dto.source, decidedAt],
      );
      const current = state(
        await m.getRepository(Consent).findOneByOrFail({ personId, channel: dto.channel, purpose: dto.purpose }),
      );
      // The person's consent version: one more with every decision recorded.
      const count: { n: number }[] = await m.query(
        `SELECT count(*)::int AS n FROM consent_history WHERE person_id = $1`,
        [personId],
      );
      const data: ConsentChangedPayload = { contactId: personId, ...current };
      await this.events.publish(m, {
        type: CONTACTS_EVENTS.consentChanged,
        subject: personId,
        version: count[0].n,
        data,
      });
      return current;
    });
  }
}
