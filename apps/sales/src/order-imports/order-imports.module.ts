import { Module } from '@nestjs/common';
import { OrderImportsController } from './order-imports.controller';
import { OrderImportsService } from './order-imports.service';

@Module({ controllers: [OrderImportsController], providers: [OrderImportsService] })
export class OrderImportsModule {}
