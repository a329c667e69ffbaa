import { plainToInstance } from 'class-transformer';
import { isISO8601, isUUID, validateSync } from 'class-validator';
import { copyText, type ImportMapping, type ImportProblem, type ImportRowPreparer } from '@crm/bulk';
import { SALES_CHANNELS } from '@crm/contracts';
import { flattenValidationErrors, unstorableText, type FieldProblem } from '@crm/platform';
import { currencyDigits, isIsoCurrency } from '../price-books/currency';
import { AmountTooLargeError, lineAmounts, percentToThousandths, type Amounts } from '../price-books/line-totals';
import { SKU_PATTERN } from '../products/dto/product.dto';
import { CreateOrderDto } from '../orders/dto/order.dto';
import { INITIAL_ORDER_STATUSES } from '../orders/order-status';

/**
 * Fields a CSV column can be mapped to. One CSV row is one order line; the
 * rows sharing a channel and an external order id are one order (the order's
 * own fields repeated on each of its lines, or left empty after the first).
 */
export const ORDER_IMPORT_FIELDS = [
  'externalOrderId',
  'channel',
  'location',
  'placedAt',
  'status',
  'contactId',
  'contactExternalId',
  'currency',
  'sku',
  'productName',
  'model',
  'quantity',
  'unitPrice',
  'unitPriceMinor',
  'discountPercent',
  'taxRatePercent',
] as const;
export type OrderImportField = (typeof ORDER_IMPORT_FIELDS)[number];

export interface OrdersMapping extends ImportMapping {
  /** The channel of every order when no column gives one. */
  channel?: string;
  /** The currency of every order when no column gives one. */
  currency?: string;
}

/** Clocks of tills and shops drift: a placedAt this far ahead of ours is still taken as now-ish (as the API). */
const CLOCK_SKEW_MS = 5 * 60_000;
const DECIMAL = /^-?\d+(\.\d+)?$/;

/** The staging table's columns after import_id and row_no, in the order a staged line has them. */
export const ORDER_STAGED_COLUMNS =
  'ok, channel, external_order_id, location, placed_at, status, contact_id, contact_external_id, currency, ' +
  'currency_digits, sku, name, model, quantity, unit_price_minor, discount_thousandths, tax_thousandths, ' +
  'gross_minor, discount_minor, net_minor, tax_minor, total_minor';

/** A row nothing can be read of (not even its order). */
export const ORDER_REFUSED_ROW = `f${'\t\\N'.repeat(21)}`;

export function checkOrdersMapping(mapping: OrdersMapping): FieldProblem[] {
  const columns = Object.entries(mapping.columns ?? {});
  const problems: FieldProblem[] = columns
    .filter(([, f]) => !(ORDER_IMPORT_FIELDS as readonly string[]).includes(f))
    .map(([col, f]) => ({ field: `columns.${col}`, message: `"${f}" is not a field an orders import can fill` }));
  const fields = new Set(columns.map(([, f]) => f));
  if (columns.length > 100) problems.push({ field: 'columns', message: 'maps at most 100 columns' });
  for (const required of ['externalOrderId', 'placedAt', 'quantity'])
    if (!fields.has(required)) problems.push({ field: 'columns', message: `no column is mapped to ${required}` });
  if (!fields.has('channel') && !mapping.channel)
    problems.push({ field: 'channel', message: 'is needed when no column is mapped to channel' });
  if (!fields.has('currency') && !mapping.currency)
    problems.push({ field: 'currency', message: 'is needed when no column is mapped to currency' });
  if (!fields.has('unitPrice') && !fields.has('unitPriceMinor'))
    problems.push({ field: 'columns', message: 'no column is mapped to unitPrice or unitPriceMinor' });
  if (!fields.has('sku') && !fields.has('productName'))
    problems.push({ field: 'columns', message: 'no column is mapped to sku or productName' });
  return problems;
}

/**
 * Checks and prices each CSV row as POST /orders would its line: the common
 * case with the same class-validator functions and bounds the DTO uses, and
 * any row these doubt through CreateOrderDto's own validation, so what is
 * refused and the message given are the API's, each on its CSV column.
 * Amounts are computed here (lineAmounts, the API's rounding), in integers.
 */
export class OrderRowPreparer implements ImportRowPreparer {
  private readonly column = new Map<string, string>();
  private readonly now = Date.now();

  constructor(private readonly mapping: OrdersMapping) {
    for (const [col, field] of Object.entries(mapping.columns))
      if (!this.column.has(field)) this.column.set(field, col);
  }

