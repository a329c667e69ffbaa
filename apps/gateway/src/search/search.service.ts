import { Inject, Injectable } from '@nestjs/common';
import { grants, type Principal } from '@crm/platform';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../config/gateway-settings';
import { missingReason, type MissingPart } from '../customers/customer-360.service';
import { RpcClient } from '../rpc/rpc-client';
import { SEARCH_SOURCES } from './search-sources';

export interface SearchHit {
  kind: string;
  id: string;
  [field: string]: unknown;
}

export interface SearchAnswer {
  q: string;
  /** Hits grouped by kind (contact, account, deal, ticket, ...), each group in the order its service ranked it. */
  results: Record<string, SearchHit[]>;
  missing: MissingPart[];
}

/** Each service replies `{ hits: [...] }`; anything else counts as no hits. */
function hitsOf(reply: unknown): SearchHit[] {
  const list = (reply as { hits?: unknown } | null | undefined)?.hits;
  if (!Array.isArray(list)) return [];
  return list.filter((h): h is SearchHit => !!h && typeof h === 'object' && typeof (h as SearchHit).kind === 'string');
}

/** One search across the services that answer it, each asked in parallel with the same deadline. */
@Injectable()
export class SearchService {
  constructor(
    private readonly rpc: RpcClient,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
  ) {}

  async search(q: string, limit: number, caller: Principal): Promise<SearchAnswer> {
    const sources = SEARCH_SOURCES.map((s) => ({ ...s, allowed: grants(caller.permissions, `${s.service}:read`) }));
    const answers = await Promise.allSettled(
      sources.map((s) =>
        s.allowed
          ? this.rpc.ask<unknown>(s.pattern, { q, limit }, this.settings.searchTimeoutMs)
          : Promise.resolve(undefined),
      ),
    );
    const out: SearchAnswer = { q, results: {}, missing: [] };
    answers.forEach((answer, i) => {
      const source = sources[i];
      if (!source.allowed) {
        out.missing.push({ part: source.service, reason: 'forbidden' });
      } else if (answer.status === 'rejected') {
        out.missing.push({ part: source.service, reason: missingReason(answer.reason) });
      } else {
        for (const hit of hitsOf(answer.value)) (out.results[hit.kind] ??= []).push(hit);
      }
    });
    return out;
  }
}
