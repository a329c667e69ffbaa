import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiIfMatch, ApiPage, CurrentPrincipal, parseIfMatch, RequirePermission, type Principal } from '@crm/platform';
import {
  CreatedWebhookDto,
  CreateWebhookDto,
  DeliveriesQueryDto,
  DeliveryIdParams,
  DeliveryViewDto,
  PingDto,
  RotatedSecretDto,
  UpdateWebhookDto,
  WebhookIdParams,
  WebhookViewDto,
} from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';
import { PageQueryDto } from '@crm/platform';

@ApiTags('webhooks')
@Controller('api/v1/webhooks')
@RequirePermission('webhooks:admin')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiOperation({ summary: 'Subscribe a URL to events; the signing secret is in this answer only' })
  @ApiCreatedResponse({ type: CreatedWebhookDto })
  create(@Body() dto: CreateWebhookDto, @CurrentPrincipal() owner: Principal) {
    return this.webhooks.create(dto, owner);
  }

  @Get()
  @ApiOperation({ summary: 'List webhooks, newest first (never their secrets)' })
  @ApiPage(WebhookViewDto)
  list(@Query() query: PageQueryDto) {
    return this.webhooks.list(query.limit ?? 50, query.cursor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One webhook with its status (and why it was disabled)' })
  @ApiOkResponse({ type: WebhookViewDto })
  get(@Param() p: WebhookIdParams) {
    return this.webhooks.get(p.id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change the URL, patterns, filter or description; pause or resume' })
  @ApiIfMatch()
  @ApiOkResponse({ type: WebhookViewDto })
  update(@Param() p: WebhookIdParams, @Body() dto: UpdateWebhookDto, @Headers('if-match') ifMatch?: string) {
    return this.webhooks.update(p.id, dto, parseIfMatch(ifMatch, 'webhook'));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook and its delivery log' })
  @ApiNoContentResponse({ description: 'Deleted' })
  async remove(@Param() p: WebhookIdParams): Promise<void> {
    await this.webhooks.remove(p.id);
  }

  @Post(':id/secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate the signing secret; the previous one keeps signing for WEBHOOK_SECRET_GRACE_HOURS' })
  @ApiOkResponse({ type: RotatedSecretDto })
  rotate(@Param() p: WebhookIdParams) {
    return this.webhooks.rotateSecret(p.id);
  }

  @Post(':id/ping')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a test event (crm.gateway.webhook.ping) the way real events go' })
  @ApiAcceptedResponse({ type: PingDto })
  ping(@Param() p: WebhookIdParams) {
    return this.webhooks.ping(p.id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'The delivery log, newest first; status=dead lists the dead letters' })
  @ApiPage(DeliveryViewDto)
  deliveries(@Param() p: WebhookIdParams, @Query() q: DeliveriesQueryDto) {
    return this.webhooks.deliveries(p.id, q.limit ?? 50, q.cursor, q.status);
  }

  @Post(':id/deliveries/:deliveryId/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue a dead delivery again, with a fresh retry period' })
  @ApiAcceptedResponse({
    description: 'Queued',
    schema: { type: 'object', properties: {}, additionalProperties: false },
  })
  async replay(@Param() p: DeliveryIdParams): Promise<Record<string, never>> {
    await this.webhooks.replay(p.id, p.deliveryId);
    return {};
  }
}