  prepare(data: Record<string, string>): { staged: string | null; problems: ImportProblem[] } {
    const v: Partial<Record<OrderImportField, string>> = {};
    const problems: ImportProblem[] = [];
    for (const [col, field] of Object.entries(this.mapping.columns)) {
      const value = data[col]?.trim();
      if (value === undefined || value === '') continue;
      const bad = unstorableText(value);
      if (bad) problems.push({ column: col, value: null, message: bad });
      else v[field as OrderImportField] = value;
    }
    const channel = v.channel ?? this.mapping.channel;
    const currency = v.currency ?? this.mapping.currency;
    const key = { channel, externalOrderId: v.externalOrderId };
    if (problems.length) return this.refused(key, problems);
    const required = (field: OrderImportField, message = 'is needed') =>
      problems.push({ column: this.col(field), value: null, message });
    if (!v.externalOrderId) required('externalOrderId');
    if (!v.placedAt) required('placedAt');
    if (!v.quantity) required('quantity');
    if (!v.sku && !v.productName) required(this.column.has('sku') ? 'sku' : 'productName', 'or productName is needed');
    if (v.unitPrice === undefined && v.unitPriceMinor === undefined)
      required(this.column.has('unitPriceMinor') ? 'unitPriceMinor' : 'unitPrice');
    if (problems.length) return this.refused(key, problems);

    let unitPriceMinor: number | string | undefined = v.unitPriceMinor;
    if (v.unitPriceMinor === undefined && v.unitPrice !== undefined && currency && isIsoCurrency(currency)) {
      const minor = toMinor(v.unitPrice, currencyDigits(currency));
      if (typeof minor === 'string')
        return this.refused(key, [{ column: this.col('unitPrice'), value: v.unitPrice, message: minor }]);
      unitPriceMinor = minor;
    }
    const num = (s: string | number | undefined) => (typeof s === 'string' && DECIMAL.test(s) ? Number(s) : s);
    const line = {
      quantity: num(v.quantity),
      unitPriceMinor: num(unitPriceMinor),
      discountPercent: num(v.discountPercent),
      taxRatePercent: num(v.taxRatePercent),
    };
    if (!this.quickCheck(v, channel, currency, line)) {
      const found = this.fullCheck(v, channel, currency, line);
      if (found.length) return this.refused(key, found);
    }
    const placedAt = v.placedAt ?? '';
    const quantity = v.quantity ?? '';
    if (typeof line.quantity !== 'number' || typeof line.unitPriceMinor !== 'number' || !isIsoCurrency(currency))
      // The DTO found nothing wrong where the quick check did: keep to what the quick check knows to store.
      return this.refused(key, [{ column: this.col('quantity'), value: quantity, message: 'is not readable' }]);
    if (Date.parse(placedAt) > this.now + CLOCK_SKEW_MS)
      return this.refused(key, [{ column: this.col('placedAt'), value: placedAt, message: 'cannot be in the future' }]);
    if (v.contactExternalId !== undefined && v.contactExternalId.length > 200)
      return this.refused(key, [
        {
          column: this.col('contactExternalId'),
          value: v.contactExternalId,
          message: 'must be at most 200 characters',
        },
      ]);
    const terms = {
      quantity: line.quantity,
      unitPriceMinor: line.unitPriceMinor,
      discountPercent: (line.discountPercent as number | undefined) ?? 0,
      taxRatePercent: (line.taxRatePercent as number | undefined) ?? 0,
    };
    let amounts: Amounts;
    try {
      amounts = lineAmounts(terms);
    } catch (error) {
      if (!(error instanceof AmountTooLargeError)) throw error;
      return this.refused(key, [
        { column: this.col('quantity'), value: quantity, message: 'makes a line amount too large to carry' },
      ]);
    }
    return {
      problems: [],
      staged: [
        't',
        copyText(channel),
        copyText(v.externalOrderId),
        copyText(v.location),
        copyText(v.placedAt),
        copyText(v.status ?? 'placed'),
        copyText(v.contactId?.toLowerCase()),
        copyText(v.contactId ? undefined : v.contactExternalId),
        copyText(currency),
        currencyDigits(currency),
        copyText(v.sku),
        copyText(v.productName),
        copyText(v.model),
        terms.quantity,
        terms.unitPriceMinor,
        percentToThousandths(terms.discountPercent) ?? 0,
        percentToThousandths(terms.taxRatePercent) ?? 0,
        amounts.grossMinor,
        amounts.discountMinor,
        amounts.netMinor,
        amounts.taxMinor,
        amounts.totalMinor,
      ].join('\t'),
    };
  }

