import { Module } from '@nestjs/common';
import { AnonymiseWhenContactErasedHandler } from './anonymise-when-contact-erased.handler';
import { KeepContactCopyHandler } from './keep-contact-copy.handler';
import { RepointWhenContactMergedHandler } from './repoint-when-contact-merged.handler';

export const contactEventHandlers = [
  KeepContactCopyHandler,
  RepointWhenContactMergedHandler,
  AnonymiseWhenContactErasedHandler,
];

@Module({ providers: [...contactEventHandlers] })
export class ContactsModule {}
