import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { MARKETING_SETTINGS, type MarketingSettings } from '../shared/marketing-settings';
import { TrackingController } from '../tracking/tracking.controller';
import { TrackingService } from '../tracking/tracking.service';
import { FormBodyParser } from '../tracking/form-body';
import { CampaignSender } from './campaign-sender';
import { CampaignsController, SendRulesController } from './campaigns.controller';
import { CampaignsService } from './campaigns.service';
import { CHANNEL_SENDERS, type ChannelSenders } from './channels/channel';
import { EmailSender } from './channels/email-sender';
import { HttpSender } from './channels/http-sender';

@Module({
  controllers: [CampaignsController, SendRulesController, TrackingController],
  providers: [
    CampaignsService,
    CampaignSender,
    TrackingService,
    FormBodyParser,
    {
      provide: CHANNEL_SENDERS,
      inject: [MARKETING_SETTINGS],
      useFactory: (s: MarketingSettings): ChannelSenders => ({
        email: new EmailSender(s.SMTP_URL, s.MAIL_FROM, s.SEND_CONCURRENCY),
        sms: s.SMS_API_URL ? new HttpSender(s.SMS_API_URL, s.SMS_API_KEY) : undefined,
      }),
    },
  ],
  exports: [CampaignsService, TrackingService],
})
export class CampaignsModule implements OnApplicationShutdown {
  constructor(@Inject(CHANNEL_SENDERS) private readonly senders: ChannelSenders) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(Object.values(this.senders).map((s) => s?.close()));
  }
}
