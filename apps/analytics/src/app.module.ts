import { Module } from '@nestjs/common';
import {
  MessagingModule,
  messagingEntities,
  messagingMigrations,
  type BatchOptions,
  type CloudEvent,
  type Subscription,
} from '@crm/messaging';
import { PersistenceModule } from '@crm/persistence';
import { PlatformModule } from '@crm/platform';
import { CustomerFact } from './customers/customer-fact.entity';
import { CustomersModule, customerEventHandlers } from './customers/customers.module';
import { CustomerFacts1763800001000 } from './migrations/1763800001000-customer-facts';
import { ReadModels1763800002000 } from './migrations/1763800002000-read-models';
import { RescoreQueue1796400000000 } from './migrations/1796400000000-rescore-queue';
import { OrdersModule, orderEventHandlers } from './orders/orders.module';
import { ScoresModule } from './scores/scores.module';
import { ReportsModule } from './reports/reports.module';
import { DealsFeedModule, dealsEventHandlers } from './deals/deals.module';
import { MarketingFeedModule, marketingEventHandlers } from './marketing/marketing.module';
import { SupportFeedModule, supportEventHandlers } from './support/support.module';
import { loadAnalyticsSettings } from './shared/analytics-settings';

export const entities = [...messagingEntities, CustomerFact];
export const migrations = [
  ...messagingMigrations,
  CustomerFacts1763800001000,
  ReadModels1763800002000,
  RescoreQueue1796400000000,
];

/**
 * Every stream is applied in batches (ANALYTICS_INGEST_BATCH_SIZE events per transaction, in stream order),
 * on ANALYTICS_INGEST_WORKERS workers at once split by `partitionBy` (default the entity). Read when the
 * consumers start, so the settings of the running process apply.
 */
function ingest(
  stream: string,
  handlers: Subscription['handlers'],
  partitionBy?: BatchOptions['partitionBy'],
): Subscription {
  return {
    stream,
    handlers,
    get batch(): BatchOptions {
      const s = loadAnalyticsSettings();
      return { size: s.ANALYTICS_INGEST_BATCH_SIZE, workers: s.ANALYTICS_INGEST_WORKERS, partitionBy };
    },
  };
}

/** Orders and deals by the customer they belong to: one customer's events on one worker, in order. */
export const byCustomer = (e: CloudEvent): string =>
  (e.data as { contactId?: string | null } | null)?.contactId ?? e.subject;

@Module({
  imports: [
    PlatformModule.forRoot({ serviceName: 'analytics' }),
    PersistenceModule.forRoot({ entities, migrations }),
    MessagingModule.forRoot({
      service: 'analytics',
      // Erasure receipts and customer scores go out through the outbox.
      publishes: true,
      // Events come in backlogs (imports, replays, downtime): each stream is applied in batches.
      subscribe: [
        ingest('contacts', customerEventHandlers),
        ingest('sales', [...orderEventHandlers, ...dealsEventHandlers], byCustomer),
        ingest('support', supportEventHandlers),
        ingest('marketing', marketingEventHandlers),
      ],
    }),
    CustomersModule,
    ScoresModule,
    OrdersModule,
    DealsFeedModule,
    MarketingFeedModule,
    SupportFeedModule,
    ReportsModule,
  ],
})
export class AppModule {}
