import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ExternalId } from '@crm/contracts';

export const SIZE_BANDS = ['1-10', '11-50', '51-200', '201-1000', '1001-5000', '5000+'] as const;

@Entity({ name: 'accounts' })
export class Account {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', nullable: true }) domain!: string | null;
  @Column({ type: 'text', nullable: true }) industry!: string | null;
  @Column({ name: 'size_band', type: 'text', nullable: true }) sizeBand!: string | null;
  @Column({ type: 'text', nullable: true }) country!: string | null;
  @Column({ type: 'text', nullable: true }) city!: string | null;
  @Column({ type: 'int' }) version!: number;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  /** Not a column: from account_external_ids, filled in by AccountsService. */
  externalIds?: ExternalId[];
}

@Entity({ name: 'person_accounts' })
export class PersonAccount {
  @PrimaryColumn({ name: 'person_id', type: 'uuid' }) personId!: string;
  @PrimaryColumn({ name: 'account_id', type: 'uuid' }) accountId!: string;
  @Column({ type: 'text', nullable: true }) role!: string | null;
  @Column({ type: 'text', nullable: true }) title!: string | null;
  @Column({ name: 'is_primary', type: 'boolean', default: false }) isPrimary!: boolean;
}
