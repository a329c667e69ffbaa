import { Module } from '@nestjs/common';
import { MessagingModule, messagingEntities, messagingMigrations } from '@crm/messaging';
import { PersistenceModule } from '@crm/persistence';
import { PlatformModule } from '@crm/platform';
import { SupportSchema1797000001000 } from './migrations/1797000001000-support-schema';
import { SupportConfigModule } from './shared/support-config.module';
import { SlaModule } from './sla/sla.module';
import { TeamsModule } from './teams/teams.module';
import { TicketsModule } from './tickets/tickets.module';

export const entities = [...messagingEntities];
export const migrations = [...messagingMigrations, SupportSchema1797000001000];

@Module({
  imports: [
    PlatformModule.forRoot({ serviceName: 'support' }),
    SupportConfigModule,
    PersistenceModule.forRoot({ entities, migrations }),
    MessagingModule.forRoot({ service: 'support', publishes: true, subscribe: [] }),
    TicketsModule,
    TeamsModule,
    SlaModule,
  ],
})
export class AppModule {}
