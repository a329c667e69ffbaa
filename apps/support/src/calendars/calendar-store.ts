import type { EntityManager } from 'typeorm';
import type { BusinessCalendar, WorkingSpan } from './business-time';

export interface CalendarRow {
  id: string;
  name: string;
  time_zone: string;
  hours: WorkingSpan[];
  holidays: string[];
  holiday_country: string | null;
  holiday_region: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export function toBusinessCalendar(row: CalendarRow): BusinessCalendar {
  return {
    timeZone: row.time_zone,
    hours: row.hours,
    holidays: row.holidays,
    holidayCountry: row.holiday_country,
    holidayRegion: row.holiday_region,
  };
}

/** Calendars read inside a transaction, each once per transaction. */
export class CalendarStore {
  private readonly cache = new Map<string, BusinessCalendar>();

  constructor(private readonly m: EntityManager) {}

  async get(id: string): Promise<BusinessCalendar> {
    let cal = this.cache.get(id);
    if (!cal) {
      const [row]: CalendarRow[] = await this.m.query(`SELECT * FROM calendars WHERE id = $1`, [id]);
      if (!row) throw new Error(`calendar ${id} is gone`);
      cal = toBusinessCalendar(row);
      this.cache.set(id, cal);
    }
    return cal;
  }
}
