import { Module } from '@nestjs/common';
import { ApplyContactChangesHandler } from './apply-contact-changes.handler';
import { ApplyContactMergeHandler } from './apply-contact-merge.handler';
import { CustomerSummaryService } from './customer-summary.service';
import { CustomersController } from './customers.controller';
import { CustomersRpc } from './customers.rpc';

export const customerEventHandlers = [ApplyContactChangesHandler, ApplyContactMergeHandler];

@Module({
  controllers: [CustomersController, CustomersRpc],
  providers: [CustomerSummaryService, ...customerEventHandlers],
})
export class CustomersModule {}
