import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@crm/platform';
import { AudienceChunkDto, DeletionNoticeDto, MatchRequestDto } from './dto/exchange.dto';
import { ExchangeSignatureGuard, type ExchangeRequest } from './exchange-signature.guard';
import { PartnerAudiencesService } from './partner-audiences.service';
import type { AgreementRow } from './partners.repository';

/**
 * What a partner suite calls: no user token, but every request signed under
 * an agreement both suites hold (ExchangeSignatureGuard). Reached on the
 * marketing service's own origin (the partner's base URL), not through the gateway.
 */
@ApiExcludeController()
@Public()
@UseGuards(ExchangeSignatureGuard)
@Controller('partner-exchange/v1')
export class ExchangeController {
  constructor(private readonly audiences: PartnerAudiencesService) {}

  @Post('match')
  @HttpCode(200)
  match(@Req() req: ExchangeRequest, @Body() dto: MatchRequestDto) {
    return this.audiences.countMatches(req.agreement as AgreementRow, dto);
  }

  @Post('audiences')
  @HttpCode(200)
  receive(@Req() req: ExchangeRequest, @Body() dto: AudienceChunkDto) {
    return this.audiences.receive(req.agreement as AgreementRow, dto);
  }

  @Post('deletions')
  @HttpCode(200)
  deletion(@Req() req: ExchangeRequest, @Body() dto: DeletionNoticeDto) {
    return this.audiences.applyDeletion(req.agreement as AgreementRow, dto);
  }
}
