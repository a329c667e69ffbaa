import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { inTransaction } from '@crm/persistence';
import { ApiPage, ApiProblem, PageQueryDto, RequirePermission } from '@crm/platform';
import { IdParams } from '../shared/dto';
import { marketingError } from '../shared/marketing-errors';
import { TrackingService } from '../tracking/tracking.service';
import { CampaignsService } from './campaigns.service';
import {
  ChannelParams,
  CreateCampaignDto,
  DeliveryWebhookDto,
  DoNotContactDto,
  MessagesQuery,
  ScheduleCampaignDto,
  SendRuleDto,
} from './dto/campaign.dto';
import {
  CampaignMessageDto,
  CampaignReportDto,
  CampaignViewDto,
  DeliveryViewDto,
  DoNotContactViewDto,
  SendRulesDto,
  SendRuleViewDto,
  TouchpointViewDto,
} from './dto/campaign-view.dto';
import type { SendRule } from './send-rules';

class TouchpointsQuery extends PageQueryDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be a UUID' })
  contactId!: string;
}

@ApiTags('campaigns')
@Controller('campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Post()
  @RequirePermission('marketing:write')
  @ApiOperation({
    summary: 'Create a draft campaign: channel, audience (segments in/out, named contacts), template(s)',
  })
  @ApiCreatedResponse({ type: CampaignViewDto, description: 'The draft campaign, version 1' })
  create(@Body() dto: CreateCampaignDto) {
    return this.campaigns.create(dto);
  }

  @Get()
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'Campaigns, newest first, with their message counts' })
  @ApiPage(CampaignViewDto)
  list(@Query() page: PageQueryDto) {
    return this.campaigns.list(page);
  }

  @Get(':id')
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'One campaign with counts by status and skip reason' })
  @ApiOkResponse({ type: CampaignViewDto })
  get(@Param() { id }: IdParams) {
    return this.campaigns.get(id);
  }

  @Post(':id/schedule')
  @HttpCode(200)
  @RequirePermission('marketing:write')
  @ApiOperation({ summary: 'Schedule now or at sendAt; sending runs as durable jobs' })
  @ApiOkResponse({ type: CampaignViewDto, description: 'The campaign, scheduled' })
  @ApiProblem(409, 'CAMPAIGN_TRANSITION_INVALID')
  schedule(@Param() { id }: IdParams, @Body() dto: ScheduleCampaignDto) {
    return this.campaigns.schedule(id, dto.sendAt);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @RequirePermission('marketing:write')
  @ApiOperation({ summary: 'Pause a sending campaign' })
  @ApiOkResponse({ type: CampaignViewDto })
  @ApiProblem(409, 'CAMPAIGN_TRANSITION_INVALID')
  pause(@Param() { id }: IdParams) {
    return this.campaigns.act(id, 'pause');
  }

  @Post(':id/resume')
  @HttpCode(200)
  @RequirePermission('marketing:write')
  @ApiOperation({ summary: 'Resume a paused campaign' })
  @ApiOkResponse({ type: CampaignViewDto })
  @ApiProblem(409, 'CAMPAIGN_TRANSITION_INVALID')
  resume(@Param() { id }: IdParams) {
    return this.campaigns.act(id, 'resume');
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @RequirePermission('marketing:write')
  @ApiOperation({ summary: 'Cancel a campaign; messages not yet sent stay unsent' })
  @ApiOkResponse({ type: CampaignViewDto })
  @ApiProblem(409, 'CAMPAIGN_TRANSITION_INVALID')
  cancel(@Param() { id }: IdParams) {
    return this.campaigns.act(id, 'cancel');
  }

  @Get(':id/messages')
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: "The campaign's messages (status, skip reason), keyset paged" })
  @ApiPage(CampaignMessageDto)
  messages(@Param() { id }: IdParams, @Query() q: MessagesQuery) {
    return this.campaigns.messages(id, q);
  }

  @Get(':id/report')
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'Touchpoints by kind and variant, A/B winner, revenue and ROI' })
  @ApiOkResponse({ type: CampaignReportDto })
  report(@Param() { id }: IdParams) {
    return this.campaigns.report(id);
  }
}

