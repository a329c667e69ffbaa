import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, isUuid, uuidv7 } from '@crm/persistence';
import { ApiPage, PageQueryDto, RequirePermission, validationFailed } from '@crm/platform';
import { badCursor, notFound, supportError } from '../shared/support-errors';
import { checkWorkingHours, isTimeZone, knowsHolidayRegion } from './business-time';
import type { CalendarRow } from './calendar-store';
import { CalendarDto, SlaPolicyDto } from './dto/calendar-view.dto';
import { CreateCalendarDto, CreateSlaPolicyDto, IdParams } from './dto/calendar.dto';

const calendarView = (r: CalendarRow) => ({
  id: r.id,
  name: r.name,
  timeZone: r.time_zone,
  hours: r.hours,
  holidays: r.holidays,
  holidayCountry: r.holiday_country,
  holidayRegion: r.holiday_region,
  version: r.version,
  createdAt: r.created_at,
});

interface PolicyDbRow {
  id: string;
  name: string;
  calendar_id: string;
  priority: string;
  channel: string | null;
  account_tier: string | null;
  first_response_minutes: number | null;
  next_response_minutes: number | null;
  resolution_minutes: number | null;
  warn_at_percent: number;
  pause_on_pending: boolean;
  pause_on_hold: boolean;
  version: number;
}

const policyView = (r: PolicyDbRow) => ({
  id: r.id,
  name: r.name,
  calendarId: r.calendar_id,
  priority: r.priority,
  channel: r.channel,
  accountTier: r.account_tier,
  firstResponseMinutes: r.first_response_minutes,
  nextResponseMinutes: r.next_response_minutes,
  resolutionMinutes: r.resolution_minutes,
  warnAtPercent: r.warn_at_percent,
  pauseOnPending: r.pause_on_pending,
  pauseOnHold: r.pause_on_hold,
  version: r.version,
});

async function page<T extends { id: string }>(
  ds: DataSource,
  table: string,
  q: PageQueryDto,
  map: (r: never) => T,
): Promise<{ items: T[]; nextCursor: string | null }> {
  const limit = q.limit ?? 50;
  let after: string | null = null;
  if (q.cursor) {
    const [v] = decodeCursor(q.cursor, 1);
    if (!isUuid(v)) throw badCursor();
    after = v;
  }
  const rows: never[] = await ds.query(
    `SELECT * FROM ${table} WHERE ($1::uuid IS NULL OR id > $1) ORDER BY id LIMIT $2`,
    [after, limit + 1],
  );
  const items = rows.slice(0, limit).map(map);
  return { items, nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null };
}

