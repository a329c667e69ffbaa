import type { EntityManager } from 'typeorm';
import { returnedRows } from '@crm/persistence';
import type { DocumentRow, LinkRow, VersionRow } from './document.mapper';

type Q = Pick<EntityManager, 'query'>;

export async function lockDocument(m: Q, id: string): Promise<DocumentRow | undefined> {
  const rows: DocumentRow[] = await m.query(`SELECT * FROM documents WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0];
}

export async function findDocument(m: Q, id: string): Promise<DocumentRow | undefined> {
  const rows: DocumentRow[] = await m.query(`SELECT * FROM documents WHERE id = $1`, [id]);
  return rows[0];
}

export async function linksOf(m: Q, ids: string[]): Promise<LinkRow[]> {
  if (ids.length === 0) return [];
  return m.query(
    `SELECT * FROM document_links WHERE document_id = ANY($1::uuid[]) ORDER BY linked_at, record_kind, record_id`,
    [ids],
  );
}

export async function versionsById(m: Q, ids: string[]): Promise<VersionRow[]> {
  if (ids.length === 0) return [];
  return m.query(`SELECT * FROM document_versions WHERE id = ANY($1::uuid[])`, [ids]);
}

export async function findVersion(m: Q, documentId: string, versionId: string): Promise<VersionRow | undefined> {
  const rows: VersionRow[] = await m.query(`SELECT * FROM document_versions WHERE id = $1 AND document_id = $2`, [
    versionId,
    documentId,
  ]);
  return rows[0];
}

/** Active holds covering each document: on the document itself or on a record it is linked to. */
export async function holdsCovering(m: Q, ids: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (ids.length === 0) return out;
  const rows: { document_id: string; hold_id: string }[] = await m.query(
    `SELECT h.document_id, h.id AS hold_id FROM legal_holds h
      WHERE h.released_at IS NULL AND h.document_id = ANY($1::uuid[])
     UNION
     SELECT l.document_id, h.id FROM document_links l
       JOIN legal_holds h ON h.released_at IS NULL AND h.record_kind = l.record_kind AND h.record_id = l.record_id
      WHERE l.document_id = ANY($1::uuid[])`,
    [ids],
  );
  for (const r of rows) out.set(r.document_id, [...(out.get(r.document_id) ?? []), r.hold_id]);
  return out;
}

/**
 * Rebuilds a document's search vector in its language: title (A), tags (B),
 * the current version's file name (C) and extracted text (D). The text's
 * vector is the one stored with it when it was built in this language (see
 * storeText); else (an older row, a changed language, or `parseText` to index a
 * shorter start of it) its first `maxChars` are parsed here.
 */
export async function refreshSearchVector(m: Q, id: string, maxChars: number, parseText = false): Promise<void> {
  await m.query(
    `UPDATE documents d SET search_vector =
        setweight(to_tsvector(d.language, d.title), 'A') ||
        setweight(to_tsvector(d.language, array_to_string(d.tags, ' ')), 'B') ||
        setweight(to_tsvector(d.language, coalesce(
          (SELECT v.file_name FROM document_versions v WHERE v.id = d.current_version_id), '')), 'C') ||
        setweight(coalesce(
          (SELECT CASE WHEN t.vector_language = d.language AND t.text_vector IS NOT NULL AND NOT $3
                       THEN t.text_vector ELSE to_tsvector(d.language, left(t.content, $2)) END
             FROM document_texts t WHERE t.version_id = d.current_version_id), ''::tsvector), 'D')
      WHERE d.id = $1`,
    [id, maxChars, parseText],
  );
}

/**
 * Stores a version's extracted text with its search vector, built in its
 * document's language from the text's first `maxChars`: the expensive parse,
 * done without locking the document. Nothing when the version is gone.
 */
export async function storeText(m: Q, versionId: string, text: string, maxChars: number): Promise<void> {
  await m.query(
    `INSERT INTO document_texts (version_id, content, text_vector, vector_language)
     SELECT v.id, $2, to_tsvector(d.language, left($2, $3)), d.language
       FROM document_versions v JOIN documents d ON d.id = v.document_id
      WHERE v.id = $1
     ON CONFLICT (version_id) DO UPDATE
       SET content = EXCLUDED.content, text_vector = EXCLUDED.text_vector, vector_language = EXCLUDED.vector_language`,
    [versionId, text, maxChars],
  );
}

/** The version a document shows: the pinned one, else the latest. */
export async function pickCurrentVersion(m: Q, id: string): Promise<void> {
  await m.query(
    `UPDATE documents d SET current_version_id = COALESCE(
        (SELECT v.id FROM document_versions v WHERE v.id = d.pinned_version_id),
        (SELECT v.id FROM document_versions v WHERE v.document_id = d.id ORDER BY v.number DESC LIMIT 1)),
        version_count = (SELECT count(*)::int FROM document_versions v WHERE v.document_id = d.id)
      WHERE d.id = $1`,
    [id],
  );
}

/**
 * Takes one reference off a blob. When none is left the row goes and its
 * object key is returned, for the caller to remove after commit (durably, through the work queue).
 */
export async function releaseBlob(m: Q, sha256: string): Promise<string | undefined> {
  const rows = returnedRows<{ storage_key: string; ref_count: number }>(
    await m.query(`UPDATE blobs SET ref_count = ref_count - 1 WHERE sha256 = $1 RETURNING storage_key, ref_count`, [
      sha256,
    ]),
  );
  const r = rows[0];
  if (!r || r.ref_count > 0) return undefined;
  await m.query(`DELETE FROM blobs WHERE sha256 = $1 AND ref_count = 0`, [sha256]);
  return r.storage_key;
}
