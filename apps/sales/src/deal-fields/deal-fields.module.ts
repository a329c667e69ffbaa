import { Module } from '@nestjs/common';
import { DealFieldsController } from './deal-fields.controller';
import { DealFieldsService } from './deal-fields.service';

@Module({ controllers: [DealFieldsController], providers: [DealFieldsService], exports: [DealFieldsService] })
export class DealFieldsModule {}
