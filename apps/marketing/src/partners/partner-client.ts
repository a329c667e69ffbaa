import { Inject, Injectable } from '@nestjs/common';
import { marketingError } from '../shared/marketing-errors';
import { MARKETING_SETTINGS, type MarketingSettings } from '../shared/marketing-settings';
import { protocolsOf, PROTOCOLS_HEADER } from './exchange-protocol';
import { PartnerKeys } from './partner-keys';
import { AGREEMENT_HEADER, signBody, signingKey, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './partner-crypto';

export const EXCHANGE_PATH = '/partner-exchange/v1/';

export interface PartnerAnswer<T> {
  status: number;
  body: T | undefined;
  /** The protocol versions the partner's answer states; undefined if it states none (the first release). */
  protocols?: number[];
}

/**
 * Requests to a partner suite's exchange routes: JSON, signed with the
 * agreement's signing key over the exact bytes sent, HTTPS unless the
 * settings allow http (local suites). A network failure or timeout is
 * PARTNER_UNREACHABLE; any answer is returned for the caller to judge.
 */
@Injectable()
export class PartnerClient {
  constructor(
    @Inject(MARKETING_SETTINGS) private readonly settings: MarketingSettings,
    private readonly keys: PartnerKeys,
  ) {}

  async post<T>(
    partner: { base_url: string },
    agreement: { id: string; exchange_id: string; shared_key_sealed: string },
    route: 'match' | 'audiences' | 'deletions',
    payload: object,
  ): Promise<PartnerAnswer<T>> {
    if (this.settings.PARTNER_ALLOW_HTTP !== 'true' && !partner.base_url.toLowerCase().startsWith('https://'))
      throw marketingError('PARTNER_UNREACHABLE', 'The partner base URL is not https:// and PARTNER_ALLOW_HTTP is off');
    const body = JSON.stringify(payload);
    const timestamp = String(Math.floor(Date.now() / 1000));
    let res: Response;
    try {
      res = await fetch(`${partner.base_url}${EXCHANGE_PATH}${route}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [AGREEMENT_HEADER]: agreement.exchange_id,
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signBody(signingKey(this.keys.open(agreement)), timestamp, body),
        },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(this.settings.PARTNER_TIMEOUT_MS),
      });
    } catch (error) {
      // Duck-typed: fetch's errors may come from another realm (jest), where instanceof Error fails.
      const e = (error ?? {}) as { name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
      const why =
        typeof e.cause?.code === 'string'
          ? e.cause.code
          : typeof e.cause?.message === 'string'
            ? e.cause.message
            : e.name === 'TimeoutError'
              ? `no answer within ${this.settings.PARTNER_TIMEOUT_MS} ms`
              : typeof e.message === 'string'
                ? e.message
                : 'failed';
      throw marketingError('PARTNER_UNREACHABLE', `The partner suite did not answer: ${why}`);
    }
    const text = await res.text();
    let parsed: T | undefined;
    try {
      parsed = text ? (JSON.parse(text) as T) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, protocols: protocolsOf(res.headers.get(PROTOCOLS_HEADER)) };
  }
}

/** The code and detail of a partner's problem+json answer, for the share log. */
export function partnerProblem(answer: PartnerAnswer<unknown>): string {
  const b = answer.body as { code?: unknown; detail?: unknown } | undefined;
  const code = typeof b?.code === 'string' ? b.code : `HTTP ${answer.status}`;
  const detail = typeof b?.detail === 'string' ? `: ${b.detail.slice(0, 300)}` : '';
  return `${code}${detail}`;
}
