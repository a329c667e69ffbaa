import { Module } from '@nestjs/common';
import { CustomFieldsModule } from '../custom-fields/custom-fields.module';
import { ExportsController } from './exports.controller';
import { ExportsService } from './exports.service';

@Module({ imports: [CustomFieldsModule], controllers: [ExportsController], providers: [ExportsService] })
export class ExportsModule {}
