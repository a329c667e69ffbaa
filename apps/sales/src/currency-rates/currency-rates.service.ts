import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { validationFailed } from '@crm/platform';
import { salesError } from '../shared/sales-errors';
import { SALES_SETTINGS, type SalesSettings } from '../shared/sales-settings';

export interface CurrencyRateView {
  currency: string;
  rate: string;
  updatedBy: string | null;
  updatedAt: string;
}

interface Row {
  currency: string;
  rate: string;
  updated_by: string | null;
  updated_at: Date;
}

const view = (r: Row): CurrencyRateView => ({
  currency: r.currency,
  // numeric(24,12) comes back padded: 1.083400000000 reads 1.0834.
  rate: r.rate.includes('.') ? r.rate.replace(/0+$/, '').replace(/\.$/, '') : r.rate,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at.toISOString(),
});

/** The admin's conversion table: one unit of a currency is worth `rate` units of the base currency. */
@Injectable()
export class CurrencyRatesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SALES_SETTINGS) private readonly settings: SalesSettings,
  ) {}

  async list(): Promise<{ base: string; rates: CurrencyRateView[] }> {
    const rows: Row[] = await this.dataSource.query(`SELECT * FROM currency_rates ORDER BY currency`);
    return { base: this.settings.baseCurrency, rates: rows.map(view) };
  }

  async put(currency: string, rate: string, by: string | null): Promise<CurrencyRateView> {
    const code = currency.toUpperCase();
    if (code === this.settings.baseCurrency)
      throw validationFailed([{ field: 'currency', message: `is the base currency; its rate is always 1` }]);
    const rows: Row[] = await this.dataSource.query(
      `INSERT INTO currency_rates (currency, rate, updated_by, updated_at) VALUES ($1, $2, $3, clock_timestamp())
       ON CONFLICT (currency) DO UPDATE SET rate = EXCLUDED.rate, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
       RETURNING *`,
      [code, rate, by],
    );
    return view(rows[0]);
  }

  async remove(currency: string): Promise<void> {
    const [, n] = (await this.dataSource.query(`DELETE FROM currency_rates WHERE currency = $1`, [
      currency.toUpperCase(),
    ])) as [unknown, number];
    if (!n) throw salesError('CURRENCY_RATE_NOT_FOUND', `No rate for ${currency.toUpperCase()}`);
  }
}
