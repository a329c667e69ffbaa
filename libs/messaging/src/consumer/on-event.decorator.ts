import { SetMetadata } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CloudEvent } from '../events/cloud-event';

export const ON_EVENT_TYPES = Symbol('crm:on-event-types');

/** Marks a provider as the handler of these event types (CloudEvent `type`); `'*'` is every type of the stream. */
export const OnEvent = (...types: string[]): ClassDecorator => SetMetadata(ON_EVENT_TYPES, types);

/**
 * Applies one event. It runs inside the transaction that also records the
 * event in the inbox, so whatever it writes through `manager` is applied once.
 */
export interface EventHandler<T = unknown> {
  handle(event: CloudEvent<T>, manager: EntityManager): Promise<void>;
  /**
   * Applies several events at once, in the inbox transaction of all of them,
   * with the same outcome as `handle` on each in the given (stream) order.
   * Used by a consumer in batch mode; without it the batch calls `handle`
   * once per event.
   */
  handleBatch?(events: CloudEvent<T>[], manager: EntityManager): Promise<void>;
}
