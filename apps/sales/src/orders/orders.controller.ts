import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  ApiPage,
  ApiProblem,
  CurrentPrincipal,
  RequirePermission,
  validationFailed,
  type Principal,
} from '@crm/platform';
import { withEtag } from '../shared/http';
import { CreateOrderDto, OrderActionParams, OrderIdParams, OrderListQuery, RefundDto } from './dto/order.dto';
import { OrderViewDto, RefundResultDto, RefundViewDto } from './dto/order-view.dto';
import { OrdersService } from './orders.service';
import { RefundsService } from './refunds.service';

/** Printable ASCII, as draft-ietf-httpapi-idempotency-key-header's examples; 1-200 characters. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export function idempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(header))
    throw validationFailed([
      { field: 'Idempotency-Key', message: 'must be 1-200 printable ASCII characters without spaces' },
    ]);
  return header;
}

@ApiTags('orders')
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly refunds: RefundsService,
  ) {}

  @Post()
  @RequirePermission('sales:write')
  @ApiOperation({
    summary:
      'Place an order from any channel (201); the same external id on the channel, or the same Idempotency-Key, answers the first order (200) and publishes nothing again; emits crm.sales.order.placed',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    schema: { type: 'string', minLength: 1, maxLength: 200 },
    description: 'Makes a retried create answer the first order',
  })
  @ApiCreatedResponse({ type: OrderViewDto, description: 'The order placed' })
  @ApiOkResponse({ type: OrderViewDto, description: 'The order placed before with this external id or key' })
  @ApiProblem(409, 'ORDER_EXTERNAL_ID_CONFLICT: the external id was used for a different order')
  @ApiProblem(422, 'IDEMPOTENCY_KEY_REUSED, PRICE_NOT_FOUND')
  async create(
    @Body() dto: CreateOrderDto,
    @Headers('idempotency-key') key: string | undefined,
    @CurrentPrincipal() by: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { order, created } = await this.orders.create(dto, by, idempotencyKey(key));
    void reply.status(created ? 201 : 200);
    return withEtag(reply, order);
  }

  @Get()
  @RequirePermission('sales:read')
  @ApiOperation({ summary: 'Orders, latest placed first, keyset paged, with filters' })
  @ApiPage(OrderViewDto)
  list(@Query() query: OrderListQuery) {
    return this.orders.list(query);
  }

  @Get(':id')
  @RequirePermission('sales:read')
  @ApiOperation({ summary: 'One order with its lines' })
  @ApiOkResponse({ type: OrderViewDto })
  async get(@Param() { id }: OrderIdParams, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.orders.get(id));
  }

  @Post(':id/refunds')
  @RequirePermission('sales:write')
  @ApiOperation({
    summary:
      'Refund units of some lines of a paid or fulfilled order; the last unit refunded makes the order refunded; emits crm.sales.order.refunded',
  })
  @ApiCreatedResponse({ type: RefundResultDto })
  @ApiProblem(422, 'REFUND_EXCEEDS_LINE, ORDER_TRANSITION_INVALID')
  refund(@Param() { id }: OrderIdParams, @Body() dto: RefundDto, @CurrentPrincipal() by: Principal) {
    return this.refunds.refund(id, dto, by);
  }

  @Get(':id/refunds')
  @RequirePermission('sales:read')
  @ApiOperation({ summary: "The order's refunds, oldest first" })
  @ApiOkResponse({ type: [RefundViewDto] })
  refundsOf(@Param() { id }: OrderIdParams) {
    return this.refunds.list(id);
  }

  @Post(':id/:action')
  @HttpCode(200)
  @RequirePermission('sales:write')
  @ApiOperation({
    summary:
      'pay (placed -> paid), fulfil (paid -> fulfilled) or cancel (placed -> cancelled); emits crm.sales.order.paid / fulfilled / cancelled',
  })
  @ApiOkResponse({ type: OrderViewDto })
  @ApiProblem(422, 'ORDER_TRANSITION_INVALID: not allowed from the current status')
  async transition(@Param() { id, action }: OrderActionParams, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.orders.transition(id, action));
  }
}
