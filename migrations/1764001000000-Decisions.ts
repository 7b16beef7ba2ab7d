import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Decisions (issue 11): decisions (vedtak) proposed by an officer and approved by someone else, the budget a call has
 * committed held within its budget by the database, the grant an approved decision creates, the letter that is sent
 * (its documents and their SHA-256 in the case journal), acceptance of the conditions, and appeals (klage).
 * Applications gain the state DECIDED.
 */
export class Decisions1764001000000 implements MigrationInterface {
  name = 'Decisions1764001000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE application DROP CONSTRAINT application_status_check`);
    await q.query(`
      ALTER TABLE application ADD CONSTRAINT application_status_check
        CHECK (status IN ('DRAFT','SUBMITTED','RETURNED','ELIGIBLE','IN_ASSESSMENT','ASSESSED','DECIDED','REJECTED','WITHDRAWN'))`);

    // what the approved grants of a call add up to: moved only under the call's row lock, never above the budget
    await q.query(`ALTER TABLE call ADD COLUMN committed_ore bigint NOT NULL DEFAULT 0`);
    await q.query(`
      ALTER TABLE call ADD CONSTRAINT call_committed_within_budget CHECK (committed_ore >= 0 AND committed_ore <= budget_ore)`);

    // a document in the case (a letter, a signed acceptance, an appeal's attachment): where it is kept and its digest
    await q.query(`ALTER TABLE journal_entry ADD COLUMN document_key text`);
    await q.query(`ALTER TABLE journal_entry ADD COLUMN document_sha256 char(64) CHECK (document_sha256 ~ '^[0-9a-f]{64}$')`);
    await q.query(`ALTER TABLE journal_entry ADD COLUMN document_media_type text`);
    await q.query(`
      ALTER TABLE journal_entry ADD CONSTRAINT journal_entry_document_whole
        CHECK ((document_key IS NULL) = (document_sha256 IS NULL) AND (document_key IS NULL) = (document_media_type IS NULL))`);

    await q.query(`
      CREATE TABLE appeal (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        status text NOT NULL DEFAULT 'RECEIVED'
          CONSTRAINT appeal_status_check CHECK (status IN ('RECEIVED','REVERSED','FORWARDED','CLOSED')),
        decision_id uuid NOT NULL,
        application_id uuid NOT NULL REFERENCES application(id),
        grounds text NOT NULL CHECK (length(trim(grounds)) > 0),
        received_at timestamptz NOT NULL,
        deadline date NOT NULL,
        late boolean NOT NULL,
        late_admission_reason text,
        lodged_by uuid REFERENCES app_user(id),
        recommendation text,
        appeal_body text,
        forwarded_at timestamptz,
        appeal_body_outcome text CHECK (appeal_body_outcome IN ('UPHELD','REVERSED','PARTLY_REVERSED','DISMISSED')),
        appeal_body_decided_on date,
        appeal_body_note text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CHECK (NOT late OR length(trim(coalesce(late_admission_reason, ''))) > 0),
        CHECK ((status IN ('FORWARDED','CLOSED')) = (forwarded_at IS NOT NULL AND recommendation IS NOT NULL AND appeal_body IS NOT NULL)),
        CHECK ((status = 'CLOSED') = (appeal_body_outcome IS NOT NULL AND appeal_body_decided_on IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX appeal_decision_idx ON appeal (decision_id)`);
    await q.query(`
      CREATE TABLE appeal_attachment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        appeal_id uuid NOT NULL REFERENCES appeal(id),
        filename text NOT NULL,
        media_type text NOT NULL,
        size_bytes integer NOT NULL CHECK (size_bytes > 0),
        sha256 char(64) NOT NULL,
        storage_key text NOT NULL,
        created_at timestamptz NOT NULL
      )`);

