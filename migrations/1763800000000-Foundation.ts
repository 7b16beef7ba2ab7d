import { MigrationInterface, QueryRunner } from 'typeorm';

/** Reference data tables, organisations, consortia, users, the audit trail and workflow transitions. */
export class Foundation1763800000000 implements MigrationInterface {
  name = 'Foundation1763800000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE municipality (
        number char(4) PRIMARY KEY CHECK (number ~ '^[0-9]{4}$'),
        name text NOT NULL,
        county_number char(2) NOT NULL,
        county text NOT NULL,
        health_region text NOT NULL CHECK (health_region IN ('Helse Sør-Øst','Helse Vest','Helse Midt-Norge','Helse Nord')),
        population integer NOT NULL CHECK (population >= 0),
        area_km2 numeric(10,2) NOT NULL CHECK (area_km2 >= 0),
        admin_centre text NOT NULL,
        written_language text NOT NULL CHECK (written_language IN ('Bokmål','Nynorsk','Nøytral'))
      )`);
    await q.query(`CREATE INDEX municipality_health_region_idx ON municipality (health_region)`);
    await q.query(`CREATE INDEX municipality_county_idx ON municipality (county)`);

    await q.query(`
      CREATE TABLE organisation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('MUNICIPALITY','HEALTH_TRUST','KS','MINISTRY','DIRECTORATE','OTHER')),
        name text NOT NULL,
        org_number char(9) UNIQUE CHECK (org_number ~ '^[0-9]{9}$'),
        municipality_number char(4) UNIQUE REFERENCES municipality(number),
        health_region text CHECK (health_region IN ('Helse Sør-Øst','Helse Vest','Helse Midt-Norge','Helse Nord')),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((kind = 'MUNICIPALITY') = (municipality_number IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX organisation_kind_idx ON organisation (kind, name)`);

    await q.query(`
      CREATE TABLE consortium (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(trim(name)) BETWEEN 2 AND 200),
        lead_organisation_id uuid NOT NULL REFERENCES organisation(id),
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1
      )`);
    await q.query(`
      CREATE TABLE consortium_member (
        consortium_id uuid NOT NULL REFERENCES consortium(id) ON DELETE CASCADE,
        organisation_id uuid NOT NULL REFERENCES organisation(id),
        PRIMARY KEY (consortium_id, organisation_id)
      )`);
    await q.query(`CREATE INDEX consortium_member_org_idx ON consortium_member (organisation_id)`);
    // the lead is always one of the members (checked at commit, so a consortium and its members insert together)
    await q.query(`
      ALTER TABLE consortium ADD CONSTRAINT consortium_lead_is_member
        FOREIGN KEY (id, lead_organisation_id) REFERENCES consortium_member (consortium_id, organisation_id)
        DEFERRABLE INITIALLY DEFERRED`);

    await q.query(`
      CREATE TABLE app_user (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL UNIQUE CHECK (email = lower(email) AND email LIKE '%_@_%'),
        display_name text NOT NULL,
        password_hash text,
        roles text[] NOT NULL CHECK (roles <@ ARRAY['applicant','officer','approver','assessor','evaluator','auditor','admin']::text[]),
        active boolean NOT NULL DEFAULT true,
        preferred_language text CHECK (preferred_language IN ('nb','nn')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE user_organisation (
        user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        organisation_id uuid NOT NULL REFERENCES organisation(id),
        PRIMARY KEY (user_id, organisation_id)
      )`);

    await q.query(`
      CREATE TABLE audit_event (
        seq bigserial PRIMARY KEY,
        occurred_at timestamptz NOT NULL,
        actor_user_id uuid,
        actor_token_id uuid,
        actor_roles text[] NOT NULL DEFAULT '{}',
        actor_label text,
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id text,
        diff jsonb,
        request_id text,
        client_address text,
        prev_hash char(64) NOT NULL,
        hash char(64) NOT NULL UNIQUE
      )`);
    await q.query(`CREATE INDEX audit_event_entity_idx ON audit_event (entity_type, entity_id, seq)`);
    await q.query(`CREATE INDEX audit_event_actor_idx ON audit_event (actor_user_id, seq)`);
    await q.query(`CREATE INDEX audit_event_action_idx ON audit_event (action, seq)`);
    await q.query(`CREATE INDEX audit_event_time_idx ON audit_event (occurred_at)`);
    await q.query(`
      CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP USING ERRCODE = '42501';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON audit_event
        FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()`);

    await q.query(`
      CREATE TABLE state_transition (
        id bigserial PRIMARY KEY,
        entity_type text NOT NULL,
        entity_id uuid NOT NULL,
        from_state text NOT NULL,
        to_state text NOT NULL,
        event text NOT NULL,
        actor_user_id uuid,
        reason text,
        occurred_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX state_transition_entity_idx ON state_transition (entity_type, entity_id, id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE state_transition`);
    await q.query(`DROP TABLE audit_event`);
    await q.query(`DROP FUNCTION audit_event_append_only`);
    await q.query(`DROP TABLE user_organisation`);
    await q.query(`DROP TABLE app_user`);
    await q.query(`ALTER TABLE consortium DROP CONSTRAINT consortium_lead_is_member`);
    await q.query(`DROP TABLE consortium_member`);
    await q.query(`DROP TABLE consortium`);
    await q.query(`DROP TABLE organisation`);
    await q.query(`DROP TABLE municipality`);
  }
}
