import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length, Matches } from 'class-validator';
import type { EntityManager } from 'typeorm';
import type { ExternalId } from '@crm/contracts';
import { IsNotBlank } from '../shared/validators';
import { contactsError } from '../shared/contacts-errors';

export const EXTERNAL_SOURCE = /^[a-z][a-z0-9_-]{0,49}$/;

/** A record's id in another system; `source` names the system (`shopify`, `legacy-crm`). */
export class ExternalIdDto {
  @ApiProperty({ example: 'shopify', maxLength: 50, pattern: EXTERNAL_SOURCE.source })
  @Matches(EXTERNAL_SOURCE, { message: 'must be 1-50 lower-case letters, digits, _ or -, starting with a letter' })
  source!: string;

  @ApiProperty({ example: 'C-10042', minLength: 1, maxLength: 200, description: 'Trimmed; blank is refused' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 200)
  @IsNotBlank()
  id!: string;
}

export class ExternalIdView {
  @ApiProperty({ maxLength: 50 }) source!: string;
  @ApiProperty({ maxLength: 200 }) id!: string;
}

/** Without repeats, in the order given. */
export function prepareExternalIds(ids: ExternalIdDto[] | undefined): ExternalId[] {
  const seen = new Map<string, ExternalId>();
  for (const x of ids ?? []) seen.set(`${x.source}\u0000${x.id}`, { source: x.source, id: x.id.trim() });
  return [...seen.values()];
}

type Owner =
  | { table: 'person_external_ids'; column: 'person_id' }
  | { table: 'account_external_ids'; column: 'account_id' };
export const PERSON_IDS: Owner = { table: 'person_external_ids', column: 'person_id' };
export const ACCOUNT_IDS: Owner = { table: 'account_external_ids', column: 'account_id' };

/**
 * Replaces the record's external ids. The unique index (per source, among
 * active records) decides races: an id another record holds is a 409 naming
 * that record, and the caller's transaction rolls back.
 */
export async function replaceExternalIds(
  m: EntityManager,
  owner: Owner,
  ownerId: string,
  ids: ExternalId[],
  options: { fresh?: boolean } = {},
): Promise<void> {
  if (!options.fresh) await m.query(`DELETE FROM ${owner.table} WHERE ${owner.column} = $1`, [ownerId]);
  if (!ids.length) return;
  const active = owner.table === 'person_external_ids' ? ' WHERE active' : '';
  const inserted: unknown[] = await m.query(
    `INSERT INTO ${owner.table} (${owner.column}, source, external_id)
     SELECT $1, s, i FROM unnest($2::text[], $3::text[]) AS x(s, i)
     ON CONFLICT (source, external_id)${active} DO NOTHING RETURNING source`,
    [ownerId, ids.map((x) => x.source), ids.map((x) => x.id)],
  );
  if (inserted.length === ids.length) return;
  const taken: { owner: string; source: string; external_id: string }[] = await m.query(
    `SELECT t.${owner.column} AS owner, t.source, t.external_id FROM ${owner.table} t
       JOIN unnest($2::text[], $3::text[]) AS x(s, i) ON t.source = x.s AND t.external_id = x.i
      WHERE t.${owner.column} <> $1${active ? ' AND t.active' : ''} ORDER BY t.source, t.external_id LIMIT 1`,
    [ownerId, ids.map((x) => x.source), ids.map((x) => x.id)],
  );
  const t = taken[0] ?? { owner: null, source: ids[0].source, external_id: ids[0].id };
  const kind = owner.table === 'person_external_ids' ? 'contact' : 'account';
  throw contactsError(
    owner.table === 'person_external_ids' ? 'CONTACT_EXTERNAL_ID_TAKEN' : 'ACCOUNT_EXTERNAL_ID_TAKEN',
    `${t.source}:${t.external_id} already belongs to ${kind} ${t.owner}`,
    {
      existingId: t.owner,
      errors: [{ field: 'externalIds', message: `${t.source}:${t.external_id} already belongs to another ${kind}` }],
    },
  );
}

/** SQL of a record's external ids as a JSON array, for the loaders' SELECT lists. */
export function externalIdsJson(owner: Owner, ownerRef: string): string {
  const active = owner.table === 'person_external_ids' ? ' AND x.active' : '';
  return `COALESCE((SELECT json_agg(json_build_object('source', x.source, 'id', x.external_id) ORDER BY x.source, x.external_id)
                      FROM ${owner.table} x WHERE x.${owner.column} = ${ownerRef}${active}), '[]')`;
}
