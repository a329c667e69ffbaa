import { Column, Entity, PrimaryColumn } from 'typeorm';

export const CONSENT_CHANNELS = ['email', 'sms', 'phone', 'post', 'social'] as const;
export const CONSENT_PURPOSES = ['marketing', 'profiling', 'partner_sharing'] as const;

/** The current decision per channel and purpose. */
@Entity({ name: 'consents' })
export class Consent {
  @PrimaryColumn({ name: 'person_id', type: 'uuid' }) personId!: string;
  @PrimaryColumn({ type: 'text' }) channel!: string;
  @PrimaryColumn({ type: 'text' }) purpose!: string;
  @Column({ type: 'boolean' }) granted!: boolean;
  @Column({ type: 'text' }) source!: string;
  @Column({ name: 'decided_at', type: 'timestamptz' }) decidedAt!: Date;
}

/** Every decision ever recorded; never updated. */
@Entity({ name: 'consent_history' })
export class ConsentHistory {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'person_id', type: 'uuid' }) personId!: string;
  @Column({ type: 'text' }) channel!: string;
  @Column({ type: 'text' }) purpose!: string;
  @Column({ type: 'boolean' }) granted!: boolean;
  @Column({ type: 'text' }) source!: string;
  @Column({ name: 'decided_at', type: 'timestamptz' }) decidedAt!: Date;
  @Column({ name: 'recorded_by', type: 'text' }) recordedBy!: string;
  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' }) recordedAt!: Date;
}