/** Business calendars and SLA policies: plain records, checked on the way in. */
@ApiTags('calendars')
@Controller()
export class CalendarsController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Post('calendars')
  @RequirePermission('support:admin')
  @ApiOperation({ summary: 'A business calendar: time zone, working hours per weekday (no overlaps), holidays' })
  @ApiCreatedResponse({ type: CalendarDto })
  async createCalendar(@Body() dto: CreateCalendarDto) {
    if (!isTimeZone(dto.timeZone)) throw validationFailed([{ field: 'timeZone', message: 'is not an IANA time zone' }]);
    const problems = checkWorkingHours(dto.hours);
    if (problems.length)
      throw supportError(
        'CALENDAR_HOURS_INVALID',
        `Invalid working hours: ${problems.map((p) => p.field).join(', ')}`,
        {
          errors: problems,
        },
      );
    if (dto.holidayCountry && !knowsHolidayRegion(dto.holidayCountry, dto.holidayRegion))
      throw validationFailed([
        { field: dto.holidayRegion ? 'holidayRegion' : 'holidayCountry', message: 'has no holiday data' },
      ]);
    if (dto.holidayRegion && !dto.holidayCountry)
      throw validationFailed([{ field: 'holidayCountry', message: 'is needed with holidayRegion' }]);
    const [row]: CalendarRow[] = await this.dataSource.query(
      `INSERT INTO calendars (id, name, time_zone, hours, holidays, holiday_country, holiday_region)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [
        uuidv7(),
        dto.name.trim(),
        dto.timeZone,
        JSON.stringify(dto.hours.map((h) => ({ day: h.day, start: h.start, end: h.end }))),
        [...new Set(dto.holidays ?? [])].sort(),
        dto.holidayCountry?.toUpperCase() ?? null,
        dto.holidayRegion ?? null,
      ],
    );
    return calendarView(row);
  }

  @Get('calendars')
  @RequirePermission('support:read')
  @ApiOperation({ summary: 'Business calendars' })
  @ApiPage(CalendarDto)
  listCalendars(@Query() q: PageQueryDto) {
    return page(this.dataSource, 'calendars', q, calendarView as (r: never) => ReturnType<typeof calendarView>);
  }

  @Get('calendars/:id')
  @RequirePermission('support:read')
  @ApiOperation({ summary: 'One business calendar' })
  @ApiOkResponse({ type: CalendarDto })
  async getCalendar(@Param() { id }: IdParams) {
    const [row]: CalendarRow[] = await this.dataSource.query(`SELECT * FROM calendars WHERE id = $1`, [id]);
    if (!row) throw notFound('CALENDAR', id);
    return calendarView(row);
  }

  @Post('sla-policies')
  @RequirePermission('support:admin')
  @ApiOperation({ summary: 'Targets (business minutes) per priority, optionally per channel or account tier' })
  @ApiCreatedResponse({ type: SlaPolicyDto })
  async createPolicy(@Body() dto: CreateSlaPolicyDto) {
    if (!dto.firstResponseMinutes && !dto.nextResponseMinutes && !dto.resolutionMinutes)
      throw validationFailed([{ field: 'firstResponseMinutes', message: 'at least one target is needed' }]);
    const [cal]: unknown[] = await this.dataSource.query(`SELECT 1 FROM calendars WHERE id = $1`, [dto.calendarId]);
    if (!cal)
      throw supportError('CALENDAR_NOT_FOUND', `No calendar ${dto.calendarId}`, {
        errors: [{ field: 'calendarId', message: 'no such calendar' }],
      });
    const [row]: PolicyDbRow[] = await this.dataSource.query(
      `INSERT INTO sla_policies (id, name, calendar_id, priority, channel, account_tier, first_response_minutes,
                                 next_response_minutes, resolution_minutes, warn_at_percent, pause_on_pending, pause_on_hold)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING *`,
      [
        uuidv7(),
        dto.name.trim(),
        dto.calendarId,
        dto.priority,
        dto.channel ?? null,
        dto.accountTier ?? null,
        dto.firstResponseMinutes ?? null,
        dto.nextResponseMinutes ?? null,
        dto.resolutionMinutes ?? null,
        dto.warnAtPercent ?? 80,
        dto.pauseOnPending ?? true,
        dto.pauseOnHold ?? false,
      ],
    );
    return policyView(row);
  }

  @Get('sla-policies')
  @RequirePermission('support:read')
  @ApiOperation({ summary: 'SLA policies' })
  @ApiPage(SlaPolicyDto)
  listPolicies(@Query() q: PageQueryDto) {
    return page(this.dataSource, 'sla_policies', q, policyView as (r: never) => ReturnType<typeof policyView>);
  }

  @Get('sla-policies/:id')
  @RequirePermission('support:read')
  @ApiOperation({ summary: 'One SLA policy' })
  @ApiOkResponse({ type: SlaPolicyDto })
  async getPolicy(@Param() { id }: IdParams) {
    const [row]: PolicyDbRow[] = await this.dataSource.query(`SELECT * FROM sla_policies WHERE id = $1`, [id]);
    if (!row) throw notFound('SLA_POLICY', id);
    return policyView(row);
  }
}
