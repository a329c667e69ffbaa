import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblem, Public } from '@crm/platform';
import { ExchangeAudienceAnswerDto, ExchangeDeletionAnswerDto, ExchangeMatchAnswerDto } from './dto/audience-views.dto';
import { AudienceChunkDto, DeletionNoticeDto, MatchRequestDto } from './dto/exchange.dto';
import { ExchangeProtocols, PROTOCOLS_HEADER } from './exchange-protocol';
import { ExchangeSignatureGuard, type ExchangeRequest } from './exchange-signature.guard';
import { AGREEMENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './partner-crypto';
import { PartnerAudiencesService } from './partner-audiences.service';
import type { AgreementRow } from './partners.repository';

/**
 * What a partner suite calls: no user token, but every request signed under
 * an agreement both suites hold (ExchangeSignatureGuard). Reached on the
 * marketing service's own origin (the partner's base URL), not through the
 * gateway. The document says so: no bearer security and no permission, the
 * three signature headers, and 401 PARTNER_SIGNATURE_INVALID.
 */
@ApiTags('partner-exchange')
@ApiHeader({
  name: AGREEMENT_HEADER,
  required: true,
  schema: { type: 'string', format: 'uuid', maxLength: 36 },
  description: "The agreement's exchange id",
})
@ApiHeader({
  name: TIMESTAMP_HEADER,
  required: true,
  schema: { type: 'string', pattern: '^\\d{1,12}$', maxLength: 12 },
  description: 'Signing time, Unix seconds (inside the replay window)',
})
@ApiHeader({
  name: SIGNATURE_HEADER,
  required: true,
  schema: { type: 'string', pattern: '^sha256=[0-9a-f]{64}$', maxLength: 71 },
  description: 'sha256=HMAC(signing key, "<timestamp>.<body>")',
})
@ApiProblem(
  401,
  'PARTNER_SIGNATURE_INVALID: a header is missing, outside the window, names no agreement, or the signature does not match the body',
)
@Public()
@UseGuards(ExchangeSignatureGuard)
@Controller('partner-exchange/v1')
export class ExchangeController {
  constructor(
    private readonly audiences: PartnerAudiencesService,
    private readonly protocols: ExchangeProtocols,
  ) {}

  @Post('match')
  @HttpCode(200)
  @ApiProblem(409, 'AGREEMENT_NOT_IN_FORCE: the agreement is not active or outside its validity on this side')
  @ApiProblem(422, "AUDIENCE_BELOW_THRESHOLD: the whole list is smaller than the agreement's k")
  @ApiProblem(
    400,
    'VALIDATION_FAILED, among others on `protocol`: a protocol version this suite does not speak (its x-partner-exchange-protocols header lists those it does)',
  )
  @ApiOperation({
    summary:
      'Count how many of the keyed hashes are contacts here (protocol 2: in chunks, counted at the last; protocol 1: a whole list)',
  })
  @ApiOkResponse({
    type: ExchangeMatchAnswerDto,
    description: '`{ matched }` for a whole list or its last chunk, else `{ received }`',
    headers: {
      [PROTOCOLS_HEADER]: {
        description: 'The exchange protocol versions this suite speaks (on every exchange answer)',
        schema: { type: 'string', example: '1, 2' },
      },
    },
  })
  async match(@Req() req: ExchangeRequest, @Body() dto: MatchRequestDto) {
    await this.protocols.checkMatch(req.body, dto);
    return this.audiences.countMatches(req.agreement as AgreementRow, dto);
  }

  @Post('audiences')
  @HttpCode(200)
  @ApiProblem(
    422,
    'AUDIENCE_BELOW_THRESHOLD: fewer than k of the whole share are contacts here; all of it was discarded',
  )
  @ApiProblem(
    409,
    'AGREEMENT_NOT_IN_FORCE (the agreement is not active here), or PARTNER_SHARE_DISCARDED: its chunks stopped coming and it was discarded',
  )
  @ApiOperation({
    summary: "One chunk of a partner's share; the last one makes the partner audience (k on the whole share)",
  })
  @ApiOkResponse({ type: ExchangeAudienceAnswerDto })
  receive(@Req() req: ExchangeRequest, @Body() dto: AudienceChunkDto) {
    return this.audiences.receive(req.agreement as AgreementRow, dto);
  }

  @Post('deletions')
  @HttpCode(200)
  @ApiOperation({ summary: "A partner's deletion notice: the contacts behind these hashes leave its audiences (once)" })
  @ApiOkResponse({ type: ExchangeDeletionAnswerDto })
  deletion(@Req() req: ExchangeRequest, @Body() dto: DeletionNoticeDto) {
    return this.audiences.applyDeletion(req.agreement as AgreementRow, dto);
  }
}
