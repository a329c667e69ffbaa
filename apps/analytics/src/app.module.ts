import { Module } from '@nestjs/common';
import { MessagingModule, messagingEntities, messagingMigrations } from '@crm/messaging';
import { PersistenceModule } from '@crm/persistence';
import { PlatformModule } from '@crm/platform';
import { CustomerFact } from './customers/customer-fact.entity';
import { CustomersModule, customerEventHandlers } from './customers/customers.module';
import { CustomerFacts1763800001000 } from './migrations/1763800001000-customer-facts';

export const entities = [...messagingEntities, CustomerFact];
export const migrations = [...messagingMigrations, CustomerFacts1763800001000];

@Module({
  imports: [
    PlatformModule.forRoot({ serviceName: 'analytics' }),
    PersistenceModule.forRoot({ entities, migrations }),
    MessagingModule.forRoot({
      service: 'analytics',
      // Its erasure receipts go out through the outbox.
      publishes: true,
      subscribe: [{ stream: 'contacts', handlers: customerEventHandlers }],
    }),
    CustomersModule,
  ],
})
export class AppModule {}
