import { Inject, Injectable } from '@nestjs/common';
import {
  CONTACTS_RPC,
  isCustomerMerged,
  type CustomerGetReply,
  type CustomerGetRequest,
  type CustomerMergedReply,
} from '@crm/contracts';
import { RpcError } from '@crm/messaging';
import { grants, type Principal } from '@crm/platform';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../config/gateway-settings';
import { RpcClient } from '../rpc/rpc-client';
import { CUSTOMER_PARTS } from './customer-parts';
import { gatewayError } from '../shared/gateway-errors';

export interface MissingPart {
  part: string;
  reason: 'timeout' | 'unavailable' | 'failed' | 'forbidden';
}

export interface Customer360 {
  /** Contacts' part: the person with account, consent and recent activities. */
  customer: CustomerGetReply;
  parts: Record<string, unknown>;
  missing: MissingPart[];
}

/**
 * The whole customer in one answer: contacts' record of the person is
 * required, every other part is asked in parallel with the same deadline and
 * listed under `missing` when it does not come.
 */
@Injectable()
export class Customer360Service {
  constructor(
    private readonly rpc: RpcClient,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
  ) {}

  async get(contactId: string, caller: Principal): Promise<Customer360> {
    const deadline = this.settings.customer360TimeoutMs;
    const core = this.rpc.ask<CustomerGetReply | CustomerMergedReply | null>(
      CONTACTS_RPC.customerGet,
      { id: contactId } satisfies CustomerGetRequest,
      deadline,
    );
    const parts = CUSTOMER_PARTS.map((p) =>
      grants(caller.permissions, `${p.service}:read`)
        ? this.rpc.ask<unknown>(p.pattern, p.request(contactId), deadline)
        : Promise.reject(new ForbiddenPart()),
    );
    const [customer, ...answers] = await Promise.allSettled([core, ...parts]);

    if (customer.status === 'rejected') {
      const reason = customer.reason instanceof RpcError ? customer.reason.reason : 'failed';
      throw gatewayError(
        'SERVICE_UNAVAILABLE',
        `The contacts service did not answer (${reason}); the customer cannot be shown.`,
        {
          service: 'contacts',
          reason,
        },
      );
    }
    if (customer.value === null || customer.value === undefined) {
      throw gatewayError('CUSTOMER_NOT_FOUND', `There is no customer ${contactId}`);
    }
    // 410 naming the target rather than a redirect: the client learns the id
    // changed and decides whether to follow, as contacts' own REST answers.
    if (isCustomerMerged(customer.value)) {
      const { mergedInto } = customer.value;
      throw gatewayError('CUSTOMER_MERGED', `Customer ${contactId} was merged into ${mergedInto}`, {
        mergedInto,
      });
    }

    const out: Customer360 = { customer: customer.value, parts: {}, missing: [] };
    answers.forEach((answer, i) => {
      const { part } = CUSTOMER_PARTS[i];
      if (answer.status === 'fulfilled') out.parts[part] = answer.value ?? null;
      else out.missing.push({ part, reason: missingReason(answer.reason) });
    });
    return out;
  }
}

class ForbiddenPart extends Error {}

export function missingReason(error: unknown): MissingPart['reason'] {
  if (error instanceof ForbiddenPart) return 'forbidden';
  if (error instanceof RpcError) return error.reason;
  return 'failed';
}
