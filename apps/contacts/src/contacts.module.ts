import { Module } from '@nestjs/common';
import { AccountsController } from './accounts/accounts.controller';
import { AccountsService } from './accounts/accounts.service';
import { ActivitiesController } from './activities/activities.controller';
import { ActivitiesService } from './activities/activities.service';
import { ConsentController } from './consent/consent.controller';
import { ConsentService } from './consent/consent.service';
import { CustomFieldsController } from './custom-fields/custom-fields.controller';
import { CustomFieldsService } from './custom-fields/custom-fields.service';
import { ErasureController } from './erasure/erasure.controller';
import { ErasureService } from './erasure/erasure.service';
import { MergeController } from './merge/merge.controller';
import { MergeService } from './merge/merge.service';
import { CustomersRpc } from './people/customers.rpc';
import { PeopleController } from './people/people.controller';
import { PeopleService } from './people/people.service';
import { DuplicatesController } from './search/duplicates.controller';
import { DuplicatesService } from './search/duplicates.service';
import { SearchService } from './search/search.service';

@Module({
  controllers: [
    // Fixed paths before /contacts/:id so they are matched first.
    DuplicatesController,
    MergeController,
    ErasureController,
    ConsentController,
    ActivitiesController,
    PeopleController,
    AccountsController,
    CustomFieldsController,
    CustomersRpc,
  ],
  providers: [
    PeopleService,
    SearchService,
    DuplicatesService,
    MergeService,
    ErasureService,
    ConsentService,
    ActivitiesService,
    AccountsService,
    CustomFieldsService,
  ],
})
export class ContactsModule {}
