import { Injectable } from '@nestjs/common';
import { PlatformValidationPipe, validationFailed } from '@crm/platform';
import { LegacyMatchRequestDto, type MatchRequestDto } from './dto/exchange.dto';

/**
 * Exchange protocol versions. 1: the first release's match, one request per
 * list part of at most 2,000 records, each counted (and held to k) on its
 * own, body `{ records }` only. 2: the chunked match, one list in
 * `matchId`/`chunk`/`chunks` parts counted as one (k on the whole list); the
 * caller states `protocol: 2` in the signed body. The other routes
 * (audiences, deletions) are the same in both.
 */
export const PROTOCOL_FIRST = 1;
export const PROTOCOL_CHUNKED_MATCH = 2;

/** Answer header of every exchange answer: the protocol versions this suite speaks ("1, 2"). */
export const PROTOCOLS_HEADER = 'x-partner-exchange-protocols';

/** The fields a protocol 1 suite does not know: it refuses a request naming any of them. */
const NOT_IN_FIRST = ['protocol', 'matchId', 'chunk', 'chunks'];

/**
 * Which protocol versions this suite speaks, as a receiver and as a caller.
 * Both by default; `[1]` pins it to the first release's exchange (it then
 * refuses a chunked match exactly as that release did, states no versions,
 * and calls partners the old way): how the specs stand in for a partner on
 * the old release.
 */
@Injectable()
export class ExchangeProtocols {
  speaks: readonly number[] = [PROTOCOL_FIRST, PROTOCOL_CHUNKED_MATCH];

  get chunkedMatch(): boolean {
    return this.speaks.includes(PROTOCOL_CHUNKED_MATCH);
  }

  /** The header value this suite answers with, or none when pinned to protocol 1 (which stated none). */
  header(): string | undefined {
    return this.chunkedMatch ? this.speaks.join(', ') : undefined;
  }

  /**
   * A match request is in a protocol this suite speaks and has that
   * protocol's shape. Pinned to protocol 1, the raw body goes through the
   * first release's own DTO, so the refusal is that release's (400
   * VALIDATION_FAILED, each new field "is not a known field").
   */
  async checkMatch(rawBody: unknown, dto: MatchRequestDto): Promise<void> {
    if (!this.chunkedMatch) {
      await new PlatformValidationPipe().transform(rawBody, { type: 'body', metatype: LegacyMatchRequestDto });
      return;
    }
    const chunked = dto.matchId !== undefined || dto.chunk !== undefined || dto.chunks !== undefined;
    if (dto.protocol === undefined) return; // a caller from before the protocol field: its shape says which
    if (!this.speaks.includes(dto.protocol))
      throw validationFailed([
        { field: 'protocol', message: `is not spoken here: this suite speaks exchange protocols ${this.header()}` },
      ]);
    if (dto.protocol === PROTOCOL_FIRST && chunked)
      throw validationFailed([{ field: 'protocol', message: 'protocol 1 has no matchId, chunk or chunks' }]);
    if (dto.protocol >= PROTOCOL_CHUNKED_MATCH && dto.matchId === undefined)
      throw validationFailed([{ field: 'matchId', message: `a protocol ${dto.protocol} match names its matchId` }]);
  }
}

/** The versions a partner's answer states in its header; undefined when it states none (the first release). */
export function protocolsOf(header: string | null | undefined): number[] | undefined {
  if (!header) return undefined;
  const versions = header
    .split(',')
    .map((v) => Number(v.trim()))
    .filter((v) => Number.isInteger(v) && v > 0);
  return versions.length ? versions : undefined;
}

export interface ProtocolAnswer {
  status: number;
  body: unknown;
  protocols?: number[];
}

/**
 * The partner does not speak the chunked match: either it says so (its
 * header lists versions without 2), or it is the first release, which states
 * no versions and refuses the chunked request with 400 VALIDATION_FAILED
 * whose every error is one of the chunked request's own fields being "not a
 * known field". Any other refusal (a bad hash, k, an agreement not in force)
 * is not a reason to fall back.
 */
export function speaksOnlyFirstProtocol(answer: ProtocolAnswer): boolean {
  if (answer.protocols) return !answer.protocols.includes(PROTOCOL_CHUNKED_MATCH);
  if (answer.status !== 400) return false;
  const b = answer.body as { code?: unknown; errors?: unknown } | undefined;
  if (b?.code !== 'VALIDATION_FAILED' || !Array.isArray(b.errors) || b.errors.length === 0) return false;
  return b.errors.every((e: { field?: unknown; message?: unknown }) => {
    return typeof e?.field === 'string' && NOT_IN_FIRST.includes(e.field) && e.message === 'is not a known field';
  });
}
