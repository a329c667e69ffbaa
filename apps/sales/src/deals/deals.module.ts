import { Module } from '@nestjs/common';
import { DealFieldsModule } from '../deal-fields/deal-fields.module';
import { LostReasonsModule } from '../lost-reasons/lost-reasons.module';
import { PipelinesModule } from '../pipelines/pipelines.module';
import { DealsController } from './deals.controller';
import { DealsService } from './deals.service';
import { StageRetirementController } from './stage-retirement.controller';

@Module({
  imports: [PipelinesModule, LostReasonsModule, DealFieldsModule],
  controllers: [DealsController, StageRetirementController],
  providers: [DealsService],
  exports: [DealsService],
})
export class DealsModule {}
