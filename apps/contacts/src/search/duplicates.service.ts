import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { contactMerged } from '../people/active-person';
import { notFound } from '../shared/normalise';

export interface DuplicateSuggestion {
  id: string;
  displayName: string;
  nameSimilarity: number;
  sharedPhone: boolean;
  sameAccount: boolean;
}

/** Trigram similarity of display names from which two people sharing a phone or an account look like one. */
const NAME_SIMILARITY = 0.4;

/** Likely duplicates of a person: a similar name plus a shared phone or the same account. */
@Injectable()
export class DuplicatesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async suggest(id: string): Promise<DuplicateSuggestion[]> {
    const me: { display_name: string; status: string; merged_into: string | null }[] = await this.dataSource.query(
      `SELECT display_name, status, merged_into FROM people WHERE id = $1`,
      [id],
    );
    if (!me.length) throw notFound('CONTACT', id);
    if (me[0].status === 'merged') throw contactMerged(id, me[0].merged_into);
    if (me[0].status === 'erased') return [];
    // Candidates come from the indexed phone and account links first; only they are compared by name.
    const rows: { id: string; display_name: string; score: number; shared_phone: boolean; same_account: boolean }[] =
      await this.dataSource.query(
        `WITH candidates AS (
         SELECT b.person_id AS id, true AS shared_phone, false AS same_account
           FROM person_phones a JOIN person_phones b ON b.number = a.number
          WHERE a.person_id = $1 AND b.person_id <> $1
         UNION ALL
         SELECT b.person_id, false, true
           FROM person_accounts a JOIN person_accounts b ON b.account_id = a.account_id
          WHERE a.person_id = $1 AND b.person_id <> $1
       )
       SELECT p.id, p.display_name, similarity(lower(p.display_name), lower($2)) AS score,
              bool_or(c.shared_phone) AS shared_phone, bool_or(c.same_account) AS same_account
         FROM candidates c JOIN people p ON p.id = c.id
        WHERE p.status = 'active' AND similarity(lower(p.display_name), lower($2)) >= $3
        GROUP BY p.id, p.display_name
        ORDER BY score DESC, p.id
        LIMIT 20`,
        [id, me[0].display_name, NAME_SIMILARITY],
      );
    return rows.map((r) => ({
      id: r.id,
      displayName: r.display_name,
      nameSimilarity: Number(r.score),
      sharedPhone: r.shared_phone,
      sameAccount: r.same_account,
    }));
  }
}
