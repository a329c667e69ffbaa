import { Global, Module } from '@nestjs/common';
import { MembershipService } from './membership.service';
import { SegmentBuilder } from './segment-builder';
import { SegmentsController } from './segments.controller';
import { SegmentsService } from './segments.service';

@Global()
@Module({
  controllers: [SegmentsController],
  providers: [MembershipService, SegmentBuilder, SegmentsService],
  exports: [MembershipService, SegmentsService],
})
export class SegmentsModule {}
