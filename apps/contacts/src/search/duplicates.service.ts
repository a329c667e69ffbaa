import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { notFound } from '../shared/normalise';

export interface DuplicateSuggestion {
  id: string;
  displayName: string;
  nameSimilarity: number;
  sharedPhone: boolean;
  sameAccount: boolean;
}

/** Likely duplicates of a person: a similar name plus a shared phone or the same account. */
@Injectable()
export class DuplicatesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async suggest(id: string): Promise<DuplicateSuggestion[]> {
    const me: { display_name: string }[] = await this.dataSource.query(`SELECT display_name FROM people WHERE id = $1 AND status = 'active'`, [id]);
    if (!me.length) throw notFound('CONTACT', id);
    const rows: { id: string; display_name: string; score: number; shared_phone: boolean; same_account: boolean }[] = await this.dataSource.query(
      `SELECT p.id, p.display_name, similarity(lower(p.display_name), lower($2)) AS score,
              EXISTS (SELECT 1 FROM person_phones a JOIN person_phones b ON a.number = b.number
                       WHERE a.person_id = p.id AND b.person_id = $1) AS shared_phone,
              EXISTS (SELECT 1 FROM person_accounts a JOIN person_accounts b ON a.account_id = b.account_id
                       WHERE a.person_id = p.id AND b.person_id = $1) AS same_account
         FROM people p
        WHERE p.status = 'active' AND p.id <> $1 AND similarity(lower(p.display_name), lower($2)) >= 0.4`,
      [id, me[0].display_name],
    );
    return rows
      .filter((r) => r.shared_phone || r.same_account)
      .sort((a, b) => b.score - a.score)
      .slice(0, 20)
      .map((r) => ({ id: r.id, displayName: r.display_name, nameSimilarity: Number(r.score), sharedPhone: r.shared_phone, sameAccount: r.same_account }));
  }
}
