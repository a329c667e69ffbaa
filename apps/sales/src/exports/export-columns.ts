const ISO = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Exportable deal columns and their SQL over `deals d` (stage s, lost reason lr, contact mirror cm joined). */
export const DEAL_COLUMN_SQL: Record<string, string> = {
  id: `d.id`,
  name: `d.name`,
  pipelineId: `d.pipeline_id`,
  stageId: `d.stage_id`,
  stageName: `s.name`,
  probability: `s.probability`,
  status: `d.status`,
  contactId: `d.contact_id`,
  contactName: `cm.display_name`,
  contactEmail: `cm.primary_email`,
  accountId: `d.account_id`,
  ownerId: `d.owner_id`,
  amountMinor: `d.amount`,
  currency: `d.currency`,
  expectedCloseDate: `d.expected_close_date::text`,
  sourceChannel: `d.source_channel`,
  sourceCampaign: `d.source_campaign`,
  tags: `to_jsonb(d.tags)`,
  customFields: `d.custom_fields`,
  closedAt: ISO('d.closed_at'),
  lostReason: `lr.label`,
  createdAt: ISO('d.created_at'),
  updatedAt: ISO('d.updated_at'),
};
export const DEAL_EXPORT_COLUMNS = Object.keys(DEAL_COLUMN_SQL);
export const DEFAULT_DEAL_COLUMNS = ['id', 'name', 'stageName', 'status', 'contactId', 'amountMinor', 'currency'];
export const DEAL_FROM = `FROM deals d JOIN stages s ON s.id = d.stage_id
  LEFT JOIN lost_reasons lr ON lr.id = d.lost_reason_id LEFT JOIN contact_mirror cm ON cm.contact_id = d.contact_id`;

/** Exportable order columns and their SQL over `orders o`; `lines` is the order's lines as a JSON array. */
export const ORDER_COLUMN_SQL: Record<string, string> = {
  id: `o.id`,
  number: `o.number`,
  status: `o.status`,
  channel: `o.channel`,
  location: `o.location`,
  externalOrderId: `o.external_order_id`,
  contactId: `o.contact_id`,
  accountId: `o.account_id`,
  dealId: `o.deal_id`,
  currency: `o.currency`,
  grossMinor: `o.gross_minor`,
  discountMinor: `o.discount_minor`,
  netMinor: `o.net_minor`,
  taxMinor: `o.tax_minor`,
  totalMinor: `o.total_minor`,
  refundedMinor: `o.refunded_minor`,
  placedAt: ISO('o.placed_at'),
  paidAt: ISO('o.paid_at'),
  fulfilledAt: ISO('o.fulfilled_at'),
  cancelledAt: ISO('o.cancelled_at'),
  refundedAt: ISO('o.refunded_at'),
  lineCount: `(SELECT count(*) FROM order_lines l WHERE l.order_id = o.id)`,
  lines: `(SELECT jsonb_agg(jsonb_build_object('lineNo', l.line_no, 'sku', l.sku, 'name', l.name, 'quantity', l.quantity,
             'unitPriceMinor', l.unit_price_minor, 'totalMinor', l.total_minor) ORDER BY l.line_no)
             FROM order_lines l WHERE l.order_id = o.id)`,
  billingName: `o.billing_name`,
  billingEmail: `o.billing_email`,
  createdAt: ISO('o.created_at'),
};
export const ORDER_EXPORT_COLUMNS = Object.keys(ORDER_COLUMN_SQL);
export const DEFAULT_ORDER_COLUMNS = [
  'id',
  'number',
  'status',
  'channel',
  'contactId',
  'totalMinor',
  'currency',
  'placedAt',
];
