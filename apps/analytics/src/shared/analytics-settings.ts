import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  Max,
  Min,
  Validate,
  type ValidatorConstraintInterface,
  ValidatorConstraint,
} from 'class-validator';
import { loadConfig } from '@crm/platform';
import { DEFAULT_CALENDAR, parseCalendar, type BusinessCalendar } from '../models/business-time';

export const ANALYTICS_SETTINGS = Symbol('analytics:settings');

@ValidatorConstraint({ name: 'calendar' })
class CalendarText implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && parseCalendar(value) !== null;
  }
  defaultMessage(): string {
    return 'ANALYTICS_BUSINESS_HOURS must be days and hours such as "Mon-Fri 09:00-17:00"';
  }
}

/** analytics' own settings; a bad value stops the service with a message naming the variable. */
export class AnalyticsSettings {
  /** Yearly rate CLV is discounted at (0.1 = 10 %). */
  @Type(() => Number)
  @IsNumber({}, { message: 'ANALYTICS_ANNUAL_DISCOUNT_RATE must be a number from 0 to 1' })
  @Min(0, { message: 'ANALYTICS_ANNUAL_DISCOUNT_RATE must be a number from 0 to 1' })
  @Max(1, { message: 'ANALYTICS_ANNUAL_DISCOUNT_RATE must be a number from 0 to 1' })
  ANALYTICS_ANNUAL_DISCOUNT_RATE = 0.1;

  /** Horizon of the CLV kept in the scores, in weeks. */
  @Type(() => Number)
  @IsInt({ message: 'ANALYTICS_SCORE_HORIZON_WEEKS must be a whole number from 1 to 520' })
  @Min(1, { message: 'ANALYTICS_SCORE_HORIZON_WEEKS must be a whole number from 1 to 520' })
  @Max(520, { message: 'ANALYTICS_SCORE_HORIZON_WEEKS must be a whole number from 1 to 520' })
  ANALYTICS_SCORE_HORIZON_WEEKS = 52;

  /** Churn risk is the chance of no purchase within this many days. */
  @Type(() => Number)
  @IsInt({ message: 'ANALYTICS_CHURN_WINDOW_DAYS must be a whole number from 1 to 730' })
  @Min(1, { message: 'ANALYTICS_CHURN_WINDOW_DAYS must be a whole number from 1 to 730' })
  @Max(730, { message: 'ANALYTICS_CHURN_WINDOW_DAYS must be a whole number from 1 to 730' })
  ANALYTICS_CHURN_WINDOW_DAYS = 90;

  /** Whether order events re-score their customer and publish crm.analytics.customer.scored on a change. */
  @IsIn(['true', 'false'], { message: 'ANALYTICS_RESCORE_ON_ORDER must be true or false' })
  ANALYTICS_RESCORE_ON_ORDER = 'true';

  /** How often the re-scoring queue is drained (customers whose orders changed since), in ms. */
  @Type(() => Number)
  @IsInt({ message: 'ANALYTICS_RESCORE_EVERY_MS must be a whole number from 50 to 600000' })
  @Min(50, { message: 'ANALYTICS_RESCORE_EVERY_MS must be a whole number from 50 to 600000' })
  @Max(600000, { message: 'ANALYTICS_RESCORE_EVERY_MS must be a whole number from 50 to 600000' })
  ANALYTICS_RESCORE_EVERY_MS = 500;

  /** Most events of one stream applied in one transaction (batch mode of every consumed stream). */
  @Type(() => Number)
  @IsInt({ message: 'ANALYTICS_INGEST_BATCH_SIZE must be a whole number from 1 to 10000' })
  @Min(1, { message: 'ANALYTICS_INGEST_BATCH_SIZE must be a whole number from 1 to 10000' })
  @Max(10000, { message: 'ANALYTICS_INGEST_BATCH_SIZE must be a whole number from 1 to 10000' })
  ANALYTICS_INGEST_BATCH_SIZE = 2000;

  /** Batches of one stream applied at once, split by customer (sales) or entity (the others). */
  @Type(() => Number)
  @IsInt({ message: 'ANALYTICS_INGEST_WORKERS must be a whole number from 1 to 16' })
  @Min(1, { message: 'ANALYTICS_INGEST_WORKERS must be a whole number from 1 to 16' })
  @Max(16, { message: 'ANALYTICS_INGEST_WORKERS must be a whole number from 1 to 16' })
  ANALYTICS_INGEST_WORKERS = 2;

  /** Working hours (UTC) support's first response and resolution are measured in, e.g. "Mon-Fri 09:00-17:00". */
  @Validate(CalendarText)
  ANALYTICS_BUSINESS_HOURS = 'Mon-Fri 09:00-17:00';
}

export function loadAnalyticsSettings(env: NodeJS.ProcessEnv = process.env): AnalyticsSettings {
  return loadConfig(AnalyticsSettings, env);
}

export type ModelUnit = 'day' | 'week' | 'month';
export const MODEL_UNITS: readonly ModelUnit[] = ['day', 'week', 'month'];
export const UNIT_DAYS: Record<ModelUnit, number> = { day: 1, week: 7, month: 365.25 / 12 };

/** Today's date in UTC as YYYY-MM-DD. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The calendar business times are reported in. */
export function businessCalendar(settings: AnalyticsSettings): BusinessCalendar {
  return parseCalendar(settings.ANALYTICS_BUSINESS_HOURS) ?? DEFAULT_CALENDAR;
}