  /**
   * A refused row keeps its order's key (channel, external id) when those are readable, so the
   * order's other lines are refused with it: an order is imported whole or not at all.
   */
  private refused(
    key: { channel?: string; externalOrderId?: string },
    problems: ImportProblem[],
  ): { staged: string | null; problems: ImportProblem[] } {
    const named = new Set(problems.map((p) => p.column));
    if (
      !key.channel ||
      !key.externalOrderId ||
      named.has(this.col('channel')) ||
      named.has(this.col('externalOrderId')) ||
      key.externalOrderId.length > 100
    )
      return { staged: null, problems };
    return {
      staged: ['f', copyText(key.channel), copyText(key.externalOrderId), ...Array(19).fill('\\N')].join('\t'),
      problems,
    };
  }

  /** True only when CreateOrderDto's validation would find nothing wrong with the row's order and line. */
  private quickCheck(
    v: Partial<Record<OrderImportField, string>>,
    channel: string | undefined,
    currency: string | undefined,
    line: Record<string, string | number | undefined>,
  ): boolean {
    const whole = (n: unknown, min: number, max: number) =>
      typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;
    const percent = (n: unknown) => n === undefined || (typeof n === 'number' && percentToThousandths(n) !== null);
    return (
      channel !== undefined &&
      (SALES_CHANNELS as readonly string[]).includes(channel) &&
      v.externalOrderId !== undefined &&
      v.externalOrderId.length <= 100 &&
      (v.location === undefined || v.location.length <= 100) &&
      (v.contactId === undefined || isUUID(v.contactId)) &&
      currency !== undefined &&
      isIsoCurrency(currency) &&
      isISO8601(v.placedAt, { strict: true }) &&
      (v.status === undefined || (INITIAL_ORDER_STATUSES as readonly string[]).includes(v.status)) &&
      (v.sku === undefined || SKU_PATTERN.test(v.sku)) &&
      (v.productName === undefined || v.productName.length <= 200) &&
      (v.model === undefined || v.model.length <= 100) &&
      whole(line['quantity'], 1, 1_000_000) &&
      whole(line['unitPriceMinor'], 0, 1e12) &&
      percent(line['discountPercent']) &&
      percent(line['taxRatePercent'])
    );
  }

  /** CreateOrderDto's validation of the row as a one-line order, each problem on the CSV column it came from. */
  private fullCheck(
    v: Partial<Record<OrderImportField, string>>,
    channel: string | undefined,
    currency: string | undefined,
    line: Record<string, string | number | undefined>,
  ): ImportProblem[] {
    const body = {
      channel,
      location: v.location,
      externalOrderId: v.externalOrderId,
      contactId: v.contactId,
      currency,
      placedAt: v.placedAt,
      status: v.status,
      lines: [{ sku: v.sku, name: v.productName, model: v.model, ...line }],
    };
    const failures = validateSync(plainToInstance(CreateOrderDto, body), {
      whitelist: true,
      forbidNonWhitelisted: true,
    });
    return flattenValidationErrors(failures).map((f) => {
      const field = fieldOf(f.field);
      const col = this.col(field === 'unitPriceMinor' && !this.column.has('unitPriceMinor') ? 'unitPrice' : field);
      const value = field === 'channel' ? channel : field === 'currency' ? currency : v[field];
      return { column: col, value: value ?? null, message: f.message };
    });
  }

  private col(field: string): string {
    return this.column.get(field) ?? field;
  }
}

/** A DTO path (`lines.0.quantity`, `channel`) as the import field it came from. */
function fieldOf(path: string): OrderImportField {
  const last = path.startsWith('lines.') ? path.split('.')[2] : path;
  return (last === 'name' ? 'productName' : last) as OrderImportField;
}

/** A decimal amount ("12.99") in minor units of a currency with `digits` decimals, or why not. */
export function toMinor(amount: string, digits: number): number | string {
  const m = /^(\d+)(?:[.,](\d+))?$/.exec(amount);
  if (!m) return 'must be an amount such as 12.99 (no sign, no currency symbol)';
  const decimals = m[2] ?? '';
  if (decimals.length > digits)
    return digits === 0 ? 'must be a whole amount in this currency' : `must have at most ${digits} decimals`;
  const minor = Number(m[1] + decimals.padEnd(digits, '0'));
  if (!Number.isSafeInteger(minor) || minor > 1e12) return 'must be at most 1,000,000,000,000 minor units';
  return minor;
}
