import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsBoolean, IsIn, IsISO8601, IsOptional, IsString, Length } from 'class-validator';
import type { DataSource } from 'typeorm';
import { CONTACTS_EVENTS, type ConsentChangedPayload } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { uuidv7 } from '@crm/persistence';
import { DomainError, type Principal } from '@crm/platform';
import { lockActive } from '../people/people.service';
import { CONSENT_CHANNELS, CONSENT_PURPOSES, Consent, ConsentHistory } from './consent.entity';

export class ConsentDecisionDto {
  @IsIn(CONSENT_CHANNELS) channel!: string;
  @IsIn(CONSENT_PURPOSES) purpose!: string;
  @IsBoolean() granted!: boolean;
  /** Where the decision was made: web form, call, signed paper... */
  @IsString() @Length(1, 100) source!: string;
  @IsOptional() @IsISO8601({ strict: true }) decidedAt?: string;
}

@Injectable()
export class ConsentService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
  ) {}

  async forPerson(personId: string) {
    const [current, history] = await Promise.all([
      this.dataSource.getRepository(Consent).find({ where: { personId }, order: { channel: 'ASC', purpose: 'ASC' } }),
      this.dataSource.getRepository(ConsentHistory).find({ where: { personId }, order: { decidedAt: 'DESC', id: 'DESC' }, take: 500 }),
    ]);
    return { current, history };
  }

  async decide(personId: string, dto: ConsentDecisionDto, by: Principal) {
    return this.dataSource.transaction(async (m) => {
      await lockActive(m, personId);
      const decidedAt = dto.decidedAt ? new Date(dto.decidedAt) : new Date();
      if (decidedAt.getTime() > Date.now() + 60_000) {
        throw new DomainError('VALIDATION_FAILED', 'A consent decision cannot be in the future', 'invalid', {
          errors: [{ field: 'decidedAt', message: 'cannot be in the future' }],
        });
      }
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
      // An older decision recorded late goes into history without overriding a newer one.
      await m.query(
        `INSERT INTO consents (person_id, channel, purpose, granted, source, decided_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (person_id, channel, purpose) DO UPDATE
           SET granted = EXCLUDED.granted, source = EXCLUDED.source, decided_at = EXCLUDED.decided_at
         WHERE consents.decided_at <= EXCLUDED.decided_at`,
        [personId, dto.channel, dto.purpose, dto.granted, dto.source, decidedAt],
      );
      const current = await m.getRepository(Consent).findOneByOrFail({ personId, channel: dto.channel, purpose: dto.purpose });
      const count: { n: number }[] = await m.query(`SELECT count(*)::int AS n FROM consent_history WHERE person_id = $1`, [personId]);
      const data: ConsentChangedPayload = {
        contactId: personId,
        channel: current.channel,
        purpose: current.purpose,
        granted: current.granted,
        source: current.source,
        decidedAt: current.decidedAt.toISOString(),
      };
      await this.events.publish(m, { type: CONTACTS_EVENTS.consentChanged, subject: personId, version: count[0].n, data });
      return current;
    });
  }
}
