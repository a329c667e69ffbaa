import { Module } from '@nestjs/common';
import { JobsModule } from '@crm/jobs';
import { MessagingModule, messagingEntities, messagingMigrations } from '@crm/messaging';
import { PersistenceModule } from '@crm/persistence';
import { PlatformModule } from '@crm/platform';
import { CampaignsModule } from './campaigns/campaigns.module';
import { CustomersModule } from './customers/customers.module';
import { LoyaltyModule } from './loyalty/loyalty.module';
import { PromotionsModule } from './promotions/promotions.module';
import { SurveysModule } from './surveys/surveys.module';
import { TemplatesModule } from './templates/templates.module';
import { MarketingSchema1764100001000 } from './migrations/1764100001000-marketing-schema';
import { PartnerSharing1764100002000 } from './migrations/1764100002000-partner-sharing';
import { PartnerKeysSealed1764100003000 } from './migrations/1764100003000-partner-keys-sealed';
import { PartnerAudienceCompletion1764100004000 } from './migrations/1764100004000-partner-audience-completion';
import { PartnerHashIndex1764100005000 } from './migrations/1764100005000-partner-hash-index';
import { PartnerFiles1764100006000 } from './migrations/1764100006000-partner-files';
import { PartnerMatchSessions1764100007000 } from './migrations/1764100007000-partner-match-sessions';
import { PartnersModule } from './partners/partners.module';
import { analyticsEventHandlers, contactEventHandlers, MirrorModule, salesEventHandlers } from './mirror/mirror.module';
import { SegmentsModule } from './segments/segments.module';
import { SettingsModule } from './shared/settings.module';

// marketing's tables are read and written with SQL in repositories; only the messaging tables are entities.
export const entities = [...messagingEntities];
export const migrations = [
  ...messagingMigrations,
  MarketingSchema1764100001000,
  PartnerSharing1764100002000,
  PartnerKeysSealed1764100003000,
  PartnerAudienceCompletion1764100004000,
  PartnerHashIndex1764100005000,
  PartnerFiles1764100006000,
  PartnerMatchSessions1764100007000,
];

@Module({
  imports: [
    PlatformModule.forRoot({ serviceName: 'marketing' }),
    PersistenceModule.forRoot({ entities, migrations }),
    JobsModule.forRoot(),
    MessagingModule.forRoot({
      service: 'marketing',
      publishes: true,
      subscribe: [
        { stream: 'contacts', handlers: contactEventHandlers },
        { stream: 'sales', handlers: salesEventHandlers },
        { stream: 'analytics', handlers: analyticsEventHandlers },
      ],
    }),
    SettingsModule,
    SegmentsModule,
    MirrorModule,
    TemplatesModule,
    CampaignsModule,
    PromotionsModule,
    LoyaltyModule,
    SurveysModule,
    CustomersModule,
    PartnersModule,
  ],
})
export class AppModule {}
