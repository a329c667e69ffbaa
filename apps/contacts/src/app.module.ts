import { Module } from '@nestjs/common';
import { MessagingModule, messagingEntities, messagingMigrations } from '@crm/messaging';
import { PersistenceModule } from '@crm/persistence';
import { PlatformModule } from '@crm/platform';
import { Account, PersonAccount } from './accounts/account.entity';
import { Activity } from './activities/activity.entity';
import { Consent, ConsentHistory } from './consent/consent.entity';
import { ContactsModule } from './contacts.module';
import { CustomFieldDefinition } from './custom-fields/custom-field-definition.entity';
import { ErasureRequest } from './erasure/erasure-request.entity';
import { ContactsSchema1763800002000 } from './migrations/1763800002000-contacts-schema';
import { Person } from './people/person.entity';
import { PersonEmail } from './people/person-email.entity';
import { PersonPhone } from './people/person-phone.entity';

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
];
export const migrations = [...messagingMigrations, ContactsSchema1763800002000];

@Module({
  imports: [
    PlatformModule.forRoot({ serviceName: 'contacts' }),
    PersistenceModule.forRoot({ entities, migrations }),
    MessagingModule.forRoot({ service: 'contacts' }),
    ContactsModule,
  ],
})
export class AppModule {}
