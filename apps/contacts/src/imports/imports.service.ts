import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ImportJobs } from '@crm/bulk';
import { JobRunner } from '@crm/jobs';
import { CustomFieldsService } from '../custom-fields/custom-fields.service';
import { contactsImportKind, type ContactsMapping } from './contacts-import.kind';

export { IMPORT_FIELDS } from './import-rows';
export type { ImportStatus } from '@crm/bulk';

/**
 * Contacts imports: the durable job machinery of @crm/bulk (upload by COPY,
 * batches with checkpoints, resume after a crash, cancel, error report,
 * progress) over the contacts kind (contacts-import.kind.ts).
 */
@Injectable()
export class ImportsService
  extends ImportJobs<ContactsMapping>
  implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy
{
  constructor(@InjectDataSource() dataSource: DataSource, jobs: JobRunner, customFields: CustomFieldsService) {
    super(dataSource, jobs, contactsImportKind(customFields));
  }

  onModuleInit(): void {
    this.register();
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }
}
