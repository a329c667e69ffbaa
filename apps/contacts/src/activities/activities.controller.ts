import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@crm/platform';
import { ContactIdParams } from '../people/dto/person.dto';
import { PeopleService } from '../people/people.service';
import { ActivitiesService, LogActivityDto, PageQueryDto } from './activities.service';

@ApiTags('activities')
@Controller()
export class ActivitiesController {
  constructor(
    private readonly activities: ActivitiesService,
    private readonly people: PeopleService,
  ) {}

  @Post('contacts/:id/activities')
  @RequirePermission('contacts:write')
  logForPerson(@Param() { id }: ContactIdParams, @Body() dto: LogActivityDto, @CurrentPrincipal() by: Principal) {
    return this.activities.log({ personId: id }, dto, by);
  }

  @Post('accounts/:id/activities')
  @RequirePermission('contacts:write')
  logForAccount(@Param() { id }: ContactIdParams, @Body() dto: LogActivityDto, @CurrentPrincipal() by: Principal) {
    return this.activities.log({ accountId: id }, dto, by);
  }

  @Get('contacts/:id/timeline')
  @RequirePermission('contacts:read')
  async timeline(@Param() { id }: ContactIdParams, @Query() page: PageQueryDto) {
    await this.people.get(id);
    return this.activities.timeline(id, page);
  }
}
