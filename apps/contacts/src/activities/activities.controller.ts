import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags, ApiCreatedResponse } from '@nestjs/swagger';
import { CurrentPrincipal, PageQueryDto, RequirePermission, type Principal, ApiPage, ApiProblem } from '@crm/platform';
import { AccountIdParams } from '../accounts/dto/account.dto';
import { AccountsService } from '../accounts/accounts.service';
import { ContactIdParams } from '../people/dto/person.dto';
import { PeopleService } from '../people/people.service';
import { ActivitiesService } from './activities.service';
import { LogActivityDto } from './dto/activity.dto';
import { ActivitySummaryDto, ActivityViewDto, TimelineEntryDto } from './dto/activity-view.dto';

@ApiTags('activities')
@Controller()
export class ActivitiesController {
  constructor(
    private readonly activities: ActivitiesService,
    private readonly people: PeopleService,
    private readonly accounts: AccountsService,
  ) {}

  @Post('contacts/:id/activities')
  @RequirePermission('contacts:write')
  @ApiOperation({ summary: 'Log a note, call, meeting or email with a person; emits crm.contacts.activity.logged' })
  @ApiCreatedResponse({ type: ActivityViewDto, description: 'The activity logged' })
  @ApiProblem(409, 'CONTACT_ERASED: an erased contact can no longer change')
  @ApiProblem(410, 'CONTACT_MERGED: merged into another contact, named by mergedInto')
  logForPerson(@Param() { id }: ContactIdParams, @Body() dto: LogActivityDto, @CurrentPrincipal() by: Principal) {
    return this.activities.log({ personId: id }, dto, by);
  }

  @Get('contacts/:id/activities')
  @RequirePermission('contacts:read')
  @ApiOperation({ summary: "A person's activities, newest first, keyset paged" })
  @ApiPage(ActivitySummaryDto)
  async listForPerson(@Param() { id }: ContactIdParams, @Query() page: PageQueryDto) {
    await this.people.get(id);
    return this.activities.list({ personId: id }, page);
  }

  @Post('accounts/:id/activities')
  @RequirePermission('contacts:write')
  @ApiOperation({ summary: 'Log an activity with an account; emits crm.contacts.activity.logged' })
  @ApiCreatedResponse({ type: ActivityViewDto, description: 'The activity logged' })
  logForAccount(@Param() { id }: AccountIdParams, @Body() dto: LogActivityDto, @CurrentPrincipal() by: Principal) {
    return this.activities.log({ accountId: id }, dto, by);
  }

  @Get('accounts/:id/activities')
  @RequirePermission('contacts:read')
  @ApiOperation({ summary: "An account's activities, newest first, keyset paged" })
  @ApiPage(ActivitySummaryDto)
  async listForAccount(@Param() { id }: AccountIdParams, @Query() page: PageQueryDto) {
    await this.accounts.get(id);
    return this.activities.list({ accountId: id }, page);
  }

  @Get('contacts/:id/timeline')
  @RequirePermission('contacts:read')
  @ApiOperation({ summary: "A person's activities and consent decisions, newest first, keyset paged" })
  @ApiPage(TimelineEntryDto)
  async timeline(@Param() { id }: ContactIdParams, @Query() page: PageQueryDto) {
    await this.people.get(id);
    return this.activities.timeline(id, page);
  }
}
