import { Module } from '@nestjs/common';
import { MessagingModule, messagingEntities, messagingMigrations } from '@crm/messaging';
import { PersistenceModule } from '@crm/persistence';
import { PlatformModule } from '@crm/platform';
import { ContactsMirrorModule, contactEventHandlers } from './contacts-mirror/contacts-mirror.module';
import { PipelinesAndDeals1797000000000 } from './migrations/1797000000000-pipelines-and-deals';
import { PipelinesModule } from './pipelines/pipelines.module';

// Further entities and migrations go at the end of these lists (migrations in apps/sales/src/migrations/,
// pipelines and deals 17970xxxxxxxx-*, products, price books, quotes and orders 17971xxxxxxxx-*).
export const entities = [...messagingEntities];
export const migrations = [...messagingMigrations, PipelinesAndDeals1797000000000];

@Module({
  imports: [
    PlatformModule.forRoot({ serviceName: 'sales' }),
    PersistenceModule.forRoot({ entities, migrations }),
    MessagingModule.forRoot({
      service: 'sales',
      publishes: true,
      subscribe: [{ stream: 'contacts', handlers: contactEventHandlers }],
    }),
    ContactsMirrorModule,
    PipelinesModule,
    // Further feature modules go here, one line each (products, price books, quotes, orders: sales-orders).
  ],
})
export class AppModule {}
