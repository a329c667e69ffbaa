import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import { PageQueryDto, RequirePermission, ApiPage, ApiProblem } from '@crm/platform';
import { AccountsService } from './accounts.service';
import {
  AccountContactParams,
  AccountIdParams,
  AccountListQuery,
  CreateAccountDto,
  LinkContactDto,
  UpdateAccountDto,
} from './dto/account.dto';
import { AccountPersonDto, AccountViewDto } from './dto/account-view.dto';
import { PersonViewDto } from '../people/dto/person-view.dto';

@ApiTags('accounts')
@Controller('accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  @RequirePermission('contacts:write')
  @ApiOperation({ summary: 'Create an account (company); emits crm.contacts.account.created' })
  @ApiCreatedResponse({ type: AccountViewDto, description: 'The account, version 1' })
  create(@Body() dto: CreateAccountDto) {
    return this.accounts.create(dto);
  }

  @Get()
  @RequirePermission('contacts:read')
  @ApiOperation({ summary: 'Accounts, newest first, keyset paged; q matches the name' })
  @ApiPage(AccountViewDto)
  list(@Query() query: AccountListQuery) {
    return this.accounts.list(query.q, query);
  }

  @Get(':id')
  @RequirePermission('contacts:read')
  @ApiOperation({ summary: 'One account' })
  @ApiOkResponse({ type: AccountViewDto })
  get(@Param() { id }: AccountIdParams) {
    return this.accounts.get(id);
  }

  @Patch(':id')
  @HttpCode(200)
  @RequirePermission('contacts:write')
  @ApiOperation({ summary: 'Change an account (version + 1); emits crm.contacts.account.updated' })
  @ApiOkResponse({ type: AccountViewDto, description: 'The account as changed' })
  update(@Param() { id }: AccountIdParams, @Body() dto: UpdateAccountDto) {
    return this.accounts.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('contacts:admin')
  @ApiOperation({
    summary:
      'Delete an account no person or activity refers to (409 ACCOUNT_IN_USE otherwise); emits crm.contacts.account.deleted',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblem(409, 'ACCOUNT_IN_USE: people or activities still refer to it')
  async remove(@Param() { id }: AccountIdParams): Promise<void> {
    await this.accounts.remove(id);
  }

  @Get(':id/contacts')
  @RequirePermission('contacts:read')
  @ApiOperation({
    summary: "The account's active people with their role, title and whether it is their primary account",
  })
  @ApiPage(AccountPersonDto)
  contacts(@Param() { id }: AccountIdParams, @Query() page: PageQueryDto) {
    return this.accounts.contacts(id, page);
  }

  @Post(':id/contacts')
  @HttpCode(200)
  @RequirePermission('contacts:write')
  @ApiOperation({ summary: 'Link a person to the account (role, title, primary); emits crm.contacts.contact.updated' })
  @ApiOkResponse({ type: PersonViewDto, description: 'The person, linked' })
  @ApiProblem(409, 'CONTACT_ERASED: an erased contact can no longer change')
  @ApiProblem(410, 'CONTACT_MERGED: merged into another contact, named by mergedInto')
  link(@Param() { id }: AccountIdParams, @Body() dto: LinkContactDto) {
    return this.accounts.link(id, dto);
  }

  @Delete(':id/contacts/:contactId')
  @HttpCode(200)
  @RequirePermission('contacts:write')
  @ApiOperation({ summary: 'Unlink a person from the account; emits crm.contacts.contact.updated' })
  @ApiOkResponse({ type: PersonViewDto, description: 'The person, unlinked' })
  unlink(@Param() { id, contactId }: AccountContactParams) {
    return this.accounts.unlink(id, contactId);
  }
}
