import type { EntityManager } from 'typeorm';

/**
 * What sales-deals' contact merged / erased handlers call, in their
 * transaction (with their inbox row), for the orders and quotes of a person.
 */

/**
 * A contact merged into another: its orders and quotes now belong to the
 * target. Amounts, versions and events are left as they are: consumers learn
 * of the merge from contacts' own crm.contacts.contact.merged.
 */
export async function repointContactReferences(
  manager: EntityManager,
  fromContactId: string,
  toContactId: string,
): Promise<void> {
  await manager.query(`UPDATE orders SET contact_id = $2, updated_at = now() WHERE contact_id = $1`, [
    fromContactId,
    toContactId,
  ]);
  await manager.query(`UPDATE quotes SET contact_id = $2, updated_at = now() WHERE contact_id = $1`, [
    fromContactId,
    toContactId,
  ]);
}

/**
 * A contact erased: the billing snapshot (name, email, address) of their
 * orders and quotes is cleared; amounts, lines and the contact id (a bare id,
 * no longer pointing at anyone) stay, so totals and history still add up.
 * Returns how many orders and quotes it holds for the person (0 if none),
 * the count the erasure receipt reports. Running it again changes nothing.
 */
export async function anonymiseContactReferences(manager: EntityManager, contactId: string): Promise<number> {
  const [, orders] = (await manager.query(
    `UPDATE orders SET billing_name = NULL, billing_email = NULL, billing_address = NULL,
            updated_at = CASE WHEN billing_name IS NULL AND billing_email IS NULL AND billing_address IS NULL
                              THEN updated_at ELSE now() END
      WHERE contact_id = $1`,
    [contactId],
  )) as [unknown[], number];
  const [, quotes] = (await manager.query(
    `UPDATE quotes SET billing_name = NULL, billing_email = NULL, billing_address = NULL,
            updated_at = CASE WHEN billing_name IS NULL AND billing_email IS NULL AND billing_address IS NULL
                              THEN updated_at ELSE now() END
      WHERE contact_id = $1`,
    [contactId],
  )) as [unknown[], number];
  return orders + quotes;
}
