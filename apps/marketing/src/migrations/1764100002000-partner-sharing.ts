import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Partners, agreements and their audit; shares sent (per contact), deletion notices; partner audiences received. */
export class PartnerSharing1764100002000 implements MigrationInterface {
  name = 'PartnerSharing1764100002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE partners (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        contact_name text,
        contact_email text,
        base_url text NOT NULL,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE partner_agreements (
        id uuid PRIMARY KEY,
        partner_id uuid NOT NULL REFERENCES partners (id),
        exchange_id uuid NOT NULL UNIQUE,
        shared_key text NOT NULL,
        name text NOT NULL,
        purposes text[] NOT NULL,
        fields text[] NOT NULL,
        valid_from timestamptz NOT NULL,
        valid_until timestamptz NOT NULL,
        min_audience_size int NOT NULL CHECK (min_audience_size >= 2),
        status text NOT NULL CHECK (status IN ('draft', 'active', 'suspended', 'terminated')),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (valid_until > valid_from)
      )`);
    await q.query(`CREATE INDEX partner_agreements_partner_idx ON partner_agreements (partner_id)`);
    await q.query(`
      CREATE TABLE partner_audit (
        id uuid PRIMARY KEY,
        entity text NOT NULL,
        entity_id uuid NOT NULL,
        action text NOT NULL,
        actor text NOT NULL,
        changes jsonb NOT NULL DEFAULT '{}',
        at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX partner_audit_entity_idx ON partner_audit (entity_id, at)`);

    // Sent: one row per match or share, one row per contact whose data went (with the hashes the partner holds).
    await q.query(`
      CREATE TABLE partner_shares (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('match', 'share')),
        agreement_id uuid NOT NULL REFERENCES partner_agreements (id),
        partner_id uuid NOT NULL REFERENCES partners (id),
        segment_id uuid,
        fields text[] NOT NULL DEFAULT '{}',
        purposes text[] NOT NULL DEFAULT '{}',
        audience_count int NOT NULL DEFAULT 0,
        matched_count int,
        status text NOT NULL CHECK (status IN ('sending', 'delivered', 'refused', 'failed', 'counted')),
        reason text,
        expires_at timestamptz,
        actor text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        completed_at timestamptz
      )`);
    await q.query(`CREATE INDEX partner_shares_agreement_idx ON partner_shares (agreement_id, id)`);
    await q.query(`
      CREATE TABLE partner_share_contacts (
        share_id uuid NOT NULL REFERENCES partner_shares (id),
        contact_id uuid NOT NULL,
        email_hash text,
        phone_hash text,
        PRIMARY KEY (share_id, contact_id)
      )`);
    await q.query(`CREATE INDEX partner_share_contacts_contact_idx ON partner_share_contacts (contact_id)`);
    await q.query(`
      CREATE TABLE partner_deletion_notices (
        id uuid PRIMARY KEY,
        agreement_id uuid NOT NULL REFERENCES partner_agreements (id),
        partner_id uuid NOT NULL REFERENCES partners (id),
        contact_id uuid NOT NULL,
        reason text NOT NULL CHECK (reason IN ('consent_withdrawn', 'erased')),
        email_hashes text[] NOT NULL DEFAULT '{}',
        phone_hashes text[] NOT NULL DEFAULT '{}',
        share_ids uuid[] NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        partner_deleted int,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        delivered_at timestamptz
      )`);
    await q.query(`CREATE INDEX partner_deletion_notices_contact_idx ON partner_deletion_notices (contact_id)`);

    // Received: a partner's audience, the own contacts it matched, and deletions the partner asked for.
    await q.query(`
      CREATE TABLE partner_audiences (
        id uuid PRIMARY KEY,
        agreement_id uuid NOT NULL REFERENCES partner_agreements (id),
        partner_id uuid NOT NULL REFERENCES partners (id),
        remote_share_id uuid NOT NULL,
        segment_id uuid REFERENCES segments (id) ON DELETE SET NULL,
        purposes text[] NOT NULL,
        fields text[] NOT NULL,
        shared_at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('receiving', 'active', 'expired', 'deleted', 'refused')),
        chunks_received int NOT NULL DEFAULT 0,
        received_count int NOT NULL DEFAULT 0,
        received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        expires_at timestamptz NOT NULL,
        deleted_at timestamptz,
        UNIQUE (agreement_id, remote_share_id)
      )`);
    await q.query(
      `CREATE INDEX partner_audiences_expiry_idx ON partner_audiences (expires_at) WHERE status IN ('receiving', 'active')`,
    );
    await q.query(`
      CREATE TABLE partner_audience_members (
        audience_id uuid NOT NULL REFERENCES partner_audiences (id) ON DELETE CASCADE,
        contact_id uuid NOT NULL,
        email_hash text,
        phone_hash text,
        country text,
        age_band text,
        rfm_segment text,
        PRIMARY KEY (audience_id, contact_id)
      )`);
    await q.query(`CREATE INDEX partner_audience_members_email_idx ON partner_audience_members (email_hash)`);
    await q.query(`CREATE INDEX partner_audience_members_phone_idx ON partner_audience_members (phone_hash)`);
    await q.query(`CREATE INDEX partner_audience_members_contact_idx ON partner_audience_members (contact_id)`);
    await q.query(`
      CREATE TABLE partner_deletions_received (
        notice_id uuid PRIMARY KEY,
        agreement_id uuid NOT NULL REFERENCES partner_agreements (id),
        email_hashes text[] NOT NULL DEFAULT '{}',
        phone_hashes text[] NOT NULL DEFAULT '{}',
        issued_at timestamptz NOT NULL,
        deleted int NOT NULL,
        received_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX partner_deletions_received_idx ON partner_deletions_received (agreement_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'partner_deletions_received',
      'partner_audience_members',
      'partner_audiences',
      'partner_deletion_notices',
      'partner_share_contacts',
      'partner_shares',
      'partner_audit',
      'partner_agreements',
      'partners',
    ])
      await q.query(`DROP TABLE ${t}`);
  }
}
