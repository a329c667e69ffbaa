import { Module } from '@nestjs/common';
import { MessagingModule, messagingEntities, messagingMigrations } from '@crm/messaging';
import { PersistenceModule } from '@crm/persistence';
import { PlatformModule } from '@crm/platform';
import { AssetsModule, salesEventHandlers } from './assets/assets.module';
import { ChannelsModule } from './channels/channels.module';
import { contactEventHandlers, ContactsModule } from './contacts/contacts.module';
import { CsatModule } from './csat/csat.module';
import { CustomersModule } from './customers/customers.module';
import { SupportSchema1797000001000 } from './migrations/1797000001000-support-schema';
import { QueueFilterIndexes1797000002000 } from './migrations/1797000002000-queue-filter-indexes';
import { SupportConfigModule } from './shared/support-config.module';
import { SlaModule } from './sla/sla.module';
import { TeamsModule } from './teams/teams.module';
import { TicketsModule } from './tickets/tickets.module';

export const entities = [...messagingEntities];
export const migrations = [...messagingMigrations, SupportSchema1797000001000, QueueFilterIndexes1797000002000];

@Module({
  imports: [
    PlatformModule.forRoot({ serviceName: 'support' }),
    SupportConfigModule,
    PersistenceModule.forRoot({ entities, migrations }),
    MessagingModule.forRoot({
      service: 'support',
      publishes: true,
      subscribe: [
        { stream: 'contacts', handlers: contactEventHandlers },
        { stream: 'sales', handlers: salesEventHandlers },
      ],
    }),
    TicketsModule,
    TeamsModule,
    SlaModule,
    AssetsModule,
    ContactsModule,
    CsatModule,
    ChannelsModule,
    CustomersModule,
  ],
})
export class AppModule {}
