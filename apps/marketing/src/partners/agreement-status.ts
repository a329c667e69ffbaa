import { marketingError } from '../shared/marketing-errors';

export const AGREEMENT_STATUSES = ['draft', 'active', 'suspended', 'terminated'] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];
export type AgreementAction = 'activate' | 'suspend' | 'terminate';

const NEXT: Record<AgreementAction, { from: AgreementStatus[]; to: AgreementStatus }> = {
  activate: { from: ['draft', 'suspended'], to: 'active' },
  suspend: { from: ['active'], to: 'suspended' },
  terminate: { from: ['draft', 'active', 'suspended'], to: 'terminated' },
};

/** The status an action leads to, or AGREEMENT_TRANSITION_INVALID (a terminated agreement stays terminated). */
export function nextAgreementStatus(current: AgreementStatus, action: AgreementAction): AgreementStatus {
  const rule = NEXT[action];
  if (!rule.from.includes(current))
    throw marketingError('AGREEMENT_TRANSITION_INVALID', `An agreement that is ${current} cannot ${action}`, {
      status: current,
      action,
    });
  return rule.to;
}

/** Data moves only under an active agreement inside its validity period. */
export function agreementInForce(
  a: { status: AgreementStatus; valid_from: Date; valid_until: Date },
  now = new Date(),
): boolean {
  return a.status === 'active' && a.valid_from <= now && now < a.valid_until;
}
