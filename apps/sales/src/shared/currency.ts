import { isISO4217CurrencyCode } from 'class-validator';

const digitsCache = new Map<string, number>();

/** Decimals of a currency's minor unit: 2 for EUR, 0 for JPY, 3 for KWD (as ICU knows them). */
export function currencyDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsCache.set(currency, digits);
  }
  return digits;
}

export function isCurrency(code: unknown): code is string {
  return typeof code === 'string' && /^[A-Z]{3}$/.test(code) && isISO4217CurrencyCode(code);
}

/** The largest amount in minor units sales stores: exact as a JSON number. */
export const MAX_AMOUNT_MINOR = Number.MAX_SAFE_INTEGER;
