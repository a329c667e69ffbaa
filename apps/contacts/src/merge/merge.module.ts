import { Module } from '@nestjs/common';
import { PeopleModule } from '../people/people.module';
import { MergeController } from './merge.controller';
import { MergeService } from './merge.service';

@Module({
  imports: [PeopleModule],
  controllers: [MergeController],
  providers: [MergeService],
})
export class MergeModule {}
