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

  /** Null while the write is being handled, or when the client left before any answer. */
  @Column({ type: 'int', nullable: true })
  status!: number | null;

  @Column({ name: 'duration_ms', type: 'int', nullable: true })
  durationMs!: number | null;

  /** pending (on record, being handled), completed (answered), aborted (the client hung up first). */
  @Column({ type: 'text', default: 'completed' })
  outcome!: 'pending' | 'completed' | 'aborted';

  @Column({ name: 'client_ip', type: 'text', nullable: true })
  clientIp!: string | null;
}
