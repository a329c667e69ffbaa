import type {
  DataSource,
  EntitySubscriberInterface,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';
import { OUTBOX_CHANNEL } from './messaging-tables.migration';

const WROTE_OUTBOX = 'crmWroteOutbox';

/** Marks the transaction as having written outbox rows (EventPublisher calls it). */
export function markOutboxWritten(queryRunner: QueryRunner): void {
  queryRunner.data = { ...queryRunner.data, [WROTE_OUTBOX]: true };
}

/**
 * Wakes relays once a transaction that wrote outbox rows has committed: the
 * relay in this process at once, and relays in other replicas through a
 * NOTIFY sent on its own, at most once per interval. A NOTIFY inside every
 * writing transaction would serialise all commits on Postgres' notify lock.
 */
export class OutboxNotifier implements EntitySubscriberInterface {
  private readonly localWakers = new Set<() => void>();
  private pending?: NodeJS.Timeout;
  private lastNotify = 0;
  private closed = false;

  private constructor(
    private readonly dataSource: DataSource,
    private readonly minIntervalMs: number,
  ) {}

  /** Registers the notifier on the data source (once). */
  static attach(dataSource: DataSource, minIntervalMs = 20): OutboxNotifier {
    const existing = dataSource.subscribers.find((s): s is OutboxNotifier => s instanceof OutboxNotifier);
    if (existing) return existing;
    const notifier = new OutboxNotifier(dataSource, minIntervalMs);
    dataSource.subscribers.push(notifier);
    return notifier;
  }

  onCommit(wake: () => void): () => void {
    this.localWakers.add(wake);
    return () => this.localWakers.delete(wake);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    if (!event.queryRunner.data?.[WROTE_OUTBOX]) return;
    delete event.queryRunner.data[WROTE_OUTBOX];
    for (const wake of this.localWakers) wake();
    this.scheduleNotify();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (event.queryRunner.data) delete event.queryRunner.data[WROTE_OUTBOX];
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.pending);
  }

  private scheduleNotify(): void {
    if (this.pending || this.closed) return;
    const wait = Math.max(0, this.lastNotify + this.minIntervalMs - Date.now());
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.lastNotify = Date.now();
      if (this.dataSource.isInitialized) {
        this.dataSource.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`).catch(() => undefined);
      }
    }, wait);
    this.pending.unref();
  }
}
