import { encodeCursor, uuidv7 } from '@crm/persistence';
import { DomainError } from '@crm/platform';
import { toPage } from '../paging/id-page';
import { auditPageQuery } from './audit-page';

describe('auditPageQuery', () => {
  it('asks for one row more than the page, newest first, with no filter', () => {
    expect(auditPageQuery({ limit: 50 })).toEqual({
      sql: 'SELECT * FROM audit_log ORDER BY id DESC LIMIT $1',
      params: [51],
    });
  });

  it('filters by subject and time and continues strictly after the cursor', () => {
    const id = uuidv7();
    const since = new Date('2026-01-01T00:00:00Z');
    expect(auditPageQuery({ subject: 'u1', since, limit: 10, cursor: encodeCursor([id]) })).toEqual({
      sql: 'SELECT * FROM audit_log WHERE subject = $1 AND at >= $2 AND id < $3 ORDER BY id DESC LIMIT $4',
      params: ['u1', since, id, 11],
    });
  });

  it('refuses a cursor that is not one of its own, naming the cursor field', () => {
    for (const bad of ['nope!', encodeCursor(['not-a-uuid']), encodeCursor([1]), encodeCursor(['a', 'b'])]) {
      let error: unknown;
      try {
        auditPageQuery({ limit: 10, cursor: bad });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('CURSOR_INVALID');
      expect((error as DomainError).extra.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    }
  });
});

describe('audit paging', () => {
  it('walks every row once across pages when each page continues from the cursor', () => {
    const ids = Array.from({ length: 7 }, () => uuidv7())
      .sort()
      .reverse();
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const q = auditPageQuery({ limit: 3, cursor });
      const after = q.params.length === 2 ? String(q.params[0]) : undefined;
      const rows = ids
        .filter((id) => after === undefined || id < after)
        .slice(0, Number(q.params[q.params.length - 1]));
      const page = toPage(
        rows.map((id) => ({ id })),
        3,
      );
      seen.push(...page.items.map((r) => r.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(ids);
  });
});