@ApiTags('campaigns')
@Controller()
export class SendRulesController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tracking: TrackingService,
  ) {}

  @Get('send-rules')
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'Frequency caps and quiet hours per channel' })
  @ApiOkResponse({ type: SendRulesDto, description: 'The channels that have a rule, by channel' })
  async rules() {
    const rows: SendRule[] = await this.dataSource.query(`SELECT * FROM send_rules ORDER BY channel`);
    return {
      items: rows.map((r) => ({
        channel: r.channel,
        maxMessages: r.max_messages,
        periodHours: r.period_hours,
        quietStart: r.quiet_start,
        quietEnd: r.quiet_end,
      })),
    };
  }

  @Put('send-rules/:channel')
  @RequirePermission('marketing:admin')
  @ApiOperation({
    summary: 'Set the cap (at most maxMessages per contact per periodHours) and quiet hours of a channel',
  })
  @ApiOkResponse({ type: SendRuleViewDto, description: 'The rule as set' })
  async setRule(@Param() { channel }: ChannelParams, @Body() dto: SendRuleDto) {
    await inTransaction(this.dataSource, (m) =>
      m.query(
        `INSERT INTO send_rules (channel, max_messages, period_hours, quiet_start, quiet_end) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (channel) DO UPDATE SET max_messages = $2, period_hours = $3, quiet_start = $4, quiet_end = $5,
           version = send_rules.version + 1, updated_at = now()`,
        [channel, dto.maxMessages, dto.periodHours, dto.quietStart ?? null, dto.quietEnd ?? null],
      ),
    );
    return { channel, ...dto, quietStart: dto.quietStart ?? null, quietEnd: dto.quietEnd ?? null };
  }

  @Post('do-not-contact')
  @HttpCode(200)
  @RequirePermission('marketing:write')
  @ApiOperation({ summary: 'Put a contact on the do-not-contact list: no marketing message on any channel' })
  @ApiOkResponse({ type: DoNotContactViewDto })
  async dnc(@Body() dto: DoNotContactDto) {
    await inTransaction(this.dataSource, (m) =>
      m.query(
        `INSERT INTO do_not_contact (contact_id, reason) VALUES ($1, $2) ON CONFLICT (contact_id) DO UPDATE SET reason = $2`,
        [dto.contactId, dto.reason],
      ),
    );
    return { contactId: dto.contactId, reason: dto.reason };
  }

  @Delete('do-not-contact/:id')
  @HttpCode(204)
  @RequirePermission('marketing:write')
  @ApiOperation({ summary: 'Take a contact off the do-not-contact list' })
  @ApiNoContentResponse({ description: 'Off the list' })
  async undnc(@Param() { id }: IdParams): Promise<void> {
    const [, n] = await this.dataSource.query(`DELETE FROM do_not_contact WHERE contact_id = $1`, [id]);
    if (!n) throw marketingError('CONTACT_NOT_MIRRORED', `Contact ${id} is not on the do-not-contact list`);
  }

  @Post('deliveries')
  @HttpCode(200)
  @RequirePermission('marketing:write')
  @ApiOperation({ summary: "A provider's delivery report: delivered or bounced (a touchpoint)" })
  @ApiOkResponse({ type: DeliveryViewDto })
  delivery(@Body() dto: DeliveryWebhookDto) {
    return this.tracking.delivery(dto.messageId, dto.status);
  }

  @Get('touchpoints')
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: "A contact's touchpoints, newest first, keyset paged (contactId required)" })
  @ApiPage(TouchpointViewDto)
  touchpoints(@Query() q: TouchpointsQuery) {
    return this.tracking.touchpoints(q.contactId, q);
  }
}
