import { Module } from '@nestjs/common';
import { MessagingModule, messagingEntities, messagingMigrations } from '@crm/messaging';
import { PersistenceModule } from '@crm/persistence';
import { PlatformModule } from '@crm/platform';
import { Account, PersonAccount } from './accounts/account.entity';
import { AccountsModule } from './accounts/accounts.module';
import { ActivitiesModule } from './activities/activities.module';
import { Activity } from './activities/activity.entity';
import { Consent, ConsentHistory } from './consent/consent.entity';
import { ConsentModule } from './consent/consent.module';
import { CustomFieldDefinition } from './custom-fields/custom-field-definition.entity';
import { CustomFieldsModule } from './custom-fields/custom-fields.module';
import { CustomersModule } from './customers/customers.module';
import { ErasureConfirmation, ErasureRequest } from './erasure/erasure-request.entity';
import { ErasureModule } from './erasure/erasure.module';
import { MergeModule } from './merge/merge.module';
import { ContactsSchema1763800002000 } from './migrations/1763800002000-contacts-schema';
import { ErasureReceipts1763900001000 } from './migrations/1763900001000-erasure-receipts';
import { SearchAtScale1764100001000 } from './migrations/1764100001000-search-at-scale';
import { ExternalIds1764100002000 } from './migrations/1764100002000-external-ids';
import { SearchWordsUnblocked1764100003000 } from './migrations/1764100003000-search-words-unblocked';
import { PeopleModule } from './people/people.module';
import { PersonEmail } from './people/person-email.entity';
import { PersonPhone } from './people/person-phone.entity';
import { Person } from './people/person.entity';
import { SearchModule } from './search/search.module';
import { ImportsModule } from './imports/imports.module';
import { ExportsModule } from './exports/exports.module';
import { JobsModule } from '@crm/jobs';
import { Imports1764100004000 } from './migrations/1764100004000-imports';
import { ImportsSetBased1764100012000 } from './migrations/1764100012000-imports-set-based';
import { SearchWordsPerStatement1764100012100 } from './migrations/1764100012100-search-words-per-statement';
import { ContactExports1764100012200 } from './migrations/1764100012200-contact-exports';
import { BulkKinds1764100012300 } from './migrations/1764100012300-bulk-kinds';
import { UnloggedStaging1764100012400 } from './migrations/1764100012400-unlogged-staging';
import { NameSearch1764100016100 } from './migrations/1764100016100-name-search';
import { SearchWordsPrefix1764100016200 } from './migrations/1764100016200-search-words-prefix';

export const entities = [
  ...messagingEntities,
  Person,
  PersonEmail,
  PersonPhone,
  Account,
  PersonAccount,
  Consent,
  ConsentHistory,
  Activity,
  CustomFieldDefinition,
  ErasureRequest,
  ErasureConfirmation,
];
export const migrations = [
  ...messagingMigrations,
  ContactsSchema1763800002000,
  ErasureReceipts1763900001000,
  SearchAtScale1764100001000,
  ExternalIds1764100002000,
  SearchWordsUnblocked1764100003000,
  Imports1764100004000,
  ImportsSetBased1764100012000,
  SearchWordsPerStatement1764100012100,
  ContactExports1764100012200,
  BulkKinds1764100012300,
  UnloggedStaging1764100012400,
  NameSearch1764100016100,
  SearchWordsPrefix1764100016200,
];

@Module({
  imports: [
    PlatformModule.forRoot({ serviceName: 'contacts' }),
    PersistenceModule.forRoot({ entities, migrations }),
    MessagingModule.forRoot({ service: 'contacts' }),
    JobsModule.forRoot(),
    ImportsModule,
    ExportsModule,
    PeopleModule,
    AccountsModule,
    CustomFieldsModule,
    SearchModule,
    ConsentModule,
    ActivitiesModule,
    MergeModule,
    ErasureModule,
    CustomersModule,
  ],
})
export class AppModule {}
