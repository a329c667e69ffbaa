import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '@crm/platform';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { marketingError } from '../shared/marketing-errors';
import { CampaignSender } from '../campaigns/campaign-sender';
import { TrackingService } from './tracking.service';

class MessageParams {
  @IsUUID('all', { message: 'must be a UUID' })
  messageId!: string;
}

class SignedQuery {
  @IsString()
  @MaxLength(64)
  s!: string;

  @IsOptional()
  @IsString()
  @MaxLength(4000)
  u?: string;
}

const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/**
 * The links in messages, reached by recipients without a token: each is
 * signed (HMAC over kind, message and destination), so a tampered one is
 * refused and a click link cannot redirect anywhere else.
 */
@ApiExcludeController()
@Public()
@Controller('t')
export class TrackingController {
  constructor(
    private readonly tracking: TrackingService,
    private readonly sender: CampaignSender,
  ) {}

  @Get('o/:messageId')
  async open(@Param() { messageId }: MessageParams, @Query() q: SignedQuery, @Res() reply: FastifyReply) {
    if (this.sender.linkSigner.verify('open', messageId, q.s))
      await this.tracking.record(messageId, 'opened', null, true);
    // A pixel always answers an image, signed or not: mail clients show no errors.
    void reply.header('content-type', 'image/gif').header('cache-control', 'no-store').send(PIXEL);
  }

  @Get('c/:messageId')
  async click(@Param() { messageId }: MessageParams, @Query() q: SignedQuery, @Res() reply: FastifyReply) {
    const url = q.u ?? '';
    if (!/^https?:\/\//i.test(url) || !this.sender.linkSigner.verify('click', messageId, q.s, url))
      throw marketingError('LINK_SIGNATURE_INVALID', 'This link is not valid (its signature does not match)');
    await this.tracking.record(messageId, 'clicked', url);
    void reply.redirect(url, 302);
  }

  @Get('u/:messageId')
  unsubscribePage(@Param() { messageId }: MessageParams, @Query() q: SignedQuery, @Res() reply: FastifyReply) {
    if (!this.sender.linkSigner.verify('unsubscribe', messageId, q.s))
      throw marketingError('LINK_SIGNATURE_INVALID', 'This link is not valid (its signature does not match)');
    const action = `/t/u/${messageId}?s=${encodeURIComponent(q.s)}`;
    void reply
      .header('content-type', 'text/html; charset=utf-8')
      .send(
        `<!doctype html><title>Unsubscribe</title><form method="post" action="${action}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button>Unsubscribe</button></form>`,
      );
  }

  /** RFC 8058: the mail client POSTs List-Unsubscribe=One-Click to the List-Unsubscribe URL. */
  @Post('u/:messageId')
  @HttpCode(200)
  async unsubscribe(@Param() { messageId }: MessageParams, @Query() q: SignedQuery) {
    if (!this.sender.linkSigner.verify('unsubscribe', messageId, q.s))
      throw marketingError('LINK_SIGNATURE_INVALID', 'This link is not valid (its signature does not match)');
    await this.tracking.unsubscribe(messageId);
    return { unsubscribed: true };
  }
}
