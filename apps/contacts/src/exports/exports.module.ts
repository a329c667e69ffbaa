import { Module } from '@nestjs/common';
import { CustomFieldsModule } from '../custom-fields/custom-fields.module';
import { AccountExportsController } from './account-exports.controller';
import { AccountExportsService } from './account-exports.service';
import { ExportsController } from './exports.controller';
import { ExportsService } from './exports.service';

@Module({
  imports: [CustomFieldsModule],
  controllers: [ExportsController, AccountExportsController],
  providers: [ExportsService, AccountExportsService],
})
export class ExportsModule {}