    await q.query(`
      CREATE TABLE decision (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        status text NOT NULL DEFAULT 'DRAFT'
          CONSTRAINT decision_status_check CHECK (status IN ('DRAFT','PROPOSED','RETURNED','APPROVED','SENT','SUPERSEDED','DISCARDED')),
        application_id uuid NOT NULL,
        call_id uuid NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('GRANTED','PARTLY_GRANTED','REJECTED')),
        amount_ore bigint NOT NULL CHECK (amount_ore >= 0),
        requested_ore bigint NOT NULL CHECK (requested_ore >= 0),
        max_allowed_ore bigint NOT NULL CHECK (max_allowed_ore >= 0),
        language text NOT NULL CHECK (language IN ('nb','nn')),
        legal_basis text NOT NULL,
        reasons text NOT NULL,
        internal_note text,
        conditions jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(conditions) = 'array'),
        out_of_rank_justification text,
        rank integer CHECK (rank >= 1),
        score numeric(10,4),
        proposal_id uuid REFERENCES allocation_proposal(id),
        appeal_id uuid REFERENCES appeal(id),
        supersedes_id uuid REFERENCES decision(id),
        return_comment text,
        created_by uuid NOT NULL REFERENCES app_user(id),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        approved_by uuid REFERENCES app_user(id),
        approved_at timestamptz,
        sent_at timestamptz,
        FOREIGN KEY (application_id, call_id) REFERENCES application(id, call_id),
        CONSTRAINT decision_amount_within_limits CHECK (amount_ore <= requested_ore AND amount_ore <= max_allowed_ore),
        CONSTRAINT decision_amount_matches_outcome CHECK (
          (outcome = 'REJECTED' AND amount_ore = 0) OR
          (outcome = 'GRANTED' AND amount_ore > 0 AND amount_ore = requested_ore) OR
          (outcome = 'PARTLY_GRANTED' AND amount_ore > 0 AND amount_ore < requested_ore)),
        CONSTRAINT decision_reasons_given CHECK (status IN ('DRAFT','DISCARDED') OR (length(trim(reasons)) > 0 AND length(trim(legal_basis)) > 0)),
        CHECK ((status IN ('APPROVED','SENT','SUPERSEDED')) = (approved_by IS NOT NULL AND approved_at IS NOT NULL)),
        CHECK ((status IN ('SENT','SUPERSEDED')) = (sent_at IS NOT NULL)),
        CHECK (approved_by IS DISTINCT FROM created_by),
        CHECK ((appeal_id IS NULL) = (supersedes_id IS NULL))
      )`);
    // one decision being prepared and one in force per application at a time (a reversal is prepared beside the one in force)
    await q.query(
      `CREATE UNIQUE INDEX decision_one_in_preparation ON decision (application_id) WHERE status IN ('DRAFT','PROPOSED','RETURNED')`,
    );
    await q.query(`CREATE UNIQUE INDEX decision_one_in_force ON decision (application_id) WHERE status IN ('APPROVED','SENT')`);
    await q.query(`CREATE INDEX decision_call_idx ON decision (call_id, status)`);
    await q.query(`ALTER TABLE appeal ADD CONSTRAINT appeal_decision_fk FOREIGN KEY (decision_id) REFERENCES decision(id)`);

    // the letter as sent: the HTML and the PDF/A kept in storage, their digests, the journal entry that registered it
    await q.query(`
      CREATE TABLE decision_letter (
        decision_id uuid PRIMARY KEY REFERENCES decision(id),
        template text NOT NULL,
        language text NOT NULL CHECK (language IN ('nb','nn')),
        html_key text NOT NULL,
        html_sha256 char(64) NOT NULL,
        pdf_key text NOT NULL,
        pdf_sha256 char(64) NOT NULL,
        pdf_bytes integer NOT NULL CHECK (pdf_bytes > 0),
        case_number text NOT NULL,
        journal_seq integer NOT NULL,
        appeal_deadline date NOT NULL,
        accept_by timestamptz,
        sent_at timestamptz NOT NULL,
        FOREIGN KEY (case_number, journal_seq) REFERENCES journal_entry(case_number, seq)
      )`);
    await q.query(
      `CREATE TRIGGER decision_letter_append_only BEFORE UPDATE OR DELETE ON decision_letter FOR EACH ROW EXECUTE FUNCTION refuse_change_to_frozen_row()`,
    );

