import { Module } from '@nestjs/common';
import { SalesExportsController } from './exports.controller';
import { SalesExportsService } from './exports.service';

@Module({ controllers: [SalesExportsController], providers: [SalesExportsService] })
export class SalesExportsModule {}
