import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiIfMatch,
  ApiPage,
  ApiProblem,
  CurrentPrincipal,
  PageQueryDto,
  RequirePermission,
  validationFailed,
  type Principal,
} from '@crm/platform';
import {
  AddMessageDto,
  AssignDto,
  ChangeStatusDto,
  CreateTicketDto,
  MergeDto,
  TicketIdParams,
  TicketQueueQuery,
  UpdateTicketDto,
} from './dto/ticket.dto';
import { AssignmentsDto, MessageDto, QueueTicketDto, TicketDto, TicketStatusAnswerDto } from './dto/ticket-view.dto';
import { MessagesService } from './messages.service';
import { QueueService } from './queue.service';
import { TicketsService } from './tickets.service';

/** `"3"`, `W/"3"` or `3` is version 3; `*` or none matches any version. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const value = header.replace(/^W\//, '').replace(/"/g, '').trim();
  if (!/^\d{1,9}$/.test(value))
    throw validationFailed([{ field: 'If-Match', message: 'must be the ticket version, e.g. "3"' }]);
  return Number(value);
}

@ApiTags('tickets')
@Controller('tickets')
export class TicketsController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly messages: MessagesService,
    private readonly queue: QueueService,
  ) {}

  @Post()
  @RequirePermission('support:write')
  @ApiOperation({
    summary: 'Open a ticket; starts its SLA clocks, assigns it in its team; emits crm.support.ticket.created',
  })
  @ApiCreatedResponse({ type: TicketDto, description: 'The ticket with its SLA clocks' })
  @ApiProblem(422, 'ASSET_OF_ANOTHER_CUSTOMER or AGENT_NOT_IN_TEAM')
  create(@Body() dto: CreateTicketDto, @CurrentPrincipal() by: Principal) {
    return this.tickets.create(dto, by);
  }

  @Get()
  @RequirePermission('support:read')
  @ApiOperation({ summary: 'Queue views: all, mine, team, unassigned, breaching-soon; filtered and keyset paged' })
  @ApiPage(QueueTicketDto)
  list(@Query() q: TicketQueueQuery, @CurrentPrincipal() by: Principal) {
    return this.queue.list(q, by);
  }

  @Get(':id')
  @RequirePermission('support:read')
  @ApiOperation({ summary: 'One ticket with, per SLA target, due at, remaining business seconds and state' })
  @ApiOkResponse({ type: TicketDto, description: 'The ticket; its version is for If-Match' })
  get(@Param() { id }: TicketIdParams) {
    return this.tickets.get(id);
  }

  @Patch(':id')
  @RequirePermission('support:write')
  @ApiIfMatch()
  @ApiOperation({ summary: 'Change subject, priority, type, tags, custom fields, asset or team' })
  @ApiOkResponse({ type: TicketDto })
  update(@Param() { id }: TicketIdParams, @Body() dto: UpdateTicketDto, @Headers('if-match') ifMatch?: string) {
    return this.tickets.update(id, dto, parseIfMatch(ifMatch));
  }

  @Post(':id/status')
  @HttpCode(200)
  @RequirePermission('support:write')
  @ApiIfMatch()
  @ApiOperation({ summary: 'Move the ticket through its lifecycle; solving answers a CSAT survey link once' })
  @ApiOkResponse({ type: TicketStatusAnswerDto, description: 'The ticket; csat { url, expiresAt } when it was solved' })
  @ApiProblem(409, 'TICKET_TRANSITION_INVALID or TICKET_CLOSED')
  status(@Param() { id }: TicketIdParams, @Body() dto: ChangeStatusDto, @Headers('if-match') ifMatch?: string) {
    return this.tickets.changeStatus(id, dto.status, parseIfMatch(ifMatch));
  }

  @Post(':id/messages')
  @RequirePermission('support:write')
  @ApiOperation({ summary: 'A public reply or an internal note; emits crm.support.message.added' })
  @ApiCreatedResponse({ type: MessageDto })
  @ApiProblem(409, 'TICKET_CLOSED: a closed ticket takes no reply')
  addMessage(@Param() { id }: TicketIdParams, @Body() dto: AddMessageDto, @CurrentPrincipal() by: Principal) {
    return this.messages.add(id, dto, by);
  }

  @Get(':id/messages')
  @RequirePermission('support:read')
  @ApiOperation({ summary: 'The messages, internal notes included' })
  @ApiPage(MessageDto)
  listMessages(@Param() { id }: TicketIdParams, @Query() page: PageQueryDto) {
    return this.messages.list(id, page, false);
  }

  @Get(':id/public-messages')
  @RequirePermission('support:read')
  @ApiOperation({ summary: 'What the customer sees: public messages only, never internal notes' })
  @ApiPage(MessageDto)
  listPublic(@Param() { id }: TicketIdParams, @Query() page: PageQueryDto) {
    return this.messages.list(id, page, true);
  }

  @Post(':id/assign')
  @HttpCode(200)
  @RequirePermission('support:write')
  @ApiOperation({ summary: 'Assign to an agent, or round-robin in the team (skipping unavailable and full agents)' })
  @ApiOkResponse({ type: TicketDto })
  @ApiProblem(409, 'NO_AGENT_AVAILABLE')
  assign(@Param() { id }: TicketIdParams, @Body() dto: AssignDto, @CurrentPrincipal() by: Principal) {
    return this.tickets.assign(id, dto.agentId, dto.teamId, by);
  }

  @Get(':id/assignments')
  @RequirePermission('support:read')
  @ApiOperation({ summary: 'Who the ticket was assigned to, when and by whom' })
  @ApiOkResponse({ type: AssignmentsDto })
  assignments(@Param() { id }: TicketIdParams) {
    return this.tickets.assignments(id);
  }

  @Post(':id/merge')
  @HttpCode(200)
  @RequirePermission('support:write')
  @ApiOperation({ summary: 'Merge this duplicate into targetId: messages move, this one closes pointing to it' })
  @ApiOkResponse({ type: TicketDto, description: 'The ticket that stays' })
  @ApiProblem(422, 'TICKET_MERGE_INVALID: another requester')
  merge(@Param() { id }: TicketIdParams, @Body() dto: MergeDto) {
    return this.tickets.merge(id, dto.targetId);
  }
}
