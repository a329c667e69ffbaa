import { Module } from '@nestjs/common';
import { ScoresModule } from '../scores/scores.module';
import { ApplySupportEventsHandler } from './apply-support-events.handler';

export const supportEventHandlers = [ApplySupportEventsHandler];

/** Feeds the support read model from its stream. */
@Module({
  imports: [ScoresModule],
  providers: [...supportEventHandlers],
})
export class SupportFeedModule {}
