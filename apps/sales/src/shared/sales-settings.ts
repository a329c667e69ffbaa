import { IsISO4217CurrencyCode } from 'class-validator';
import { loadConfig } from '@crm/platform';

export const SALES_SETTINGS = Symbol('sales:settings');

/** What sales reads besides the platform's settings. Names are the environment variable names. */
export class SalesSettingsInput {
  /** The currency a forecast converts every deal to when asked for a base-currency total (rates: /currency-rates). */
  @IsISO4217CurrencyCode({ message: 'SALES_BASE_CURRENCY must be an ISO 4217 currency code such as EUR' })
  SALES_BASE_CURRENCY = 'EUR';
}

export interface SalesSettings {
  baseCurrency: string;
}

/** Read at start; a bad value stops the service with a message naming the variable. */
export function loadSalesSettings(env: NodeJS.ProcessEnv = process.env): SalesSettings {
  return { baseCurrency: loadConfig(SalesSettingsInput, env).SALES_BASE_CURRENCY.toUpperCase() };
}
