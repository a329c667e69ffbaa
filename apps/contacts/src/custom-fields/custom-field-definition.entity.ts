import { Column, Entity, PrimaryColumn } from 'typeorm';

export const CUSTOM_FIELD_TYPES = ['string', 'number', 'boolean', 'date', 'enum'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

@Entity({ name: 'custom_field_definitions' })
export class CustomFieldDefinition {
  @PrimaryColumn({ type: 'text' }) key!: string;
  @Column({ type: 'text' }) label!: string;
  @Column({ type: 'text' }) type!: CustomFieldType;
  @Column({ type: 'boolean', default: false }) required!: boolean;
  @Column({ type: 'text', array: true, nullable: true }) options!: string[] | null;
  @Column({ type: 'text', nullable: true }) pattern!: string | null;
  @Column({ name: 'max_length', type: 'int', nullable: true }) maxLength!: number | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt!: Date;
}
