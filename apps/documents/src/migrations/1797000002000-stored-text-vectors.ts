import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An extracted text's search vector is stored beside it, in the language it
 * was built in: a document's vector is then the concatenation of a few short
 * ones and the stored one, built in one cheap statement under the document's
 * lock, instead of parsing up to EXTRACT_MAX_CHARS of text there (about 80 ms
 * for 1 MB, during which an upload or edit of the same document waited).
 * Rows from before keep NULL and are parsed as before until re-extracted.
 */
export class StoredTextVectors1797000002000 implements MigrationInterface {
  name = 'StoredTextVectors1797000002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE document_texts ADD COLUMN text_vector tsvector, ADD COLUMN vector_language regconfig`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE document_texts DROP COLUMN text_vector, DROP COLUMN vector_language`);
  }
}
