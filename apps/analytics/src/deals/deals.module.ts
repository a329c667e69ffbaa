import { Module } from '@nestjs/common';
import { ScoresModule } from '../scores/scores.module';
import { ApplyDealEventsHandler } from './apply-deal-events.handler';

export const dealsEventHandlers = [ApplyDealEventsHandler];

/** Feeds the deals read model from its stream. */
@Module({
  imports: [ScoresModule],
  providers: [...dealsEventHandlers],
})
export class DealsFeedModule {}
