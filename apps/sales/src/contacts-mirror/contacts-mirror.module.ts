import { Module } from '@nestjs/common';
import { MirrorContactChangesHandler } from './mirror-contact-changes.handler';

/**
 * Handlers of crm.contacts.* events, in the order they run for one event (one
 * transaction): the mirror first, then deals re-pointed or anonymised, then the
 * erasure receipt once every part is done.
 */
export const contactEventHandlers = [MirrorContactChangesHandler];

@Module({ providers: [...contactEventHandlers], exports: [...contactEventHandlers] })
export class ContactsMirrorModule {}
