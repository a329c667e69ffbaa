import type { ImportKind } from '@crm/bulk';
import { validationFailed } from '@crm/platform';
import { salesError } from '../shared/sales-errors';
import {
  checkOrdersMapping,
  ORDER_REFUSED_ROW,
  ORDER_STAGED_COLUMNS,
  OrderRowPreparer,
  type OrdersMapping,
} from './order-import-rows';
import { groupOrders, writeOrders } from './order-import-writer';

/** Orders written per transaction (the checkpoint): ORDER_IMPORT_BATCH_ORDERS, default 5,000. */
const batchOrders = () => Math.max(1, Number(process.env['ORDER_IMPORT_BATCH_ORDERS'] ?? 5000));

/** Historical orders with their lines, one CSV row per line, idempotent by external order id per channel. */
export const ORDERS_IMPORT: ImportKind<OrdersMapping> = {
  kind: 'orders',
  job: 'sales-orders-import',
  stagedTable: 'order_import_staged',
  stagedColumns: ORDER_STAGED_COLUMNS,
  workTables: ['order_import_orders'],
  refusedRow: ORDER_REFUSED_ROW,
  batchUnits: batchOrders,
  checkMapping: checkOrdersMapping,
  preparer: (mapping) => Promise.resolve(new OrderRowPreparer(mapping)),
  afterStaging: (m, importId, _rows, mapping) => groupOrders(m, importId, mapping),
  writeBatch: writeOrders,
  errors: {
    notFound: (id) => salesError('IMPORT_NOT_FOUND', `No import ${id}`),
    tooLarge: (maxBytes) => salesError('IMPORT_TOO_LARGE', `The file is over ${maxBytes} bytes`),
    mappingNotFound: (id) => validationFailed([{ field: 'mappingId', message: `no orders import mapping ${id}` }]),
  },
};
