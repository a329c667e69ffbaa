import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { conditionalExpectedPurchases, pAlive } from '../models/bg-nbd';
import { churnRisk, customerLifetimeValue } from '../models/clv';
import { analyticsError } from '../shared/analytics-errors';
import { ANALYTICS_SETTINGS, UNIT_DAYS, type AnalyticsSettings, type ModelUnit } from '../shared/analytics-settings';
import { ClvModelService } from './clv-model.service';
import { spendPerTransaction } from './score-values';

export interface CustomerClvView {
  customerId: string;
  calibrationEnd: string;
  unit: ModelUnit;
  horizon: number;
  frequency: number;
  recency: number;
  T: number;
  pAlive: number;
  expectedPurchases: number;
  expectedSpendPerTransaction: number | null;
  clv: number | null;
  churnRisk: number;
}

/** One customer's figures under the model fitted at the calibration end. */
@Injectable()
export class CustomerClvService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly models: ClvModelService,
    @Inject(ANALYTICS_SETTINGS) private readonly settings: AnalyticsSettings,
  ) {}

  async clv(customerId: string, calibrationEnd: string, unit: ModelUnit, horizon: number): Promise<CustomerClvView> {
    const rows: { x: number; tx: number; t: number; repeat_minor: string }[] = await this.dataSource.query(
      `SELECT count(*)::int - 1 AS x, max(day) - min(day) AS tx, $2::date - min(day) AS t,
              COALESCE(sum(amount) FILTER (WHERE day > first_day), 0)::bigint AS repeat_minor
         FROM (SELECT placed_day AS day, sum(total_minor - refunded_minor) AS amount,
                      min(placed_day) OVER () AS first_day
                 FROM orders WHERE customer_id = $1 AND status <> 'cancelled' AND placed_day <= $2::date
                GROUP BY placed_day) d
       HAVING count(*) > 0`,
      [customerId, calibrationEnd],
    );
    const h = rows[0];
    if (!h)
      throw analyticsError(
        'CUSTOMER_HAS_NO_ORDERS',
        `Customer ${customerId} has no order on or before ${calibrationEnd}`,
      );
    const model = await this.models.model(calibrationEnd, unit);
    const days = UNIT_DAYS[unit];
    const history = { x: h.x, tx: h.tx / days, T: h.t / days };
    const spend = spendPerTransaction(model, h.x, Number(h.repeat_minor));
    const clv =
      spend === null
        ? null
        : customerLifetimeValue(model.params, history, spend, {
            horizon,
            unitDays: days,
            annualDiscountRate: this.settings.ANALYTICS_ANNUAL_DISCOUNT_RATE,
          });
    return {
      customerId,
      calibrationEnd,
      unit,
      horizon,
      frequency: history.x,
      recency: history.tx,
      T: history.T,
      pAlive: pAlive(model.params, history.x, history.tx, history.T),
      expectedPurchases: conditionalExpectedPurchases(model.params, history.x, history.tx, history.T, horizon),
      expectedSpendPerTransaction: spend === null ? null : Math.round(spend),
      clv: clv === null ? null : Math.round(clv),
      churnRisk: churnRisk(model.params, history, this.settings.ANALYTICS_CHURN_WINDOW_DAYS / days),
    };
  }
}
