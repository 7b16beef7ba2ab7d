import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A municipality (or health trust) is in a consortium only when it has said so (domain brief § 9): a member is
 * INVITED until an applicant of its own organisation confirms, or the lead submits its signed letter of intent
 * (intensjonsavtale, LETTER_SUBMITTED) and an officer accepts it at the formal check. Only CONFIRMED members count.
 *
 * Existing rows: nobody ever consented, so every member but the lead becomes INVITED. The lead stays a member on the
 * strength of the consortium having been made for it; its applicants are the ones who act for the consortium now.
 */
export class ConsortiumConsent1764000700000 implements MigrationInterface {
  name = 'ConsortiumConsent1764000700000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE consortium_member
        ADD COLUMN status text NOT NULL DEFAULT 'INVITED' CHECK (status IN ('INVITED', 'LETTER_SUBMITTED', 'CONFIRMED')),
        ADD COLUMN invited_at timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN invited_by uuid REFERENCES app_user(id),
        ADD COLUMN consent_basis text CHECK (consent_basis IN ('APPLICANT', 'LETTER_OF_INTENT', 'MIGRATED_LEAD')),
        ADD COLUMN confirmed_at timestamptz,
        ADD COLUMN confirmed_by uuid REFERENCES app_user(id),
        ADD COLUMN letter_attachment_id uuid REFERENCES application_attachment(id),
        ADD CONSTRAINT consortium_member_confirmed_has_basis
          CHECK ((status = 'CONFIRMED') = (confirmed_at IS NOT NULL AND consent_basis IS NOT NULL)),
        ADD CONSTRAINT consortium_member_letter_has_file
          CHECK (status <> 'LETTER_SUBMITTED' OR letter_attachment_id IS NOT NULL)`);
    await q.query(`
      UPDATE consortium_member cm
         SET status = 'CONFIRMED', consent_basis = 'MIGRATED_LEAD', confirmed_at = now()
        FROM consortium c
       WHERE c.id = cm.consortium_id AND c.lead_organisation_id = cm.organisation_id`);
    await q.query(
      `CREATE INDEX consortium_member_letter_idx ON consortium_member (letter_attachment_id) WHERE letter_attachment_id IS NOT NULL`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX consortium_member_letter_idx`);
    await q.query(`
      ALTER TABLE consortium_member
        DROP CONSTRAINT consortium_member_letter_has_file,
        DROP CONSTRAINT consortium_member_confirmed_has_basis,
        DROP COLUMN letter_attachment_id,
        DROP COLUMN confirmed_by,
        DROP COLUMN confirmed_at,
        DROP COLUMN consent_basis,
        DROP COLUMN invited_by,
        DROP COLUMN invited_at,
        DROP COLUMN status`);
  }
}
