import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Analytics' copy of a customer: only the non-personal facts it aggregates,
 * fed by contacts events and never read from the contacts database.
 */
@Entity({ name: 'customer_facts' })
export class CustomerFact {
  @PrimaryColumn({ name: 'contact_id', type: 'uuid' })
  contactId!: string;

  /** The contact's version this row reflects; older events are ignored. */
  @Column({ type: 'int' })
  version!: number;

  @Column({ name: 'lifecycle_stage', type: 'text', nullable: true })
  lifecycleStage!: string | null;

  @Column({ type: 'text', nullable: true })
  country!: string | null;

  @Column({ name: 'acquisition_channel', type: 'text', nullable: true })
  acquisitionChannel!: string | null;

  /** active, merged or erased. Merged contacts are not counted: their target is. */
  @Column({ type: 'text' })
  status!: string;

  @Column({ name: 'merged_into', type: 'uuid', nullable: true })
  mergedInto!: string | null;

  @Column({ name: 'became_customer_at', type: 'timestamptz', nullable: true })
  becameCustomerAt!: Date | null;

  @Column({ name: 'contact_created_at', type: 'timestamptz', nullable: true })
  contactCreatedAt!: Date | null;

  /** When the last applied event happened at its source; with updated_at it gives the event lag. */
  @Column({ name: 'last_event_at', type: 'timestamptz', nullable: true })
  lastEventAt!: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
