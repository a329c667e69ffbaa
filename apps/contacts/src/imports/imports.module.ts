import { Module } from '@nestjs/common';
import { CustomFieldsModule } from '../custom-fields/custom-fields.module';
import { ImportsController } from './imports.controller';
import { ImportsService } from './imports.service';

@Module({ imports: [CustomFieldsModule], controllers: [ImportsController], providers: [ImportsService] })
export class ImportsModule {}
