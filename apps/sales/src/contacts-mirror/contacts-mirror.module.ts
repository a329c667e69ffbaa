import { Module } from '@nestjs/common';
import { DealsModule } from '../deals/deals.module';
import { AnonymiseWhenContactErasedHandler } from './anonymise-when-contact-erased.handler';
import { MirrorContactChangesHandler } from './mirror-contact-changes.handler';
import { RepointDealsWhenContactMergedHandler } from './repoint-deals-when-contact-merged.handler';

/**
 * Handlers of crm.contacts.* events, in the order they run for one event (one
 * transaction): the mirror first, then deals re-pointed or anonymised, then the
 * erasure receipt once every part is done.
 */
export const contactEventHandlers = [
  MirrorContactChangesHandler,
  RepointDealsWhenContactMergedHandler,
  AnonymiseWhenContactErasedHandler,
];

@Module({ imports: [DealsModule], providers: [...contactEventHandlers], exports: [...contactEventHandlers] })
export class ContactsMirrorModule {}
