import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  ApiIfMatch,
  ApiPage,
  ApiProblem,
  CurrentPrincipal,
  PlatformValidationPipe,
  RequirePermission,
  type Principal,
} from '@crm/platform';
import { parseIfMatch, withEtag } from '../shared/http';
import {
  AcceptQuoteDto,
  CreateQuoteDto,
  QuoteIdParams,
  QuoteListQuery,
  RejectQuoteDto,
  UpdateQuoteDto,
} from './dto/quote.dto';
import { QuoteViewDto } from './dto/quote-view.dto';
import { QuotesService } from './quotes.service';

const pipe = new PlatformValidationPipe();

/** A body that may be left out altogether (no content): validated as `{}` then. */
async function optionalBody<T>(body: unknown, type: new () => T): Promise<T> {
  return (await pipe.transform(body ?? {}, { type: 'body', metatype: type })) as T;
}

@ApiTags('quotes')
@Controller('quotes')
export class QuotesController {
  constructor(private readonly quotes: QuotesService) {}

  @Post()
  @RequirePermission('sales:write')
  @ApiOperation({
    summary:
      'Create a draft quote for a deal: lines of active products priced from the price book (or overridden), totals by the service',
  })
  @ApiCreatedResponse({ type: QuoteViewDto, description: 'The draft, revision 1' })
  @ApiProblem(422, 'PRODUCT_INACTIVE, PRICE_NOT_FOUND, PRICE_BOOK_CURRENCY_MISMATCH, PRICE_BOOK_NOT_VALID')
  async create(
    @Body() dto: CreateQuoteDto,
    @CurrentPrincipal() by: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.quotes.create(dto, by));
  }

  @Get()
  @RequirePermission('sales:read')
  @ApiOperation({ summary: 'Quotes, newest first, keyset paged, with filters' })
  @ApiPage(QuoteViewDto)
  list(@Query() query: QuoteListQuery) {
    return this.quotes.list(query);
  }

  @Get(':id')
  @RequirePermission('sales:read')
  @ApiOperation({ summary: 'One quote revision with its lines' })
  @ApiOkResponse({ type: QuoteViewDto })
  async get(@Param() { id }: QuoteIdParams, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.quotes.get(id));
  }

  @Patch(':id')
  @HttpCode(200)
  @RequirePermission('sales:write')
  @ApiOperation({
    summary: 'Change a draft (lines replace all lines and are priced again); a sent quote is revised instead',
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: QuoteViewDto })
  @ApiProblem(409, 'QUOTE_NOT_EDITABLE: only a draft changes in place')
  async update(
    @Param() { id }: QuoteIdParams,
    @Body() dto: UpdateQuoteDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.quotes.update(id, dto, parseIfMatch(ifMatch)));
  }

  @Post(':id/send')
  @HttpCode(200)
  @RequirePermission('sales:write')
  @ApiOperation({ summary: 'Send a draft: it is frozen from now on; emits crm.sales.quote.sent' })
  @ApiOkResponse({ type: QuoteViewDto })
  @ApiProblem(422, 'QUOTE_TRANSITION_INVALID')
  async send(@Param() { id }: QuoteIdParams, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.quotes.send(id));
  }

  @Post(':id/accept')
  @HttpCode(200)
  @RequirePermission('sales:write')
  @ApiOperation({
    summary:
      'Accept a sent, unexpired quote; by default its order is placed in the same transaction; emits crm.sales.quote.accepted (and crm.sales.order.placed)',
  })
  @ApiBody({ type: AcceptQuoteDto, required: false })
  @ApiOkResponse({ type: QuoteViewDto, description: 'The accepted quote; orderId names the order' })
  @ApiProblem(409, 'QUOTE_SUPERSEDED: a newer revision exists')
  @ApiProblem(422, 'QUOTE_TRANSITION_INVALID, QUOTE_EXPIRED')
  async accept(
    @Param() { id }: QuoteIdParams,
    @Body() body: unknown,
    @CurrentPrincipal() by: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.quotes.accept(id, await optionalBody(body, AcceptQuoteDto), by));
  }

  @Post(':id/reject')
  @HttpCode(200)
  @RequirePermission('sales:write')
  @ApiOperation({ summary: 'Reject a sent quote, with an optional reason; emits crm.sales.quote.rejected' })
  @ApiBody({ type: RejectQuoteDto, required: false })
  @ApiOkResponse({ type: QuoteViewDto })
  async reject(@Param() { id }: QuoteIdParams, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const dto = await optionalBody(body, RejectQuoteDto);
    return withEtag(reply, await this.quotes.reject(id, dto.reason));
  }

  @Post(':id/revise')
  @RequirePermission('sales:write')
  @ApiOperation({
    summary: 'Revise a sent, rejected or expired quote: a new draft revision with the same number and lines',
  })
  @ApiCreatedResponse({ type: QuoteViewDto, description: 'The new revision (a draft)' })
  @ApiProblem(409, 'QUOTE_SUPERSEDED: revise the newest revision')
  async revise(
    @Param() { id }: QuoteIdParams,
    @CurrentPrincipal() by: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.quotes.revise(id, by));
  }
}
