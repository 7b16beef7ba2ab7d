import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Acceptance of a grant (issue 11): an acceptance signed outside the system keeps the day it was signed (the day the
 * deadline is held against), beside the instant the officer recorded it (accepted_at).
 */
export class GrantAcceptanceSignedOn1764001200000 implements MigrationInterface {
  name = 'GrantAcceptanceSignedOn1764001200000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE grant_award ADD COLUMN acceptance_signed_on date`);
    await q.query(`
      ALTER TABLE grant_award ADD CONSTRAINT grant_award_signed_on_with_document
        CHECK ((acceptance_channel = 'SIGNED_DOCUMENT') = (acceptance_signed_on IS NOT NULL))`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE grant_award DROP CONSTRAINT grant_award_signed_on_with_document`);
    await q.query(`ALTER TABLE grant_award DROP COLUMN acceptance_signed_on`);
  }
}
