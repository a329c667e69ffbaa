import { Module } from '@nestjs/common';
import { ScoresModule } from '../scores/scores.module';
import { ApplyOrderEventsHandler } from './apply-order-events.handler';
import { ApplyProductEventsHandler } from './apply-product-events.handler';

export const orderEventHandlers = [ApplyOrderEventsHandler, ApplyProductEventsHandler];

@Module({
  imports: [ScoresModule],
  providers: [...orderEventHandlers],
  exports: [...orderEventHandlers],
})
export class OrdersModule {}
