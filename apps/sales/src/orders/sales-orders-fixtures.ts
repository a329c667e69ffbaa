import { uuidv7 } from '@crm/persistence';
import type { SalesTestApp } from '../testing/sales-test-app';

/** What specs of products, quotes and orders build on: a catalogue, a default EUR price book, a deal. */
export interface Catalogue {
  tv: string;
  cable: string;
  retired: string;
  bookId: string;
}

export async function seedCatalogue(t: SalesTestApp): Promise<Catalogue> {
  const product = async (body: Record<string, unknown>) =>
    (await t.call<{ id: string }>('POST', '/products', { body })).body.id;
  const tv = await product({ sku: 'TV-55', name: 'OLED TV 55"', model: 'OLED55C4', category: 'tv' });
  const cable = await product({ sku: 'HDMI-2M', name: 'HDMI cable 2 m', category: 'accessories' });
  const retired = await product({ sku: 'TV-OLD', name: 'Old TV', active: false });
  const book = await t.call<{ id: string }>('POST', '/price-books', { body: { name: 'Retail EUR', currency: 'EUR' } });
  for (const [id, price] of [
    [tv, 129_900],
    [cable, 1_999],
    [retired, 49_900],
  ] as const)
    await t.call('PUT', `/price-books/${book.body.id}/prices/${id}`, { body: { unitPriceMinor: price } });
  return { tv, cable, retired, bookId: book.body.id };
}

/** A deal straight in the table (its API is the deals feature's): open, in the first stage of a new pipeline. */
export async function seedDeal(
  t: SalesTestApp,
  opts: { contactId?: string | null; accountId?: string | null; currency?: string } = {},
): Promise<{ dealId: string; contactId: string | null; accountId: string | null }> {
  const pipelineId = uuidv7();
  const stageId = uuidv7();
  await t.db.query(`INSERT INTO pipelines (id, name) VALUES ($1, $2)`, [pipelineId, `P ${pipelineId}`]);
  await t.db.query(
    `INSERT INTO stages (id, pipeline_id, name, kind, probability, position) VALUES ($1, $2, 'Proposal', 'open', 40, 0)`,
    [stageId, pipelineId],
  );
  const dealId = uuidv7();
  const contactId = opts.contactId === undefined ? uuidv7() : opts.contactId;
  const accountId = opts.accountId === undefined ? uuidv7() : opts.accountId;
  await t.db.query(
    `INSERT INTO deals (id, pipeline_id, stage_id, status, name, contact_id, account_id, amount, currency, stage_entered_at)
     VALUES ($1, $2, $3, 'open', 'Big TV deal', $4, $5, 100000, $6, now())`,
    [dealId, pipelineId, stageId, contactId, accountId, opts.currency ?? 'EUR'],
  );
  return { dealId, contactId, accountId };
}
