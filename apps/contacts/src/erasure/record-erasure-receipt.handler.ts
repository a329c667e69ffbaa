import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { erasureCompletedService, type ErasureCompletedPayload } from '@crm/contracts';
import type { CloudEvent, EventHandler } from '@crm/messaging';
import { isUuid } from '@crm/persistence';
import { ErasureReceiptsService } from './erasure-receipts.service';

/**
 * Records a participant's `crm.<service>.erasure.completed`. It runs in the
 * consumer's inbox transaction, so a redelivered receipt changes nothing. A
 * receipt that is not one fails and, after the retries, is dead-lettered.
 */
@Injectable()
export class RecordErasureReceiptHandler implements EventHandler<ErasureCompletedPayload> {
  private readonly logger = new Logger('ErasureReceipts');

  constructor(private readonly receipts: ErasureReceiptsService) {}

  async handle(event: CloudEvent<ErasureCompletedPayload>, manager: EntityManager): Promise<void> {
    const participant = erasureCompletedService(event.type);
    const d = event.data;
    if (
      !participant ||
      !isUuid(d?.contactId) ||
      !isUuid(d.requestId) ||
      !Number.isInteger(d.records) ||
      d.records < 0 ||
      Number.isNaN(Date.parse(d.completedAt))
    ) {
      throw new Error(`event ${event.id} (${event.type}) is not an erasure receipt`);
    }
    const recorded = await this.receipts.record(manager, participant, d);
    if (!recorded)
      this.logger.warn(`receipt ${event.id} from ${participant} names an erasure request this service does not know`);
  }
}
