import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { validationFailed } from '@crm/platform';
import { currencyDigits } from '../shared/currency';
import { salesError } from '../shared/sales-errors';
import { SALES_SETTINGS, type SalesSettings } from '../shared/sales-settings';
import type { ForecastQuery } from './dto/forecast.dto';
import { forecastRepository as repo, type Factors, type ForecastFilter, type SumRow } from './forecast.repository';

export interface ForecastFigures {
  openCount: number;
  openAmountMinor: number;
  weightedMinor: number;
  wonCount: number;
  committedMinor: number;
}

export interface ForecastRow extends ForecastFigures {
  period: string;
  ownerId?: string | null;
  pipelineId?: string;
}

export interface Forecast {
  currency: string;
  currencyDigits: number;
  converted: boolean;
  period: 'month' | 'quarter';
  groupBy: 'none' | 'owner' | 'pipeline';
  rows: ForecastRow[];
  totals: ForecastFigures;
  undatedOpenCount: number;
}

/** The most rows one answer carries (periods x owners or pipelines). */
const MAX_ROWS = 5000;

const empty = (): ForecastFigures => ({
  openCount: 0,
  openAmountMinor: 0,
  weightedMinor: 0,
  wonCount: 0,
  committedMinor: 0,
});

/**
 * Weighted pipeline (open deals: amount × stage probability, by expected close)
 * and committed (won deals, by the day they were won), in one currency per
 * answer: the deals in that currency, or every deal converted with the
 * admin's rates when convert=true.
 */
@Injectable()
export class ForecastService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SALES_SETTINGS) private readonly settings: SalesSettings,
  ) {}

  async forecast(q: ForecastQuery): Promise<Forecast> {
    if (q.from && q.to && q.from > q.to) throw validationFailed([{ field: 'to', message: 'must not be before from' }]);
    const currency = q.currency.toUpperCase();
    const converted = q.convert === 'true';
    const f: ForecastFilter = {
      from: q.from ?? null,
      to: q.to ?? null,
      pipelineId: q.pipelineId ?? null,
      ownerId: q.ownerId ?? null,
      quarter: q.period === 'quarter',
      groupBy: q.groupBy ?? 'none',
    };
    const m = this.dataSource.manager;
    const factors: Factors = converted ? await this.factors(m, currency) : [{ currency, factor: '1' }];
    const [open, won, undated] = await Promise.all([
      repo.open(m, f, factors),
      repo.won(m, f, factors),
      repo.undatedOpen(
        m,
        f,
        factors.map((x) => x.currency),
      ),
    ]);
    const rows = new Map<string, ForecastRow>();
    const totals = empty();
    const rowOf = (r: SumRow): ForecastRow => {
      const key = `${r.period}\u0000${r.grp ?? ''}`;
      let row = rows.get(key);
      if (!row) {
        row = { period: r.period as string, ...this.groupField(f.groupBy, r.grp), ...empty() };
        rows.set(key, row);
      }
      return row;
    };
    for (const r of open) {
      const target = r.grand ? totals : rowOf(r);
      target.openCount = r.n;
      target.openAmountMinor = Number(r.amount);
      target.weightedMinor = Number(r.weighted);
    }
    for (const r of won) {
      const target = r.grand ? totals : rowOf(r);
      target.wonCount = r.n;
      target.committedMinor = Number(r.amount);
    }
    if (rows.size > MAX_ROWS)
      throw salesError('FORECAST_TOO_WIDE', `The forecast has ${rows.size} rows; narrow from/to or the grouping`, {
        rows: rows.size,
        errors: [{ field: 'from', message: `gives more than ${MAX_ROWS} rows: narrow the range or the grouping` }],
      });
    const sorted = [...rows.values()].sort(
      (a, b) =>
        a.period.localeCompare(b.period) ||
        String(a.ownerId ?? a.pipelineId ?? '').localeCompare(String(b.ownerId ?? b.pipelineId ?? '')),
    );
    return {
      currency,
      currencyDigits: currencyDigits(currency),
      converted,
      period: q.period ?? 'month',
      groupBy: f.groupBy,
      rows: sorted,
      totals,
      undatedOpenCount: undated,
    };
  }

  private groupField(groupBy: ForecastFilter['groupBy'], grp: string | null): Partial<ForecastRow> {
    if (groupBy === 'owner') return { ownerId: grp };
    if (groupBy === 'pipeline') return { pipelineId: grp ?? undefined };
    return {};
  }

  /**
   * Minor units of each currency to minor units of the target:
   * rate(c) / rate(target) × 10^(digits(target) − digits(c)), the base's rate being 1.
   */
  private async factors(m: EntityManager, target: string): Promise<Factors> {
    const base = this.settings.baseCurrency;
    const rates = new Map((await repo.rates(m)).map((r) => [r.currency, r.rate]));
    rates.set(base, '1');
    const missing = await repo.currenciesWithout(m, [...rates.keys()]);
    if (!rates.has(target)) missing.unshift(target);
    if (missing.length)
      throw salesError('CURRENCY_RATE_MISSING', `No conversion rate for ${missing.join(', ')} (to ${base})`, {
        missing,
        base,
      });
    const currencies = [...rates.keys()];
    const rows: { currency: string; factor: string }[] = await m.query(
      `SELECT c AS currency, (r::numeric / $2::numeric * power(10::numeric, s))::text AS factor
         FROM unnest($1::text[], $3::text[], $4::int[]) AS x(c, r, s)`,
      [
        currencies,
        rates.get(target),
        currencies.map((c) => rates.get(c)),
        currencies.map((c) => currencyDigits(target) - currencyDigits(c)),
      ],
    );
    return rows;
  }
}
