export { buildCloudEvent, parseCloudEvent, type CloudEvent, type NewEvent } from './events/cloud-event';
export { EventNaming } from './nats/naming';
export { NatsConnector, type NatsConnectorOptions } from './nats/nats-connector';
export { ensureStream, ensureDurableConsumer, widenStream, type StreamSettings } from './nats/streams';
export { EventPublisher } from './outbox/event-publisher';
export { OutboxEntity, InboxEntity } from './outbox/outbox.entity';
export { MessagingTables1763800000000, OUTBOX_CHANNEL } from './outbox/messaging-tables.migration';
export { InboxPruning1796150000000 } from './outbox/inbox-pruning.migration';
export { OutboxRelay, relayLockKey, type OutboxRelayOptions } from './outbox/outbox-relay';
export { OutboxNotifier } from './outbox/outbox-notifier';
export {
  DurableConsumer,
  publishDeadLetter,
  type BatchOptions,
  type BatchSettled,
  type DurableConsumerOptions,
  type DeadLetter,
} from './consumer/durable-consumer';
export { OnEvent, type EventHandler } from './consumer/on-event.decorator';
export { requestReply, RpcError } from './rpc/request-reply';
export { currentTraceHeaders, contextFromHeaders } from './tracing/trace-headers';
export {
  consumerSettings,
  MessagingModule,
  MESSAGING_OPTIONS,
  type MessagingModuleOptions,
  type Subscription,
} from './messaging.module';

import { InboxEntity, OutboxEntity } from './outbox/outbox.entity';
import { MessagingTables1763800000000 } from './outbox/messaging-tables.migration';
import { InboxPruning1796150000000 } from './outbox/inbox-pruning.migration';

export const messagingEntities = [OutboxEntity, InboxEntity];
export const messagingMigrations = [MessagingTables1763800000000, InboxPruning1796150000000];
export { randomNamespace, readStream, deleteNamespaceStreams, waitFor } from './testing/stream-testing';
