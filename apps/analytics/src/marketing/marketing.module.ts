import { Module } from '@nestjs/common';
import { ScoresModule } from '../scores/scores.module';
import { ApplyMarketingEventsHandler } from './apply-marketing-events.handler';

export const marketingEventHandlers = [ApplyMarketingEventsHandler];

/** Feeds the marketing read model from its stream. */
@Module({
  imports: [ScoresModule],
  providers: [...marketingEventHandlers],
})
export class MarketingFeedModule {}
