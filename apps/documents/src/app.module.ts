import { Module } from '@nestjs/common';
import { MessagingModule, messagingEntities, messagingMigrations } from '@crm/messaging';
import { PersistenceModule } from '@crm/persistence';
import { PlatformModule } from '@crm/platform';
import { DocumentsModule, contactEventHandlers } from './documents/documents.module';
import { JobsModule } from './jobs/jobs.module';
import { DocumentsSchema1797000001000 } from './migrations/1797000001000-documents-schema';
import { StoredTextVectors1797000002000 } from './migrations/1797000002000-stored-text-vectors';
import { DocumentsConfigModule } from './shared/config.module';
import { StorageModule } from './storage/storage.module';
import { RawUploadBodies } from './uploads/raw-body';

export const entities = [...messagingEntities];
export const migrations = [...messagingMigrations, DocumentsSchema1797000001000, StoredTextVectors1797000002000];

@Module({
  imports: [
    PlatformModule.forRoot({ serviceName: 'documents' }),
    PersistenceModule.forRoot({ entities, migrations }),
    MessagingModule.forRoot({
      service: 'documents',
      publishes: true,
      subscribe: [{ stream: 'contacts', handlers: contactEventHandlers }],
    }),
    DocumentsConfigModule,
    StorageModule,
    JobsModule,
    DocumentsModule,
  ],
  providers: [RawUploadBodies],
})
export class AppModule {}
