import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'erasure_requests' })
export class ErasureRequest {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  /** The contact erasure was asked for. */
  @Column({ name: 'person_id', type: 'uuid' }) personId!: string;
  /** That contact and every contact merged into it: all of them are erased. */
  @Column({ name: 'contact_ids', type: 'uuid', array: true }) contactIds!: string[];
  /** Who must confirm, as configured when it was asked: contacts itself and ERASURE_PARTICIPANTS. */
  @Column({ type: 'text', array: true }) participants!: string[];
  @Column({ name: 'requested_by', type: 'text' }) requestedBy!: string;
  @Column({ type: 'text', nullable: true }) reason!: string | null;
  @Column({ name: 'requested_at', type: 'timestamptz', default: () => 'now()' }) requestedAt!: Date;
  /** When the last expected receipt arrived; null while any is pending. */
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true }) completedAt!: Date | null;
}

/** One participant's receipt for one contact of a request. */
@Entity({ name: 'erasure_confirmations' })
export class ErasureConfirmation {
  @PrimaryColumn({ name: 'request_id', type: 'uuid' }) requestId!: string;
  @PrimaryColumn({ type: 'text' }) participant!: string;
  @PrimaryColumn({ name: 'contact_id', type: 'uuid' }) contactId!: string;
  @Column({ type: 'int' }) records!: number;
  @Column({ name: 'completed_at', type: 'timestamptz' }) completedAt!: Date;
  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' }) receivedAt!: Date;
}
