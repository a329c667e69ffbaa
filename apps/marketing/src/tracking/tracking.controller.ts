import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblem, Public } from '@crm/platform';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { marketingError } from '../shared/marketing-errors';
import { CampaignSender } from '../campaigns/campaign-sender';
import { TrackingService } from './tracking.service';

class MessageParams {
  @ApiProperty({ format: 'uuid', description: 'The message the link was made for' })
  @IsUUID('all', { message: 'must be a UUID' })
  messageId!: string;
}

class SignedQuery {
  @ApiProperty({ maxLength: 64, description: "The link's signature" })
  @IsString()
  @MaxLength(64)
  s!: string;

  @ApiPropertyOptional({ maxLength: 4000, description: 'The destination of a click link (http or https)' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  u?: string;
}

class UnsubscribedDto {
  @ApiProperty({ enum: [true] }) unsubscribed!: boolean;
}

const SIGNATURE_INVALID = 'LINK_SIGNATURE_INVALID: the signature does not match the link';

const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/**
 * The links in messages, reached by recipients without a token: each is
 * signed (HMAC over kind, message and destination), so a tampered one is
 * refused and a click link cannot redirect anywhere else.
 */
@ApiTags('tracking')
@Public()
@Controller('t')
export class TrackingController {
  constructor(
    private readonly tracking: TrackingService,
    private readonly sender: CampaignSender,
  ) {}

  @Get('o/:messageId')
  @ApiOperation({
    summary: 'Open pixel (no login): records the first open of a signed link; always answers the image',
  })
  @ApiOkResponse({
    description: 'A 1x1 transparent GIF (42 bytes), signed or not: mail clients show no errors',
    content: { 'image/gif': { schema: { type: 'string', format: 'binary', maxLength: 42 } } },
  })
  async open(@Param() { messageId }: MessageParams, @Query() q: SignedQuery, @Res() reply: FastifyReply) {
    if (this.sender.linkSigner.verify('open', messageId, q.s))
      await this.tracking.record(messageId, 'opened', null, true);
    // A pixel always answers an image, signed or not: mail clients show no errors.
    void reply.header('content-type', 'image/gif').header('cache-control', 'no-store').send(PIXEL);
  }

  @Get('c/:messageId')
  @ApiOperation({
    summary: 'Click link (no login): records the click and redirects to the signed destination, nowhere else',
  })
  @ApiResponse({
    status: 302,
    description: 'Redirect to the destination (u); no body',
    headers: { Location: { description: 'The signed destination', schema: { type: 'string', format: 'uri' } } },
  })
  @ApiProblem(403, SIGNATURE_INVALID)
  async click(@Param() { messageId }: MessageParams, @Query() q: SignedQuery, @Res() reply: FastifyReply) {
    const url = q.u ?? '';
    if (!/^https?:\/\//i.test(url) || !this.sender.linkSigner.verify('click', messageId, q.s, url))
      throw marketingError('LINK_SIGNATURE_INVALID', 'This link is not valid (its signature does not match)');
    await this.tracking.record(messageId, 'clicked', url);
    void reply.redirect(url, 302);
  }

  @Get('u/:messageId')
  @ApiOperation({ summary: 'Unsubscribe page (no login): a form that posts the one-click unsubscribe' })
  @ApiOkResponse({
    description: 'An HTML page with one button',
    content: { 'text/html': { schema: { type: 'string', maxLength: 1000 } } },
  })
  @ApiProblem(403, SIGNATURE_INVALID)
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
  @ApiOperation({
    summary:
      'One-click unsubscribe (RFC 8058, no login): withdraws marketing consent for the channel; emits crm.marketing.consent.withdrawn',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({
    required: false,
    description: 'What a mail client posts; the signed link alone decides',
    schema: {
      type: 'object',
      properties: { 'List-Unsubscribe': { type: 'string', enum: ['One-Click'], maxLength: 9 } },
    },
  })
  @ApiOkResponse({ type: UnsubscribedDto, description: 'Unsubscribed (again is fine)' })
  @ApiProblem(403, SIGNATURE_INVALID)
  async unsubscribe(@Param() { messageId }: MessageParams, @Query() q: SignedQuery) {
    if (!this.sender.linkSigner.verify('unsubscribe', messageId, q.s))
      throw marketingError('LINK_SIGNATURE_INVALID', 'This link is not valid (its signature does not match)');
    await this.tracking.unsubscribe(messageId);
    return { unsubscribed: true };
  }
}
