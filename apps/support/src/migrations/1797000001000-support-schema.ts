import type { MigrationInterface, QueryRunner } from 'typeorm';

export const SLA_CHANNEL = 'support_sla_clocks';

export class SupportSchema1797000001000 implements MigrationInterface {
  name = 'SupportSchema1797000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`
      CREATE TABLE contacts (
        id uuid PRIMARY KEY,
        version int NOT NULL,
        display_name text,
        email text,
        status text NOT NULL DEFAULT 'active',
        merged_into uuid,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX contacts_email_idx ON contacts (lower(email)) WHERE email IS NOT NULL`);
    await q.query(`
      CREATE TABLE calendars (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        time_zone text NOT NULL,
        hours jsonb NOT NULL,
        holidays text[] NOT NULL DEFAULT '{}',
        holiday_country text,
        holiday_region text,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE sla_policies (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        calendar_id uuid NOT NULL REFERENCES calendars(id),
        priority text NOT NULL,
        channel text,
        account_tier text,
        first_response_minutes int,
        next_response_minutes int,
        resolution_minutes int,
        warn_at_percent int NOT NULL DEFAULT 80,
        pause_on_pending boolean NOT NULL DEFAULT true,
        pause_on_hold boolean NOT NULL DEFAULT false,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX sla_policies_match_idx ON sla_policies (priority)`);
    await q.query(`
      CREATE TABLE agents (
        id uuid PRIMARY KEY,
        subject text NOT NULL UNIQUE,
        name text NOT NULL,
        email text,
        capacity int NOT NULL DEFAULT 10,
        available boolean NOT NULL DEFAULT true,
        calendar_id uuid REFERENCES calendars(id),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE teams (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        email_address text UNIQUE,
        calendar_id uuid REFERENCES calendars(id),
        auto_assign boolean NOT NULL DEFAULT true,
        last_assigned_agent_id uuid,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE team_members (
        team_id uuid NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
        agent_id uuid NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
        PRIMARY KEY (team_id, agent_id)
      )`);
    await q.query(`
      CREATE TABLE assets (
        id uuid PRIMARY KEY,
        contact_id uuid,
        account_id uuid,
        order_id uuid NOT NULL,
        order_line_id uuid NOT NULL,
        unit_no int NOT NULL,
        product_id uuid,
        sku text,
        model text NOT NULL,
        serial_number text,
        bought_at timestamptz NOT NULL,
        channel text NOT NULL,
        warranty_ends_at timestamptz,
        status text NOT NULL DEFAULT 'active',
        retired_reason text,
        retired_at timestamptz,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (order_line_id, unit_no)
      )`);
    await q.query(`CREATE INDEX assets_contact_idx ON assets (contact_id, id DESC)`);
    await q.query(`CREATE INDEX assets_order_idx ON assets (order_id)`);
    await q.query(`
      CREATE TABLE warranty_policies (
        product_id uuid PRIMARY KEY,
        months int NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE tickets (
        id uuid PRIMARY KEY,
        number bigserial UNIQUE,
        subject text NOT NULL,
        description text NOT NULL DEFAULT '',
        requester_id uuid,
        requester_name text,
        requester_email text,
        account_id uuid,
        account_tier text,
        status text NOT NULL,
        priority text NOT NULL,
        channel text NOT NULL,
        type text,
        tags text[] NOT NULL DEFAULT '{}',
        custom_fields jsonb NOT NULL DEFAULT '{}',
        asset_id uuid REFERENCES assets(id),
        team_id uuid REFERENCES teams(id),
        assignee_id uuid REFERENCES agents(id),
        sla_policy_id uuid REFERENCES sla_policies(id),
        merged_into uuid REFERENCES tickets(id),
        conversation_key text,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        first_responded_at timestamptz,
        solved_at timestamptz,
        closed_at timestamptz
      )`);
    const open = `status IN ('new', 'open', 'pending', 'on-hold')`;
    await q.query(`CREATE INDEX tickets_team_open_idx ON tickets (team_id, id DESC) WHERE ${open}`);
    await q.query(`CREATE INDEX tickets_assignee_open_idx ON tickets (assignee_id, id DESC) WHERE ${open}`);
    await q.query(
      `CREATE INDEX tickets_unassigned_idx ON tickets (team_id, id DESC) WHERE assignee_id IS NULL AND ${open}`,
    );
    await q.query(`CREATE INDEX tickets_status_idx ON tickets (status, id DESC)`);
    await q.query(`CREATE INDEX tickets_requester_idx ON tickets (requester_id, id DESC)`);
    await q.query(`CREATE INDEX tickets_asset_idx ON tickets (asset_id, id DESC) WHERE asset_id IS NOT NULL`);
    await q.query(`CREATE INDEX tickets_subject_trgm_idx ON tickets USING gin (subject gin_trgm_ops)`);
    await q.query(
      `CREATE UNIQUE INDEX tickets_conversation_idx ON tickets (conversation_key) WHERE conversation_key IS NOT NULL AND ${open}`,
    );
    await q.query(`
      CREATE TABLE ticket_messages (
        id uuid PRIMARY KEY,
        ticket_id uuid NOT NULL REFERENCES tickets(id),
        visibility text NOT NULL,
        author_type text NOT NULL,
        author_id text,
        author_name text,
        author_email text,
        body text NOT NULL,
        attachments jsonb NOT NULL DEFAULT '[]',
        email_message_id text UNIQUE,
        platform_message_key text UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ticket_messages_ticket_idx ON ticket_messages (ticket_id, id)`);
    await q.query(`CREATE INDEX ticket_messages_body_trgm_idx ON ticket_messages USING gin (body gin_trgm_ops)`);
    await q.query(`
      CREATE TABLE ticket_assignments (
        id uuid PRIMARY KEY,
        ticket_id uuid NOT NULL REFERENCES tickets(id),
        from_agent_id uuid,
        to_agent_id uuid,
        team_id uuid,
        mode text NOT NULL,
        assigned_by text NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ticket_assignments_ticket_idx ON ticket_assignments (ticket_id, at)`);
    // One row per ticket and target: running clocks carry due_at, scanned by the scheduler's leader.
    await q.query(`
      CREATE TABLE sla_clocks (
        ticket_id uuid NOT NULL REFERENCES tickets(id),
        target text NOT NULL,
        calendar_id uuid NOT NULL REFERENCES calendars(id),
        target_seconds int NOT NULL,
        warn_at_percent int NOT NULL,
        state text NOT NULL,
        used_seconds int NOT NULL DEFAULT 0,
        running_since timestamptz,
        due_at timestamptz,
        warn_due_at timestamptz,
        warned_at timestamptz,
        breached_at timestamptz,
        met_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (ticket_id, target)
      )`);
    await q.query(`CREATE INDEX sla_clocks_due_idx ON sla_clocks (due_at) WHERE state = 'running'`);
    await q.query(
      `CREATE INDEX sla_clocks_warn_idx ON sla_clocks (warn_due_at) WHERE state = 'running' AND warned_at IS NULL`,
    );
    // Wakes the scheduler's leader when a clock is (re)started, so an earlier due time is not slept through.
    await q.query(`
      CREATE FUNCTION support_sla_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('${SLA_CHANNEL}', ''); RETURN NULL; END $$`);
    await q.query(`
      CREATE TRIGGER sla_clocks_notify AFTER INSERT OR UPDATE OF due_at, warn_due_at ON sla_clocks
      FOR EACH STATEMENT EXECUTE FUNCTION support_sla_notify()`);
    await q.query(`
      CREATE TABLE csat_surveys (
        id uuid PRIMARY KEY,
        ticket_id uuid NOT NULL REFERENCES tickets(id),
        token_hash text NOT NULL UNIQUE,
        agent_id uuid,
        team_id uuid,
        requester_id uuid,
        expires_at timestamptz NOT NULL,
        answered_at timestamptz,
        score int,
        comment text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX csat_surveys_ticket_idx ON csat_surveys (ticket_id)`);
    await q.query(`CREATE INDEX csat_surveys_requester_idx ON csat_surveys (requester_id, answered_at DESC)`);
    await q.query(`
      CREATE TABLE outgoing_mail (
        id uuid PRIMARY KEY,
        message_id uuid NOT NULL REFERENCES ticket_messages(id),
        to_address text NOT NULL,
        subject text NOT NULL,
        in_reply_to text,
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        sent_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX outgoing_mail_unsent_idx ON outgoing_mail (created_at) WHERE sent_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'outgoing_mail',
      'csat_surveys',
      'sla_clocks',
      'ticket_assignments',
      'ticket_messages',
      'tickets',
      'warranty_policies',
      'assets',
      'team_members',
      'teams',
      'agents',
      'sla_policies',
      'calendars',
      'contacts',
    ])
      await q.query(`DROP TABLE ${t}`);
    await q.query(`DROP FUNCTION support_sla_notify()`);
  }
}
