import type { EntityManager } from 'typeorm';
import { buildCloudEvent, type CloudEvent, type NewEvent } from '../events/cloud-event';
import { currentTraceHeaders } from '../tracing/trace-headers';
import { markOutboxWritten } from './outbox-notifier';

/**
 * Records domain events in the outbox inside the caller's transaction, so an
 * event exists exactly when its change was committed. The relay publishes it,
 * woken after commit by the OutboxNotifier on the data source.
 */
export class EventPublisher {
  constructor(private readonly service: string) {}

  async publish<T>(manager: EntityManager, e: NewEvent<T>): Promise<CloudEvent<T>> {
    const [event] = await this.publishAll(manager, [e]);
    return event;
  }

  async publishAll<T>(manager: EntityManager, events: NewEvent<T>[]): Promise<CloudEvent<T>[]> {
    const queryRunner = manager.queryRunner;
    if (!queryRunner?.isTransactionActive) {
      throw new Error('EventPublisher.publish must run inside the transaction of the change');
    }
    const built = events.map((e) => buildCloudEvent(this.service, e));
    if (built.length === 0) return built;
    const headers = JSON.stringify(currentTraceHeaders());
    const values: unknown[] = [];
    const rows = built.map((ev, i) => {
      values.push(ev.id, ev.type, ev.subject, JSON.stringify(ev), headers);
      const b = i * 5;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}::jsonb, $${b + 5}::jsonb)`;
    });
    await manager.query(`INSERT INTO outbox (id, type, subject, payload, headers) VALUES ${rows.join(', ')}`, values);
    markOutboxWritten(queryRunner);
    return built;
  }
}
