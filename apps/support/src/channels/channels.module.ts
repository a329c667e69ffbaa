import { Module } from '@nestjs/common';
import { TicketsModule } from '../tickets/tickets.module';
import { InboundService } from './inbound.service';
import { MailReceiver } from './mail-receiver';
import { MailSender } from './mail-sender';
import { WebhookController } from './webhook.controller';

@Module({
  imports: [TicketsModule],
  controllers: [WebhookController],
  providers: [InboundService, MailReceiver, MailSender],
  exports: [MailReceiver],
})
export class ChannelsModule {}
