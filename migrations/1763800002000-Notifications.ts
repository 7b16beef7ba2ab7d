import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The notification outbox (one row per event × recipient, written in the transaction of the change, and also
 * the delivery record) and each user's notification preferences.
 */
export class Notifications1763800002000 implements MigrationInterface {
  name = 'Notifications1763800002000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notification (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event text NOT NULL,
        entity_type text NOT NULL,
        entity_id text NOT NULL,
        recipient_email text NOT NULL CHECK (recipient_email = lower(recipient_email) AND recipient_email LIKE '%_@_%'),
        recipient_name text,
        recipient_user_id uuid REFERENCES app_user(id) ON DELETE SET NULL,
        requested_language text CHECK (requested_language IN ('nb','nn')),
        data jsonb NOT NULL DEFAULT '{}',
        -- one mail per (event, entity, occurrence, recipient), however often the change, relay or job runs
        idempotency_key text NOT NULL UNIQUE CHECK (length(idempotency_key) <= 2000),
        mandatory boolean NOT NULL,
        status text NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending','queued','rendered','sending','sent','failed','skipped','digest','digested')),
        -- bumped by an operator retry, so the new round's jobs are not mistaken for the old round's
        generation integer NOT NULL DEFAULT 0 CHECK (generation >= 0),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error text,
        language text CHECK (language IN ('nb','nn')),
        subject text,
        body_text text,
        body_html text,
        message_id text,
        receipt text,
        digest_id uuid REFERENCES notification(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
        CHECK (status NOT IN ('rendered','sending','sent','digest','digested') OR (subject IS NOT NULL AND body_text IS NOT NULL AND language IS NOT NULL)),
        CHECK ((status = 'digested') = (digest_id IS NOT NULL))
      )`);
    // the relay's work list stays small: only rows still on their way
    await q.query(
      `CREATE INDEX notification_in_flight_idx ON notification (created_at) WHERE status IN ('pending','queued','rendered','sending')`,
    );
    await q.query(`CREATE INDEX notification_status_idx ON notification (status, created_at, id)`);
    await q.query(`CREATE INDEX notification_recipient_user_idx ON notification (recipient_user_id, created_at)`);
    await q.query(`CREATE INDEX notification_recipient_email_idx ON notification (recipient_email, created_at)`);
    await q.query(`CREATE INDEX notification_digest_idx ON notification (recipient_email) WHERE status = 'digest'`);

    await q.query(`
      CREATE TABLE notification_preference (
        user_id uuid PRIMARY KEY REFERENCES app_user(id) ON DELETE CASCADE,
        opt_out boolean NOT NULL DEFAULT false,
        digest boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notification_preference`);
    await q.query(`DROP TABLE notification`);
  }
}
