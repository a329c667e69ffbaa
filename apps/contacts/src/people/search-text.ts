import type { EntityManager } from 'typeorm';

/**
 * Recomputes what search matches for these people: names, active emails and
 * company names. Merged and erased people match nothing.
 */
export async function refreshSearchText(m: EntityManager, personIds: string[]): Promise<void> {
  if (!personIds.length) return;
  await m.query(
    `UPDATE people p SET search_text = CASE WHEN p.status = 'active' THEN lower(concat_ws(' ', p.first_name, p.last_name,
        (SELECT string_agg(e.address, ' ') FROM person_emails e WHERE e.person_id = p.id AND e.active),
        (SELECT string_agg(a.name, ' ') FROM person_accounts pa JOIN accounts a ON a.id = pa.account_id WHERE pa.person_id = p.id))) ELSE '' END
      WHERE p.id = ANY($1::uuid[])`,
    [personIds],
  );
}
