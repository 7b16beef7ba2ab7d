import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A submitted version names its attachments by id and checksum; the rows behind them must keep saying the same.
 * Once an attachment is in a submitted version it is never deleted and never changes, except that a later draft may
 * drop it (removed_at set once). Before that it is the applicant's draft and free to go.
 */
export class SubmittedAttachmentsFrozen1763800003500 implements MigrationInterface {
  name = 'SubmittedAttachmentsFrozen1763800003500';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION submitted_attachment_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.first_submitted_version IS NULL THEN
          RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END IF;
        IF TG_OP = 'DELETE' OR
           (NEW.id, NEW.application_id, NEW.filename, NEW.file_type, NEW.content_type, NEW.size_bytes, NEW.sha256, NEW.storage_key,
            NEW.description, NEW.uploaded_by, NEW.uploaded_at, NEW.first_submitted_version)
           IS DISTINCT FROM
           (OLD.id, OLD.application_id, OLD.filename, OLD.file_type, OLD.content_type, OLD.size_bytes, OLD.sha256, OLD.storage_key,
            OLD.description, OLD.uploaded_by, OLD.uploaded_at, OLD.first_submitted_version)
           OR (OLD.removed_at IS NOT NULL AND NEW.removed_at IS DISTINCT FROM OLD.removed_at) THEN
          RAISE EXCEPTION 'attachment % is part of submitted version %: % refused', OLD.id, OLD.first_submitted_version, TG_OP USING ERRCODE = '42501';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER submitted_attachment_frozen BEFORE UPDATE OR DELETE ON application_attachment
        FOR EACH ROW EXECUTE FUNCTION submitted_attachment_frozen()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER submitted_attachment_frozen ON application_attachment`);
    await q.query(`DROP FUNCTION submitted_attachment_frozen`);
  }
}
