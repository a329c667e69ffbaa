import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Documents, their versions, the blobs they point at (one per sha-256,
 * reference-counted), links to records of the suite, legal holds,
 * retention policies, extracted text and the service's durable work queue.
 */
export class DocumentsSchema1797000001000 implements MigrationInterface {
  name = 'DocumentsSchema1797000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE blobs (
        sha256 char(64) PRIMARY KEY,
        storage_key text NOT NULL UNIQUE,
        size bigint NOT NULL CHECK (size >= 0),
        ref_count int NOT NULL CHECK (ref_count >= 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // An object being written: removed in the transaction that records its blob (or drops it as a duplicate),
    // so whatever is left here after a crash is an orphan the sweep deletes.
    await q.query(`
      CREATE TABLE blob_uploads (
        storage_key text PRIMARY KEY,
        started_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE documents (
        id uuid PRIMARY KEY,
        version int NOT NULL,
        title text NOT NULL,
        type text NOT NULL,
        tags text[] NOT NULL DEFAULT '{}',
        language regconfig NOT NULL DEFAULT 'simple',
        owner_id text,
        metadata jsonb NOT NULL DEFAULT '{}',
        current_version_id uuid,
        pinned_version_id uuid,
        version_count int NOT NULL DEFAULT 0,
        last_version_number int NOT NULL DEFAULT 0,
        search_vector tsvector NOT NULL DEFAULT ''::tsvector,
        last_unlinked_at timestamptz,
        review_flagged_at timestamptz,
        anonymised_at timestamptz,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX documents_search ON documents USING gin (search_vector)`);
    await q.query(`CREATE INDEX documents_type ON documents (type, id)`);
    await q.query(`CREATE INDEX documents_tags ON documents USING gin (tags)`);
    await q.query(`CREATE INDEX documents_created ON documents (created_at)`);
    await q.query(`
      CREATE TABLE document_versions (
        id uuid PRIMARY KEY,
        document_id uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        number int NOT NULL,
        sha256 char(64) NOT NULL REFERENCES blobs (sha256),
        size bigint NOT NULL,
        media_type text NOT NULL,
        file_name text NOT NULL,
        author_id text NOT NULL,
        scan_status text NOT NULL DEFAULT 'not_scanned',
        scan_detail text,
        text_status text NOT NULL DEFAULT 'pending',
        text_error text,
        text_extracted_at timestamptz,
        created_at timestamptz NOT NULL,
        UNIQUE (document_id, number)
      )`);
    await q.query(`CREATE INDEX document_versions_sha ON document_versions (sha256)`);
    await q.query(
      `CREATE INDEX document_versions_failed ON document_versions (text_status) WHERE text_status = 'failed'`,
    );
    await q.query(`
      CREATE TABLE document_texts (
        version_id uuid PRIMARY KEY REFERENCES document_versions (id) ON DELETE CASCADE,
        content text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE document_links (
        document_id uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        record_kind text NOT NULL,
        record_id uuid NOT NULL,
        linked_by text NOT NULL,
        linked_at timestamptz NOT NULL,
        PRIMARY KEY (document_id, record_kind, record_id)
      )`);
    await q.query(`CREATE INDEX document_links_record ON document_links (record_kind, record_id, document_id)`);
    await q.query(`
      CREATE TABLE legal_holds (
        id uuid PRIMARY KEY,
        document_id uuid,
        record_kind text,
        record_id uuid,
        reason text NOT NULL,
        placed_by text NOT NULL,
        placed_at timestamptz NOT NULL,
        released_by text,
        released_at timestamptz,
        release_reason text,
        CHECK ((document_id IS NULL) <> (record_kind IS NULL AND record_id IS NULL)),
        CHECK ((record_kind IS NULL) = (record_id IS NULL))
      )`);
    await q.query(`CREATE INDEX legal_holds_document ON legal_holds (document_id) WHERE released_at IS NULL`);
    await q.query(`CREATE INDEX legal_holds_record ON legal_holds (record_kind, record_id) WHERE released_at IS NULL`);
    await q.query(`
      CREATE TABLE retention_policies (
        document_type text PRIMARY KEY,
        keep_days int NOT NULL CHECK (keep_days >= 0),
        basis text NOT NULL CHECK (basis IN ('created', 'unlinked')),
        action text NOT NULL CHECK (action IN ('delete', 'review')),
        version int NOT NULL,
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE work_jobs (
        id bigserial PRIMARY KEY,
        kind text NOT NULL,
        payload jsonb NOT NULL DEFAULT '{}',
        singleton_key text UNIQUE,
        run_at timestamptz NOT NULL DEFAULT now(),
        attempts int NOT NULL DEFAULT 0,
        max_attempts int NOT NULL DEFAULT 5,
        locked_until timestamptz,
        last_error text,
        failed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX work_jobs_due ON work_jobs (run_at) WHERE failed_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'work_jobs',
      'retention_policies',
      'legal_holds',
      'document_links',
      'document_texts',
      'document_versions',
      'documents',
      'blob_uploads',
      'blobs',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
