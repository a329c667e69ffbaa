import { Module } from '@nestjs/common';
import { MessagesService } from './messages.service';
import { QueueService } from './queue.service';
import { TicketsController } from './tickets.controller';
import { TicketsService } from './tickets.service';

@Module({
  controllers: [TicketsController],
  providers: [TicketsService, MessagesService, QueueService],
  exports: [TicketsService, MessagesService],
})
export class TicketsModule {}
