import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { PeopleModule } from '../people/people.module';
import { ActivitiesController } from './activities.controller';
import { ActivitiesService } from './activities.service';

@Module({
  imports: [PeopleModule, AccountsModule],
  controllers: [ActivitiesController],
  providers: [ActivitiesService],
  exports: [ActivitiesService],
})
export class ActivitiesModule {}
