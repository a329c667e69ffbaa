import { decodeIdCursor } from '../paging/id-page';

export interface AuditFilter {
  subject?: string;
  since?: Date;
  limit: number;
  cursor?: string;
}

export interface AuditPageQuery {
  sql: string;
  params: (string | Date | number)[];
}

/**
 * One page of the audit log, newest first. Ids are UUIDv7, so they sort by
 * time and `id < cursor` continues exactly where the last page stopped.
 */
export function auditPageQuery(filter: AuditFilter): AuditPageQuery {
  const where: string[] = [];
  const params: (string | Date | number)[] = [];
  if (filter.subject !== undefined) {
    params.push(filter.subject);
    where.push(`subject = $${params.length}`);
  }
  if (filter.since !== undefined) {
    params.push(filter.since);
    where.push(`at >= $${params.length}`);
  }
  if (filter.cursor !== undefined) {
    params.push(decodeIdCursor(filter.cursor));
    where.push(`id < $${params.length}`);
  }
  params.push(filter.limit + 1);
  const sql =
    'SELECT * FROM audit_log' +
    (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY id DESC LIMIT $${params.length}`;
  return { sql, params };
}
