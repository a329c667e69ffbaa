import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ANALYTICS_RPC } from '@crm/contracts';
import { CustomerSummaryService, type CustomerFactsView } from './customer-summary.service';

/** Request-reply for the gateway's customer 360. */
@Controller()
export class CustomersRpc {
  constructor(private readonly summaries: CustomerSummaryService) {}

  @MessagePattern(ANALYTICS_RPC.customerFacts)
  facts(@Payload() payload: { contactId: string }): Promise<CustomerFactsView | null> {
    return this.summaries.facts(payload.contactId);
  }
}
