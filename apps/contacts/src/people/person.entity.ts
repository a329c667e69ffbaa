import type { ContactView } from '@crm/contracts';
import { Column, Entity, OneToMany, PrimaryColumn } from 'typeorm';
import { PersonEmail } from './person-email.entity';
import { PersonPhone } from './person-phone.entity';

export const LIFECYCLE_STAGES = ['lead', 'prospect', 'customer', 'churned'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];
export type PersonStatus = 'active' | 'merged' | 'erased';

// The stored shapes are the ones the contract publishes.
export type PostalAddress = NonNullable<ContactView['address']>;
export type AcquisitionSource = ContactView['source'];
export type SocialProfile = ContactView['socialProfiles'][number];

@Entity({ name: 'people' })
export class Person {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'first_name', type: 'text' }) firstName!: string;
  @Column({ name: 'last_name', type: 'text' }) lastName!: string;
  @Column({ name: 'display_name', type: 'text' }) displayName!: string;
  @Column({ name: 'birth_date', type: 'date', nullable: true }) birthDate!: string | null;
  @Column({ type: 'text', nullable: true }) country!: string | null;
  @Column({ type: 'text', nullable: true }) region!: string | null;
  @Column({ type: 'text', nullable: true }) city!: string | null;
  @Column({ type: 'text', nullable: true }) locale!: string | null;
  @Column({ type: 'text', nullable: true }) occupation!: string | null;
  @Column({ type: 'jsonb', nullable: true }) address!: PostalAddress | null;
  @Column({ name: 'lifecycle_stage', type: 'text' }) lifecycleStage!: LifecycleStage;
  @Column({ name: 'owner_id', type: 'text', nullable: true }) ownerId!: string | null;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) tags!: string[];
  @Column({ name: 'custom_fields', type: 'jsonb', default: () => "'{}'" }) customFields!: Record<string, unknown>;
  @Column({ type: 'jsonb', default: () => "'{}'" }) source!: AcquisitionSource;
  @Column({ name: 'social_profiles', type: 'jsonb', default: () => "'[]'" }) socialProfiles!: SocialProfile[];
  @Column({ type: 'text', default: 'active' }) status!: PersonStatus;
  @Column({ name: 'merged_into', type: 'uuid', nullable: true }) mergedInto!: string | null;
  @Column({ name: 'search_text', type: 'text', default: '' }) searchText!: string;
  @Column({ type: 'int' }) version!: number;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;

  @OneToMany(() => PersonEmail, (e) => e.person) emails?: PersonEmail[];
  @OneToMany(() => PersonPhone, (p) => p.person) phones?: PersonPhone[];
}
