import { MigrationInterface, QueryRunner } from 'typeorm';

const LIVE_BEFORE = `'AWAITING_ACCEPTANCE','ACTIVE','COMPLETED'`;
// a suspended or terminated grant keeps its amount committed, as a completed one does: what was paid stays paid,
// and the settlement of the termination statement reclaims what was not used
const LIVE_AFTER = `'AWAITING_ACCEPTANCE','ACTIVE','SUSPENDED','TERMINATED','COMPLETED'`;

function committedFunction(live: string): string {
  return `
    CREATE OR REPLACE FUNCTION call_committed_matches_grants() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      cid uuid;
      committed bigint;
      s bigint;
    BEGIN
      IF TG_TABLE_NAME = 'call' THEN cid := NEW.id; ELSE cid := NEW.call_id; END IF;
      SELECT committed_ore INTO committed FROM call WHERE id = cid;
      SELECT COALESCE(sum(amount_ore), 0) INTO s FROM grant_award
       WHERE call_id = cid AND status IN (${live});
      IF s <> committed THEN
        RAISE EXCEPTION 'call %: committed % øre, but its live grants add up to % øre', cid, committed, s USING ERRCODE = '23514';
      END IF;
      RETURN NULL;
    END $$`;
}

/**
 * Issue 14: suspension and termination of a grant, and late-payment interest on reclaims.
 *
 * - grant_award gets the states SUSPENDED and TERMINATED (both live: their amount stays committed to the call);
 * - grant_status_change: an officer's proposal to suspend, lift a suspension or terminate, confirmed or rejected by
 *   someone else (four eyes, held here by a CHECK as well as by the workflow's guard); a confirmed termination names
 *   the ad hoc report that asks for the final financial statement;
 * - reclaim_repayment records the interest part of a repayment apart from the principal (amount_ore stays the
 *   principal, so every sum of repaid principal reads as before).
 */
export class SuspensionTerminationInterest1764001800000 implements MigrationInterface {
  name = 'SuspensionTerminationInterest1764001800000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE grant_award DROP CONSTRAINT grant_award_status_check`);
    await q.query(`ALTER TABLE grant_award ADD CONSTRAINT grant_award_status_check
      CHECK (status IN ('AWAITING_ACCEPTANCE','ACTIVE','SUSPENDED','TERMINATED','LAPSED','CANCELLED','COMPLETED'))`);
    await q.query(`ALTER TABLE grant_award ADD CONSTRAINT grant_award_suspended_was_accepted
      CHECK (status NOT IN ('SUSPENDED','TERMINATED') OR accepted_at IS NOT NULL)`);
    await q.query(`DROP INDEX grant_award_one_live`);
    await q.query(`CREATE UNIQUE INDEX grant_award_one_live ON grant_award (application_id) WHERE status IN (${LIVE_AFTER})`);
    await q.query(committedFunction(LIVE_AFTER));

    await q.query(`
      CREATE TABLE grant_status_change (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        grant_id uuid NOT NULL REFERENCES grant_award(id),
        kind text NOT NULL CHECK (kind IN ('SUSPEND','LIFT_SUSPENSION','TERMINATE')),
        status text NOT NULL CHECK (status IN ('PROPOSED','CONFIRMED','REJECTED')),
        reasons text NOT NULL CHECK (length(trim(reasons)) > 0),
        statement_due_on date,
        proposed_by uuid NOT NULL REFERENCES app_user(id),
        proposed_at timestamptz NOT NULL,
        decided_by uuid REFERENCES app_user(id),
        decided_at timestamptz,
        decision_note text,
        statement_report_id uuid REFERENCES report(id),
        journal_seq integer,
        language text CHECK (language IN ('nb','nn')),
        html_key text,
        html_sha256 char(64),
        pdf_key text,
        pdf_sha256 char(64),
        updated_at timestamptz NOT NULL,
        CONSTRAINT grant_status_change_four_eyes CHECK (decided_by IS DISTINCT FROM proposed_by),
        CHECK ((status = 'PROPOSED') = (decided_at IS NULL)),
        CHECK (status = 'CONFIRMED' OR pdf_key IS NULL),
        CHECK (statement_report_id IS NULL OR (kind = 'TERMINATE' AND status = 'CONFIRMED')),
        CHECK (kind = 'TERMINATE' OR statement_due_on IS NULL)
      )`);
    // one open proposal per grant: the approver decides on one thing at a time
    await q.query(`CREATE UNIQUE INDEX grant_status_change_one_open ON grant_status_change (grant_id) WHERE status = 'PROPOSED'`);
    await q.query(`CREATE UNIQUE INDEX grant_status_change_statement ON grant_status_change (statement_report_id)`);

    await q.query(`ALTER TABLE reclaim_repayment ADD COLUMN interest_ore bigint NOT NULL DEFAULT 0 CHECK (interest_ore >= 0)`);
    await q.query(`ALTER TABLE reclaim_repayment DROP CONSTRAINT reclaim_repayment_amount_ore_check`);
    await q.query(`ALTER TABLE reclaim_repayment ADD CONSTRAINT reclaim_repayment_amount_ore_check CHECK (amount_ore >= 0)`);
    await q.query(`ALTER TABLE reclaim_repayment ADD CONSTRAINT reclaim_repayment_something CHECK (amount_ore + interest_ore > 0)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE reclaim_repayment DROP CONSTRAINT reclaim_repayment_something`);
    await q.query(`ALTER TABLE reclaim_repayment DROP CONSTRAINT reclaim_repayment_amount_ore_check`);
    await q.query(`ALTER TABLE reclaim_repayment ADD CONSTRAINT reclaim_repayment_amount_ore_check CHECK (amount_ore > 0)`);
    await q.query(`ALTER TABLE reclaim_repayment DROP COLUMN interest_ore`);
    await q.query(`DROP TABLE grant_status_change`);
    await q.query(committedFunction(LIVE_BEFORE));
    await q.query(`DROP INDEX grant_award_one_live`);
    await q.query(`CREATE UNIQUE INDEX grant_award_one_live ON grant_award (application_id) WHERE status IN (${LIVE_BEFORE})`);
    await q.query(`ALTER TABLE grant_award DROP CONSTRAINT grant_award_suspended_was_accepted`);
    await q.query(`ALTER TABLE grant_award DROP CONSTRAINT grant_award_status_check`);
    await q.query(`ALTER TABLE grant_award ADD CONSTRAINT grant_award_status_check
      CHECK (status IN ('AWAITING_ACCEPTANCE','ACTIVE','LAPSED','CANCELLED','COMPLETED'))`);
  }
}
