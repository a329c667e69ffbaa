import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * ISO 4217 currencies sales takes money in, with the decimals of each one's
 * minor unit. Maintained by hand from the ISO 4217 list one (the
 * maintenance agency's current codes, checked 2026): the JavaScript runtime's
 * `Intl.supportedValuesOf('currency')` also lists withdrawn codes (DEM, FRF,
 * HRK, ...) and lags new ones, and ICU's digits differ from ISO's for some
 * (ICU gives IDR, TWD and HUF 0 digits for cash, ISO 2). The spec compares
 * this table with Intl so a drift is seen.
 *
 * Left out on purpose: precious metals, SDR and bond units (XAU, XAG, XPD,
 * XPT, XDR, XBA-XBD, XSU, XUA), the fund codes (BOV, CHE, CHW, CLF, COU,
 * MXV, USN, UYI, UYW: units of account, not what a till or a shop charges in),
 * the test and "no currency" codes (XTS, XXX).
 */
const ZERO = 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF';
const THREE = 'BHD IQD JOD KWD LYD OMR TND';
const TWO =
  'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF ' +
  'CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF ' +
  'IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN ' +
  'MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS ' +
  'SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG';

const DIGITS: ReadonlyMap<string, number> = new Map([
  ...ZERO.split(' ').map((c) => [c, 0] as const),
  ...TWO.split(' ').map((c) => [c, 2] as const),
  ...THREE.split(' ').map((c) => [c, 3] as const),
]);

/** Every code sales accepts, sorted. */
export const ISO_4217_CURRENCIES: readonly string[] = [...DIGITS.keys()].sort();

/** Whether `code` is a current ISO 4217 code (upper case, as sent: "eur" is not one). */
export function isIsoCurrency(code: unknown): code is string {
  return typeof code === 'string' && DIGITS.has(code);
}

/** Decimals of the currency's minor unit: 2 for EUR (cents), 0 for JPY, 3 for KWD. Throws for an unknown code. */
export function currencyDigits(code: string): number {
  const digits = DIGITS.get(code);
  if (digits === undefined) throw new RangeError(`${code} is not an ISO 4217 currency`);
  return digits;
}

/** class-validator: a current ISO 4217 code in upper case, e.g. EUR (see {@link isIsoCurrency}). */
export function IsCurrency(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCurrency',
      validator: {
        validate: (value: unknown) => isIsoCurrency(value),
        defaultMessage: () => 'must be an ISO 4217 currency code in upper case, such as EUR',
      },
    },
    options,
  );
}
