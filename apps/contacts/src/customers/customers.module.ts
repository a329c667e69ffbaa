import { Module } from '@nestjs/common';
import { ActivitiesModule } from '../activities/activities.module';
import { ConsentModule } from '../consent/consent.module';
import { SearchModule } from '../search/search.module';
import { CustomersRpc } from './customers.rpc';

/** Request-reply answers for the gateway: customer 360 and global search. */
@Module({
  imports: [ConsentModule, ActivitiesModule, SearchModule],
  controllers: [CustomersRpc],
})
export class CustomersModule {}
