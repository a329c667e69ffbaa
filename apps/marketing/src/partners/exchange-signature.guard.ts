import { Inject, Injectable, type CanActivate, type ExecutionContext, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { isUuid } from '@crm/persistence';
import { marketingError } from '../shared/marketing-errors';
import { MARKETING_SETTINGS, type MarketingSettings } from '../shared/marketing-settings';
import { ExchangeProtocols, PROTOCOLS_HEADER } from './exchange-protocol';
import { EXCHANGE_PATH } from './partner-client';
import { AGREEMENT_HEADER, signatureMatches, signingKey, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './partner-crypto';
import { PartnerKeys } from './partner-keys';
import { findAgreementByExchangeId, type AgreementRow } from './partners.repository';

const MAX_EXCHANGE_BYTES = 1024 * 1024;

export type ExchangeRequest = FastifyRequest & { rawBody?: Buffer; agreement?: AgreementRow };

/**
 * Keeps the exact bytes of exchange requests, which the signature covers,
 * before JSON parsing; every exchange answer (refusals too) states the
 * protocol versions this suite speaks.
 */
@Injectable()
export class ExchangeRawBody implements OnModuleInit {
  constructor(
    private readonly host: HttpAdapterHost,
    private readonly protocols: ExchangeProtocols,
  ) {}

  onModuleInit(): void {
    const fastify = this.host.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!fastify) return;
    fastify.addHook('onRequest', async (req, reply) => {
      if (!req.url.startsWith(EXCHANGE_PATH)) return;
      const versions = this.protocols.header();
      if (versions) reply.header(PROTOCOLS_HEADER, versions);
    });
    fastify.addHook('preParsing', async (req: ExchangeRequest, _reply, payload) => {
      if (!req.url.startsWith(EXCHANGE_PATH)) return payload;
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of payload) {
        size += (chunk as Buffer).length;
        if (size > MAX_EXCHANGE_BYTES)
          throw Object.assign(new Error('Request body is too large'), {
            statusCode: 413,
            code: 'FST_ERR_CTP_BODY_TOO_LARGE',
          });
        chunks.push(chunk as Buffer);
      }
      req.rawBody = Buffer.concat(chunks);
      return Readable.from([req.rawBody]);
    });
  }
}

/**
 * A partner suite's request: the agreement it names (by exchange id) must
 * exist here, the timestamp be inside the window and the signature match the
 * exact body under that agreement's signing key. The agreement is handed on.
 */
@Injectable()
export class ExchangeSignatureGuard implements CanActivate {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(MARKETING_SETTINGS) private readonly settings: MarketingSettings,
    private readonly keys: PartnerKeys,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<ExchangeRequest>();
    const fail = (why: string, field: string) =>
      marketingError('PARTNER_SIGNATURE_INVALID', `The partner request is not valid: ${field} ${why}`, {
        errors: [{ field, message: why }],
      });
    const exchangeId = String(req.headers[AGREEMENT_HEADER] ?? '');
    const stamp = String(req.headers[TIMESTAMP_HEADER] ?? '');
    const given = String(req.headers[SIGNATURE_HEADER] ?? '');
    if (!isUuid(exchangeId)) throw fail('must be the exchange id of the agreement', AGREEMENT_HEADER);
    if (!/^\d{1,12}$/.test(stamp)) throw fail('must be the signing time in Unix seconds', TIMESTAMP_HEADER);
    const window = this.settings.PARTNER_SIGNATURE_WINDOW_SECONDS;
    if (Math.abs(Date.now() / 1000 - Number(stamp)) > window)
      throw fail(`is outside the ${window} s window`, TIMESTAMP_HEADER);
    const agreement = await findAgreementByExchangeId(this.dataSource.manager, exchangeId);
    if (!agreement) throw fail('names no agreement of this suite', AGREEMENT_HEADER);
    if (!signatureMatches(signingKey(this.keys.open(agreement)), stamp, req.rawBody ?? Buffer.alloc(0), given))
      throw fail('does not match the body', SIGNATURE_HEADER);
    req.agreement = agreement;
    return true;
  }
}
