import { Module } from '@nestjs/common';
import { CustomFieldsModule } from '../custom-fields/custom-fields.module';
import { DuplicatesController } from './duplicates.controller';
import { DuplicatesService } from './duplicates.service';
import { SearchService } from './search.service';

/** People search (served as GET /contacts by the people controller) and duplicate suggestions. */
@Module({
  imports: [CustomFieldsModule],
  controllers: [DuplicatesController],
  providers: [SearchService, DuplicatesService],
  exports: [SearchService],
})
export class SearchModule {}
