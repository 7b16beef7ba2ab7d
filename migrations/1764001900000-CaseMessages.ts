import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messages in the case (issue 14): the consortium and the staff write to each other, and staff keep internal notes.
 * Each message is a journal entry of the case (I from the consortium, U from staff, N for a note), held together by
 * the CHECK below; messages and their attachments are append-only, as the journal is.
 */
export class CaseMessages1764001900000 implements MigrationInterface {
  name = 'CaseMessages1764001900000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_message (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_number text NOT NULL REFERENCES case_file(case_number),
        application_id uuid NOT NULL REFERENCES application(id),
        -- fixed audiences: between the consortium and the staff, or an internal staff note
        audience text NOT NULL CHECK (audience IN ('CONSORTIUM','INTERNAL')),
        direction char(1) NOT NULL CHECK (direction IN ('I','U','N')),
        subject text CHECK (subject IS NULL OR length(trim(subject)) > 0),
        body text NOT NULL CHECK (length(trim(body)) > 0),
        author_user_id uuid NOT NULL REFERENCES app_user(id),
        journal_entry_id uuid NOT NULL UNIQUE REFERENCES journal_entry(id),
        created_at timestamptz NOT NULL,
        CONSTRAINT case_message_audience_direction CHECK ((audience = 'INTERNAL') = (direction = 'N'))
      )`);
    await q.query(`CREATE INDEX case_message_case_idx ON case_message (case_number, audience, created_at, id)`);
    await q.query(`
      CREATE TABLE case_message_attachment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        message_id uuid NOT NULL REFERENCES case_message(id),
        position integer NOT NULL CHECK (position >= 1),
        filename text NOT NULL,
        file_type text NOT NULL,
        content_type text NOT NULL,
        size_bytes integer NOT NULL CHECK (size_bytes >= 0),
        sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        storage_key text NOT NULL,
        UNIQUE (message_id, position)
      )`);
    await q.query(
      `CREATE TRIGGER case_message_append_only BEFORE UPDATE OR DELETE ON case_message FOR EACH ROW EXECUTE FUNCTION refuse_change_to_frozen_row()`,
    );
    await q.query(
      `CREATE TRIGGER case_message_attachment_append_only BEFORE UPDATE OR DELETE ON case_message_attachment FOR EACH ROW EXECUTE FUNCTION refuse_change_to_frozen_row()`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_message_attachment`);
    await q.query(`DROP TABLE case_message`);
  }
}
