import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ContactsSchema1763800002000 implements MigrationInterface {
  name = 'ContactsSchema1763800002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`
      CREATE TABLE accounts (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        domain text,
        industry text,
        size_band text,
        country text,
        city text,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX accounts_name_trgm_idx ON accounts USING gin (name gin_trgm_ops)`);
    await q.query(`
      CREATE TABLE people (
        id uuid PRIMARY KEY,
        first_name text NOT NULL,
        last_name text NOT NULL,
        display_name text NOT NULL,
        birth_date date,
        country text,
        region text,
        city text,
        locale text,
        occupation text,
        address jsonb,
        lifecycle_stage text NOT NULL,
        owner_id text,
        tags text[] NOT NULL DEFAULT '{}',
        custom_fields jsonb NOT NULL DEFAULT '{}',
        source jsonb NOT NULL DEFAULT '{}',
        source_channel text GENERATED ALWAYS AS (source->>'channel') STORED,
        social_profiles jsonb NOT NULL DEFAULT '[]',
        status text NOT NULL DEFAULT 'active',
        merged_into uuid,
        search_text text NOT NULL DEFAULT '',
        search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX people_search_vector_idx ON people USING gin (search_vector)`);
    await q.query(`CREATE INDEX people_search_trgm_idx ON people USING gin (search_text gin_trgm_ops)`);
    await q.query(`CREATE INDEX people_created_idx ON people (created_at, id) WHERE status = 'active'`);
    await q.query(`CREATE INDEX people_name_idx ON people (lower(display_name), id) WHERE status = 'active'`);
    await q.query(`CREATE INDEX people_tags_idx ON people USING gin (tags)`);
    await q.query(`CREATE INDEX people_filters_idx ON people (lifecycle_stage, country, source_channel)`);
    await q.query(`CREATE INDEX people_custom_fields_idx ON people USING gin (custom_fields jsonb_path_ops)`);
    await q.query(`
      CREATE TABLE person_emails (
        id uuid PRIMARY KEY,
        person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
        address text NOT NULL,
        is_primary boolean NOT NULL DEFAULT false,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One active contact per email address; merged and erased contacts release theirs.
    await q.query(`CREATE UNIQUE INDEX person_emails_active_address_uq ON person_emails (address) WHERE active`);
    await q.query(`CREATE INDEX person_emails_person_idx ON person_emails (person_id)`);
    await q.query(`
      CREATE TABLE person_phones (
        id uuid PRIMARY KEY,
        person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
        number text NOT NULL,
        type text NOT NULL DEFAULT 'mobile',
        is_primary boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX person_phones_number_idx ON person_phones (number)`);
    await q.query(`CREATE INDEX person_phones_person_idx ON person_phones (person_id)`);
    await q.query(`
      CREATE TABLE person_accounts (
        person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
        account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        role text,
        title text,
        is_primary boolean NOT NULL DEFAULT false,
        PRIMARY KEY (person_id, account_id)
      )`);
    await q.query(`CREATE INDEX person_accounts_account_idx ON person_accounts (account_id)`);
    await q.query(`
      CREATE TABLE consents (
        person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
        channel text NOT NULL,
        purpose text NOT NULL,
        granted boolean NOT NULL,
        source text NOT NULL,
        decided_at timestamptz NOT NULL,
        PRIMARY KEY (person_id, channel, purpose)
      )`);
    await q.query(`
      CREATE TABLE consent_history (
        id uuid PRIMARY KEY,
        person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
        channel text NOT NULL,
        purpose text NOT NULL,
        granted boolean NOT NULL,
        source text NOT NULL,
        decided_at timestamptz NOT NULL,
        recorded_by text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX consent_history_person_idx ON consent_history (person_id, decided_at DESC)`);
    await q.query(`
      CREATE TABLE activities (
        id uuid PRIMARY KEY,
        person_id uuid REFERENCES people (id) ON DELETE CASCADE,
        account_id uuid REFERENCES accounts (id) ON DELETE CASCADE,
        type text NOT NULL,
        subject text NOT NULL,
        body text,
        occurred_at timestamptz NOT NULL,
        duration_minutes int,
        actor text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (person_id IS NOT NULL OR account_id IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX activities_person_idx ON activities (person_id, occurred_at DESC, id DESC)`);
    await q.query(`CREATE INDEX activities_account_idx ON activities (account_id, occurred_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE custom_field_definitions (
        key text PRIMARY KEY,
        label text NOT NULL,
        type text NOT NULL,
        required boolean NOT NULL DEFAULT false,
        options text[],
        pattern text,
        max_length int,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE erasure_requests (
        id uuid PRIMARY KEY,
        person_id uuid NOT NULL,
        requested_by text NOT NULL,
        reason text,
        requested_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'erasure_requests',
      'custom_field_definitions',
      'activities',
      'consent_history',
      'consents',
      'person_accounts',
      'person_phones',
      'person_emails',
      'people',
      'accounts',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
