import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ImportJobs } from '@crm/bulk';
import { JobRunner } from '@crm/jobs';
import { ACCOUNTS_IMPORT } from './accounts-import.kind';
import type { AccountsMapping } from './account-import-rows';

/** Accounts imports: the same durable jobs as contacts' (@crm/bulk), over the accounts kind. */
@Injectable()
export class AccountImportsService
  extends ImportJobs<AccountsMapping>
  implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy
{
  constructor(@InjectDataSource() dataSource: DataSource, jobs: JobRunner) {
    super(dataSource, jobs, ACCOUNTS_IMPORT);
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