    // the grant an approved decision creates; a reversal on appeal points it at the decision now in force
    await q.query(`
      CREATE TABLE grant_award (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        status text NOT NULL DEFAULT 'AWAITING_ACCEPTANCE'
          CONSTRAINT grant_award_status_check CHECK (status IN ('AWAITING_ACCEPTANCE','ACTIVE','LAPSED','CANCELLED','COMPLETED')),
        decision_id uuid NOT NULL REFERENCES decision(id),
        application_id uuid NOT NULL REFERENCES application(id),
        call_id uuid NOT NULL REFERENCES call(id),
        consortium_id uuid NOT NULL REFERENCES consortium(id),
        case_number text NOT NULL REFERENCES case_file(case_number),
        amount_ore bigint NOT NULL CHECK (amount_ore > 0),
        payment_plan jsonb NOT NULL CHECK (jsonb_typeof(payment_plan) = 'array'),
        report_schedule jsonb NOT NULL CHECK (jsonb_typeof(report_schedule) = 'object'),
        project_start date,
        project_end date,
        accept_by timestamptz NOT NULL,
        accepted_at timestamptz,
        accepted_by_user uuid REFERENCES app_user(id),
        accepted_by_name text,
        accepted_by_title text,
        acceptance_channel text CHECK (acceptance_channel IN ('ONLINE','SIGNED_DOCUMENT')),
        acceptance_document_key text,
        acceptance_document_sha256 char(64),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CHECK ((accepted_at IS NULL) = (acceptance_channel IS NULL)),
        CHECK (accepted_at IS NULL OR (length(trim(accepted_by_name)) > 0 AND length(trim(accepted_by_title)) > 0)),
        CHECK ((acceptance_channel = 'SIGNED_DOCUMENT') = (acceptance_document_key IS NOT NULL)),
        CHECK (status NOT IN ('ACTIVE','COMPLETED') OR accepted_at IS NOT NULL),
        CHECK (status NOT IN ('AWAITING_ACCEPTANCE','LAPSED') OR accepted_at IS NULL)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX grant_award_one_live ON grant_award (application_id) WHERE status IN ('AWAITING_ACCEPTANCE','ACTIVE','COMPLETED')`,
    );
    await q.query(`CREATE INDEX grant_award_call_idx ON grant_award (call_id, status)`);
    await q.query(`CREATE INDEX grant_award_accept_by_idx ON grant_award (accept_by) WHERE status = 'AWAITING_ACCEPTANCE'`);

    // the committed amount is the sum of the call's live grants, checked at commit whenever a grant or the amount changes
    await q.query(`
      CREATE FUNCTION call_committed_matches_grants() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        cid uuid;
        committed bigint;
        s bigint;
      BEGIN
        IF TG_TABLE_NAME = 'call' THEN cid := NEW.id; ELSE cid := NEW.call_id; END IF;
        SELECT committed_ore INTO committed FROM call WHERE id = cid;
        SELECT COALESCE(sum(amount_ore), 0) INTO s FROM grant_award
         WHERE call_id = cid AND status IN ('AWAITING_ACCEPTANCE','ACTIVE','COMPLETED');
        IF s <> committed THEN
          RAISE EXCEPTION 'call %: committed % øre, but its live grants add up to % øre', cid, committed, s USING ERRCODE = '23514';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER grant_award_committed AFTER INSERT OR UPDATE ON grant_award
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION call_committed_matches_grants()`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER call_committed AFTER UPDATE OF committed_ore ON call
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION call_committed_matches_grants()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER call_committed ON call`);
    await q.query(`DROP TRIGGER grant_award_committed ON grant_award`);
    await q.query(`DROP FUNCTION call_committed_matches_grants`);
    await q.query(`DROP TABLE grant_award`);
    await q.query(`DROP TABLE decision_letter`);
    await q.query(`ALTER TABLE appeal DROP CONSTRAINT appeal_decision_fk`);
    await q.query(`DROP TABLE decision`);
    await q.query(`DROP TABLE appeal_attachment`);
    await q.query(`DROP TABLE appeal`);
    await q.query(`ALTER TABLE journal_entry DROP CONSTRAINT journal_entry_document_whole`);
    await q.query(`ALTER TABLE journal_entry DROP COLUMN document_media_type`);
    await q.query(`ALTER TABLE journal_entry DROP COLUMN document_sha256`);
    await q.query(`ALTER TABLE journal_entry DROP COLUMN document_key`);
    await q.query(`ALTER TABLE call DROP CONSTRAINT call_committed_within_budget`);
    await q.query(`ALTER TABLE call DROP COLUMN committed_ore`);
    await q.query(`UPDATE application SET status = 'ASSESSED' WHERE status = 'DECIDED'`);
    await q.query(`ALTER TABLE application DROP CONSTRAINT application_status_check`);
    await q.query(`
      ALTER TABLE application ADD CONSTRAINT application_status_check
        CHECK (status IN ('DRAFT','SUBMITTED','RETURNED','ELIGIBLE','IN_ASSESSMENT','ASSESSED','REJECTED','WITHDRAWN'))`);
  }
}
