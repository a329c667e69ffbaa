import {
  Body,
  CanActivate,
  Controller,
  ExecutionContext,
  HttpCode,
  Inject,
  Injectable,
  Param,
  Post,
  UseGuards,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, Length, MaxLength, ValidateNested } from 'class-validator';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import { ApiProblem, Public } from '@crm/platform';
import { SUPPORT_CONFIG, type SupportConfig } from '../shared/support-config';
import { supportError } from '../shared/support-errors';
import { IsNotBlank } from '../shared/validators';
import { InboundOutcomeDto } from './dto/inbound-outcome.dto';
import { InboundService } from './inbound.service';

export const WEBHOOK_PATH = '/channels/webhook/';
export const SIGNATURE_HEADER = 'x-crm-signature';
export const TIMESTAMP_HEADER = 'x-crm-timestamp';
const MAX_WEBHOOK_BYTES = 256 * 1024;

/** `sha256=<hex>` of HMAC-SHA256(secret, "<timestamp>.<raw body>"), as the platform computes it. */
export function signWebhook(secret: string, timestamp: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}

class SenderDto {
  @ApiProperty({ maxLength: 200 }) @IsString() @Length(1, 200) id!: string;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) name?: string;
  @ApiPropertyOptional({ maxLength: 254 })
  @IsOptional()
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254)
  email?: string;
}

class WebhookMessageDto {
  @ApiProperty({ maxLength: 200, description: "The platform's message id: a replay with it creates nothing" })
  @IsString()
  @Length(1, 200)
  messageId!: string;
  @ApiProperty({ maxLength: 200 }) @IsString() @Length(1, 200) conversationId!: string;
  @ApiProperty({ type: SenderDto }) @ValidateNested() @Type(() => SenderDto) from!: SenderDto;
  @ApiProperty({ maxLength: 20000 }) @IsString() @Length(1, 20000) @IsNotBlank() text!: string;
  @ApiPropertyOptional({ maxLength: 300 }) @IsOptional() @IsString() @MaxLength(300) subject?: string;
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID(undefined, { message: 'must be a UUID' })
  teamId?: string;
}

class PlatformParams {
  @ApiProperty({ enum: ['chat', 'social'] }) @IsIn(['chat', 'social']) channel!: 'chat' | 'social';
}

type RawRequest = FastifyRequest & { rawBody?: Buffer };

/**
 * Checks the platform's signature before anything else reads the body: the
 * HMAC over the exact bytes received, with a timestamp inside the window
 * (so a captured request cannot be replayed later).
 */
@Injectable()
class WebhookSignatureGuard implements CanActivate {
  constructor(@Inject(SUPPORT_CONFIG) private readonly config: SupportConfig) {}

  canActivate(ctx: ExecutionContext): boolean {
    const secret = this.config.WEBHOOK_SECRET;
    if (!secret) throw supportError('WEBHOOK_NOT_CONFIGURED', 'The chat/social webhook has no secret configured');
    const req = ctx.switchToHttp().getRequest<RawRequest>();
    const stamp = String(req.headers[TIMESTAMP_HEADER] ?? '');
    const given = String(req.headers[SIGNATURE_HEADER] ?? '');
    const fail = (why: string, field: string) =>
      supportError('WEBHOOK_SIGNATURE_INVALID', `The webhook signature is not valid: ${why}`, {
        errors: [{ field, message: why }],
      });
    if (!/^\d{1,12}$/.test(stamp)) throw fail('must be the signing time in Unix seconds', TIMESTAMP_HEADER);
    if (Math.abs(Date.now() / 1000 - Number(stamp)) > this.config.WEBHOOK_WINDOW_SECONDS)
      throw fail(`is outside the ${this.config.WEBHOOK_WINDOW_SECONDS} s window`, TIMESTAMP_HEADER);
    const expected = Buffer.from(signWebhook(secret, stamp, req.rawBody ?? Buffer.alloc(0)));
    const actual = Buffer.from(given);
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
      throw fail('does not match the body', SIGNATURE_HEADER);
    return true;
  }
}

@ApiTags('channels')
@Controller('channels/webhook')
export class WebhookController implements OnModuleInit {
  constructor(
    private readonly inbound: InboundService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** Keeps the exact bytes of webhook bodies, which the signature covers, before JSON parsing. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('preParsing', async (req: RawRequest, _reply, payload) => {
      if (!req.url.startsWith(WEBHOOK_PATH)) return payload;
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of payload) {
        size += (chunk as Buffer).length;
        if (size > MAX_WEBHOOK_BYTES) break;
        chunks.push(chunk as Buffer);
      }
      req.rawBody = Buffer.concat(chunks);
      if (size > MAX_WEBHOOK_BYTES) {
        const err = Object.assign(new Error('Request body is too large'), {
          statusCode: 413,
          code: 'FST_ERR_CTP_BODY_TOO_LARGE',
        });
        throw err;
      }
      return Readable.from([req.rawBody]);
    });
  }

  @Post(':channel')
  @HttpCode(200)
  @Public()
  @UseGuards(WebhookSignatureGuard)
  @ApiOperation({
    summary:
      'A chat/social message, signed (x-crm-signature: sha256=HMAC(secret, "<x-crm-timestamp>.<body>")); ' +
      'a replayed message id creates nothing',
  })
  @ApiOkResponse({ type: InboundOutcomeDto })
  @ApiProblem(401, 'WEBHOOK_SIGNATURE_INVALID: no, a wrong or a stale signature')
  @ApiProblem(503, 'WEBHOOK_NOT_CONFIGURED: no webhook secret')
  async receive(@Param() { channel }: PlatformParams, @Body() dto: WebhookMessageDto) {
    const out = await this.inbound.receive({
      channel,
      teamId: dto.teamId ?? null,
      subject: dto.subject ?? dto.text.slice(0, 80),
      body: dto.text,
      fromName: dto.from.name ?? null,
      fromEmail: dto.from.email ?? null,
      platformMessageKey: `${channel}:${dto.messageId}`,
      conversationKey: `${channel}:${dto.conversationId}`,
    });
    return out;
  }
}
