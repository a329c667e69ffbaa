import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One write that reached the gateway: who, what, when and how it ended. */
@Entity({ name: 'audit_log' })
export class AuditEntry {
  /** UUIDv7: ordering by id is ordering by time, which keyset paging relies on. */
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** When the request arrived. */
  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ name: 'request_id', type: 'text' })
  requestId!: string;

  /** Null when the caller could not be authenticated. */
  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  @Column({ name: 'subject_name', type: 'text', nullable: true })
  subjectName!: string | null;

  /** user, service or api-key. */
  @Column({ type: 'text', nullable: true })
  kind!: string | null;

  @Column({ type: 'text' })
  method!: string;

  /** Path without the query string, which may carry personal data. */
  @Column({ type: 'text' })
  path!: string;

  /** The service the request was forwarded to; 'gateway' for the gateway's own routes. */
  @Column({ type: 'text', nullable: true })
  service!: string | null;

  @Column({ type: 'int' })
  status!: number;

  @Column({ name: 'duration_ms', type: 'int' })
  durationMs!: number;

  @Column({ name: 'client_ip', type: 'text', nullable: true })
  clientIp!: string | null;
}
