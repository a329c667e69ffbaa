import { Module } from '@nestjs/common';
import { ApplyContactChangesHandler } from './apply-contact-changes.handler';
import { ApplyContactMergeHandler } from './apply-contact-merge.handler';
import { ConfirmErasureWhenContactErasedHandler } from './confirm-erasure-when-contact-erased.handler';
import { CustomerSummaryService } from './customer-summary.service';
import { CustomersController } from './customers.controller';
import { CustomersRpc } from './customers.rpc';
import { ScoresModule } from '../scores/scores.module';

// Order matters: the erasure receipt is written after the facts are anonymised, in the same transaction.
export const customerEventHandlers = [
  ApplyContactChangesHandler,
  ApplyContactMergeHandler,
  ConfirmErasureWhenContactErasedHandler,
];

@Module({
  imports: [ScoresModule],
  controllers: [CustomersController, CustomersRpc],
  providers: [CustomerSummaryService, ...customerEventHandlers],
})
export class CustomersModule {}
