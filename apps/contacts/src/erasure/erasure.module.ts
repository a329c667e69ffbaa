import { Module } from '@nestjs/common';
import { PeopleModule } from '../people/people.module';
import { ErasureController } from './erasure.controller';
import { ErasureService } from './erasure.service';

@Module({
  imports: [PeopleModule],
  controllers: [ErasureController],
  providers: [ErasureService],
})
export class ErasureModule {}
