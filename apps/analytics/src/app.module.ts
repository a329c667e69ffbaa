import { Module } from '@nestjs/common';
import { MessagingModule, messagingEntities, messagingMigrations } from '@crm/messaging';
import { PersistenceModule } from '@crm/persistence';
import { PlatformModule } from '@crm/platform';
import { CustomerFact } from './customers/customer-fact.entity';
import { CustomersModule, customerEventHandlers } from './customers/customers.module';
import { CustomerFacts1763800001000 } from './migrations/1763800001000-customer-facts';
import { ReadModels1763800002000 } from './migrations/1763800002000-read-models';
import { OrdersModule, orderEventHandlers } from './orders/orders.module';
import { ScoresModule } from './scores/scores.module';
import { ReportsModule } from './reports/reports.module';
import { DealsFeedModule, dealsEventHandlers } from './deals/deals.module';
import { MarketingFeedModule, marketingEventHandlers } from './marketing/marketing.module';
import { SupportFeedModule, supportEventHandlers } from './support/support.module';

export const entities = [...messagingEntities, CustomerFact];
export const migrations = [...messagingMigrations, CustomerFacts1763800001000, ReadModels1763800002000];

@Module({
  imports: [
    PlatformModule.forRoot({ serviceName: 'analytics' }),
    PersistenceModule.forRoot({ entities, migrations }),
    MessagingModule.forRoot({
      service: 'analytics',
      // Erasure receipts and customer scores go out through the outbox.
      publishes: true,
      subscribe: [
        { stream: 'contacts', handlers: customerEventHandlers },
        // Order events come in backlogs (imports, replays): applied up to 500 at a time, in stream order.
        { stream: 'sales', handlers: [...orderEventHandlers, ...dealsEventHandlers], batch: { size: 500 } },
        { stream: 'support', handlers: supportEventHandlers },
        { stream: 'marketing', handlers: marketingEventHandlers },
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
