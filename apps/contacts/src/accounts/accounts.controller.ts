import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { RequirePermission } from '@crm/platform';
import { PageQueryDto } from '../activities/activities.service';
import { ContactIdParams } from '../people/dto/person.dto';
import { AccountsService, CreateAccountDto, LinkContactDto, UpdateAccountDto } from './accounts.service';

class AccountListQuery extends PageQueryDto {
  @IsOptional() @IsString() @MaxLength(200) q?: string;
}

@ApiTags('accounts')
@Controller('accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  @RequirePermission('contacts:write')
  create(@Body() dto: CreateAccountDto) {
    return this.accounts.create(dto);
  }

  @Get()
  @RequirePermission('contacts:read')
  list(@Query() query: AccountListQuery) {
    return this.accounts.list(query.q, query.limit ?? 50, query.cursor);
  }

  @Get(':id')
  @RequirePermission('contacts:read')
  get(@Param() { id }: ContactIdParams) {
    return this.accounts.get(id);
  }

  @Patch(':id')
  @HttpCode(200)
  @RequirePermission('contacts:write')
  update(@Param() { id }: ContactIdParams, @Body() dto: UpdateAccountDto) {
    return this.accounts.update(id, dto);
  }

  @Get(':id/contacts')
  @RequirePermission('contacts:read')
  contacts(@Param() { id }: ContactIdParams) {
    return this.accounts.contacts(id);
  }

  @Post(':id/contacts')
  @HttpCode(200)
  @RequirePermission('contacts:write')
  link(@Param() { id }: ContactIdParams, @Body() dto: LinkContactDto) {
    return this.accounts.link(id, dto);
  }
}
