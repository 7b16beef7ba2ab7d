import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Change requests (endringssøknad, issue 14): the consortium's request on an active grant, frozen as submitted with
 * its reasons, the officer's (and, above the call's threshold, the approver's) decision with its letter, the consent
 * of a municipality asked to join, and the grant's terms as versions: each approved change makes one, valid from the
 * day it was approved. The terms the grant was made on are not copied: they are read from the decided application.
 */
export class GrantChanges1764001700000 implements MigrationInterface {
  name = 'GrantChanges1764001700000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE grant_change_request (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        status text NOT NULL DEFAULT 'SUBMITTED'
          CONSTRAINT grant_change_request_status_check CHECK (status IN ('SUBMITTED','RECOMMENDED','APPROVED','REJECTED')),
        grant_id uuid NOT NULL REFERENCES grant_award(id),
        consortium_id uuid NOT NULL REFERENCES consortium(id),
        case_number text NOT NULL REFERENCES case_file(case_number),
        number integer NOT NULL CHECK (number > 0),
        -- the request as submitted (what changes, and why): never updated
        content jsonb NOT NULL CHECK (jsonb_typeof(content) = 'object'),
        content_sha256 text NOT NULL CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
        -- the call's rules checked again (minimum members, excluded regions): shown to the officer, not a refusal
        flags jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(flags) = 'array'),
        moved_ore bigint NOT NULL DEFAULT 0 CHECK (moved_ore >= 0),
        needs_second_approval boolean NOT NULL,
        submitted_by uuid NOT NULL REFERENCES app_user(id),
        submitted_at timestamptz NOT NULL,
        journal_seq integer NOT NULL,
        decision_reasons text,
        decided_at timestamptz,
        language text CHECK (language IN ('nb','nn')),
        html_key text,
        html_sha256 text,
        pdf_key text,
        pdf_sha256 text,
        letter_journal_seq integer,
        updated_at timestamptz NOT NULL,
        UNIQUE (grant_id, number),
        -- a decided request has its reasons (written with the decision); its letter is stored whole or not at all
        CHECK (status IN ('SUBMITTED','RECOMMENDED') OR (decision_reasons IS NOT NULL AND decided_at IS NOT NULL)),
        CHECK ((pdf_key IS NULL) = (letter_journal_seq IS NULL) AND (pdf_key IS NULL) = (html_key IS NULL))
      )`);
    await q.query(`CREATE INDEX grant_change_request_grant ON grant_change_request (grant_id, submitted_at)`);
    await q.query(`
      CREATE TABLE grant_change_consent (
        change_request_id uuid NOT NULL REFERENCES grant_change_request(id),
        organisation_id uuid NOT NULL REFERENCES organisation(id),
        consented_by uuid NOT NULL REFERENCES app_user(id),
        consented_at timestamptz NOT NULL,
        PRIMARY KEY (change_request_id, organisation_id)
      )`);
    await q.query(`
      CREATE TABLE grant_terms (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        grant_id uuid NOT NULL REFERENCES grant_award(id),
        -- 1 is the grant as decided (not stored); each approved change makes the next
        version integer NOT NULL CHECK (version > 1),
        valid_from date NOT NULL,
        project_end date,
        budget_lines jsonb NOT NULL CHECK (jsonb_typeof(budget_lines) = 'array'),
        members jsonb NOT NULL CHECK (jsonb_typeof(members) = 'array'),
        indicators jsonb NOT NULL CHECK (jsonb_typeof(indicators) = 'array'),
        change_request_id uuid NOT NULL UNIQUE REFERENCES grant_change_request(id),
        created_at timestamptz NOT NULL,
        UNIQUE (grant_id, version)
      )`);
    await q.query(`CREATE INDEX grant_terms_in_force ON grant_terms (grant_id, valid_from, version)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE grant_terms`);
    await q.query(`DROP TABLE grant_change_consent`);
    await q.query(`DROP TABLE grant_change_request`);
  }
}
