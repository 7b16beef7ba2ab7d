import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Files a notification mail carries (a decision letter as PDF): kept with the outbox row as
 * [{filename, contentType, storageKey, sha256?}], so the worker reads the same stored file on every attempt.
 */
export class NotificationAttachments1764001100000 implements MigrationInterface {
  name = 'NotificationAttachments1764001100000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE notification ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]'
        CONSTRAINT notification_attachments_array CHECK (jsonb_typeof(attachments) = 'array')`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notification DROP COLUMN attachments`);
  }
}
