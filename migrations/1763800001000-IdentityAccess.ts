import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Credentials apart from the person (password now, OpenID Connect later), login sessions with rotating refresh
 * tokens, personal API tokens, and failed logins for a rate limit shared by every API process.
 */
export class IdentityAccess1763800001000 implements MigrationInterface {
  name = 'IdentityAccess1763800001000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user ADD CONSTRAINT app_user_has_role CHECK (cardinality(roles) > 0)`);

    // checked at commit, so a change may pass through a moment without an admin (swap roles) but never end there
    await q.query(`
      CREATE FUNCTION app_user_keep_an_admin() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM app_user WHERE active AND 'admin' = ANY(roles)) THEN
          RAISE EXCEPTION 'at least one active admin must remain' USING ERRCODE = '23514';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER app_user_keep_an_admin AFTER UPDATE OR DELETE ON app_user
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
        WHEN (OLD.active AND 'admin' = ANY(OLD.roles))
        EXECUTE FUNCTION app_user_keep_an_admin()`);

    // one row per way a person can prove who they are; an ID-porten or Entra ID login adds kind 'oidc' rows
    await q.query(`
      CREATE TABLE user_credential (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('password','oidc')),
        secret_hash text,
        issuer text,
        subject text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        CHECK ((kind = 'password') = (secret_hash IS NOT NULL AND secret_hash LIKE '$argon2id$%')),
        CHECK ((kind = 'oidc') = (issuer IS NOT NULL AND subject IS NOT NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX user_credential_one_password ON user_credential (user_id) WHERE kind = 'password'`);
    await q.query(`CREATE UNIQUE INDEX user_credential_oidc_subject ON user_credential (issuer, subject) WHERE kind = 'oidc'`);
    await q.query(`
      INSERT INTO user_credential (user_id, kind, secret_hash)
      SELECT id, 'password', password_hash FROM app_user WHERE password_hash IS NOT NULL`);
    await q.query(`ALTER TABLE app_user DROP COLUMN password_hash`);

    // a session is one login; its refresh tokens form the family that a detected reuse revokes as a whole
    await q.query(`
      CREATE TABLE auth_session (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        method text NOT NULL CHECK (method IN ('password','oidc')),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_refreshed_at timestamptz,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason text CHECK (revoked_reason IN ('logout','reuse','user_deactivated','password_changed')),
        client_address text,
        CHECK (expires_at > created_at),
        CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
      )`);
    await q.query(`CREATE INDEX auth_session_user_idx ON auth_session (user_id) WHERE revoked_at IS NULL`);
    await q.query(`
      CREATE TABLE refresh_token (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES auth_session(id) ON DELETE CASCADE,
        token_hash char(64) NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        rotated_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX refresh_token_one_current ON refresh_token (session_id) WHERE rotated_at IS NULL`);

    await q.query(`
      CREATE TABLE api_token (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 100),
        token_hash char(64) NOT NULL UNIQUE,
        hint text NOT NULL,
        scopes text[] NOT NULL CHECK (cardinality(scopes) > 0),
        -- milliseconds, as in the API's keyset cursor, so paging neither skips nor repeats
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        expires_at timestamptz NOT NULL,
        last_used_at timestamptz,
        revoked_at timestamptz,
        CHECK (expires_at > created_at AND expires_at <= created_at + interval '366 days')
      )`);
    await q.query(`CREATE INDEX api_token_user_idx ON api_token (user_id, created_at)`);

    await q.query(`
      CREATE TABLE failed_login (
        id bigserial PRIMARY KEY,
        email text NOT NULL,
        client_address text NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX failed_login_email_idx ON failed_login (email, occurred_at)`);
    await q.query(`CREATE INDEX failed_login_address_idx ON failed_login (client_address, occurred_at)`);
    await q.query(`CREATE INDEX failed_login_time_idx ON failed_login (occurred_at)`);

    await q.query(`CREATE INDEX audit_event_actor_label_idx ON audit_event (actor_label, seq)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_event_actor_label_idx`);
    await q.query(`DROP TABLE failed_login`);
    await q.query(`DROP TABLE api_token`);
    await q.query(`DROP TABLE refresh_token`);
    await q.query(`DROP TABLE auth_session`);
    await q.query(`ALTER TABLE app_user ADD COLUMN password_hash text`);
    await q.query(`
      UPDATE app_user u SET password_hash = c.secret_hash
        FROM user_credential c WHERE c.user_id = u.id AND c.kind = 'password'`);
    await q.query(`DROP TABLE user_credential`);
    await q.query(`DROP TRIGGER app_user_keep_an_admin ON app_user`);
    await q.query(`DROP FUNCTION app_user_keep_an_admin`);
    await q.query(`ALTER TABLE app_user DROP CONSTRAINT app_user_has_role`);
  }
}
