import { Module } from '@nestjs/common';
import { CustomFieldsModule } from '../custom-fields/custom-fields.module';
import { AccountImportsController } from './account-imports.controller';
import { AccountImportsService } from './account-imports.service';
import { ImportsController } from './imports.controller';
import { ImportsService } from './imports.service';

@Module({
  imports: [CustomFieldsModule],
  controllers: [ImportsController, AccountImportsController],
  providers: [ImportsService, AccountImportsService],
})
export class ImportsModule {}
