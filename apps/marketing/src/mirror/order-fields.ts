import type { SalesOrderPayload } from '@crm/contracts';

/**
 * The fields of a sales order event marketing reads. `couponCodes` and
 * `utmCampaign` are not in sales' contract yet: read when present (an
 * additive field), otherwise conversions come from the click window alone.
 */
export type OrderFields = Partial<SalesOrderPayload> & {
  couponCodes?: unknown;
  couponCode?: unknown;
  utmCampaign?: unknown;
  utm?: { campaign?: unknown } | null;
};

export function couponCodesOf(d: OrderFields): string[] {
  const raw = [...(Array.isArray(d.couponCodes) ? d.couponCodes : []), d.couponCode];
  return [
    ...new Set(raw.filter((c): c is string => typeof c === 'string' && c.length > 0 && c.length <= 64).map(normalCode)),
  ];
}

export function utmCampaignOf(d: OrderFields): string | null {
  const v = d.utmCampaign ?? d.utm?.campaign;
  return typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : null;
}

export const normalCode = (code: string) => code.trim().toUpperCase();
