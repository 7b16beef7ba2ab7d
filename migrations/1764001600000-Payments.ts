import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payments and reclaims (issue 13). A grant's payee (the lead municipality's organisation number and account; a change
 * waits for an officer), one payment row per tranche of its payment plan (a payment the bank returned stays, and the
 * tranche gets a new row), plan changes confirmed by an approver, export batches for the accounting system with their
 * frozen lines, the final settlement, and reclaims (tilbakebetaling) with their repayments.
 *
 * Nothing stores a total: paid, approved, reclaimed and repaid are sums over these rows. A constraint trigger checked
 * at commit locks the grant row and holds paid ≤ granted, the live tranches ≤ granted, reclaimed ≤ paid and repaid ≤
 * each reclaim, so even a writer that forgot the lock cannot commit a ledger that does not add up.
 */
export class Payments1764001600000 implements MigrationInterface {
  name = 'Payments1764001600000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE grant_payee (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        grant_id uuid NOT NULL REFERENCES grant_award(id),
        status text NOT NULL CHECK (status IN ('PENDING','ACTIVE','SUPERSEDED','REJECTED')),
        organisation_number char(9) NOT NULL CHECK (organisation_number ~ '^[0-9]{9}$'),
        account char(11) NOT NULL CHECK (account ~ '^[0-9]{11}$'),
        registered_by uuid REFERENCES app_user(id),
        registered_at timestamptz NOT NULL,
        decided_by uuid REFERENCES app_user(id),
        decided_at timestamptz,
        decision_note text,
        CHECK (status <> 'PENDING' OR decided_at IS NULL),
        CHECK (status <> 'REJECTED' OR decided_at IS NOT NULL),
        CHECK (decided_by IS NULL OR decided_by IS DISTINCT FROM registered_by)
      )`);
    await q.query(`CREATE UNIQUE INDEX grant_payee_one_active ON grant_payee (grant_id) WHERE status = 'ACTIVE'`);
    await q.query(`CREATE UNIQUE INDEX grant_payee_one_pending ON grant_payee (grant_id) WHERE status = 'PENDING'`);

    await q.query(`
      CREATE TABLE payment_export (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number integer NOT NULL UNIQUE CHECK (number >= 1),
        call_id uuid REFERENCES call(id),
        payment_count integer NOT NULL CHECK (payment_count >= 1),
        total_ore bigint NOT NULL CHECK (total_ore > 0),
        csv_key text NOT NULL,
        csv_sha256 char(64) NOT NULL,
        xlsx_key text NOT NULL,
        xlsx_sha256 char(64) NOT NULL,
        created_by uuid NOT NULL REFERENCES app_user(id),
        created_at timestamptz NOT NULL
      )`);
    await q.query(
      `CREATE TRIGGER payment_export_append_only BEFORE UPDATE OR DELETE ON payment_export FOR EACH ROW EXECUTE FUNCTION refuse_change_to_frozen_row()`,
    );

    await q.query(`
      CREATE TABLE payment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        status text NOT NULL DEFAULT 'PLANNED'
          CONSTRAINT payment_status_check CHECK (status IN ('PLANNED','PAYABLE','ATTESTED','APPROVED','SENT','PAID','FAILED','RETURNED','CANCELLED')),
        grant_id uuid NOT NULL REFERENCES grant_award(id),
        call_id uuid NOT NULL REFERENCES call(id),
        tranche integer NOT NULL CHECK (tranche >= 1),
        attempt integer NOT NULL DEFAULT 1 CHECK (attempt >= 1),
        trigger text NOT NULL CHECK (trigger IN ('ACCEPTANCE','PROGRESS_REPORT_APPROVED','FINAL_REPORT_APPROVED')),
        share_bp integer NOT NULL CHECK (share_bp BETWEEN 0 AND 10000),
        planned_ore bigint NOT NULL CHECK (planned_ore >= 0),
        amount_ore bigint NOT NULL CHECK (amount_ore >= 0),
        adjustment_reason text,
        reference text NOT NULL UNIQUE,
        payee_organisation_number char(9),
        payee_account char(11),
        attested_by uuid REFERENCES app_user(id),
        attested_at timestamptz,
        approved_by uuid REFERENCES app_user(id),
        approved_at timestamptz,
        export_id uuid REFERENCES payment_export(id),
        paid_on date,
        bank_reference text,
        failure_reason text,
        returned_on date,
        return_reason text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT payment_amount_within_plan CHECK (amount_ore <= planned_ore),
        CONSTRAINT payment_nothing_paid_of_nothing CHECK (amount_ore > 0 OR status IN ('PLANNED','PAYABLE','CANCELLED')),
        -- attestation and approval by two people (Reglement for økonomistyring i staten)
        CONSTRAINT payment_two_people CHECK (approved_by IS DISTINCT FROM attested_by OR approved_by IS NULL),
        CHECK (status NOT IN ('ATTESTED','APPROVED','SENT','PAID','RETURNED')
               OR (attested_by IS NOT NULL AND payee_account IS NOT NULL AND payee_organisation_number IS NOT NULL)),
        CHECK (status NOT IN ('APPROVED','SENT','PAID','RETURNED') OR approved_by IS NOT NULL),
        CHECK (status NOT IN ('SENT','PAID','RETURNED') OR export_id IS NOT NULL),
        CHECK ((status IN ('PAID','RETURNED')) = (paid_on IS NOT NULL)),
        CHECK ((status = 'RETURNED') = (returned_on IS NOT NULL AND length(trim(coalesce(return_reason, ''))) > 0))
      )`);
    // one live payment per tranche: a returned one stays beside the new attempt, a cancelled one beside a new plan
    await q.query(
      `CREATE UNIQUE INDEX payment_one_live_per_tranche ON payment (grant_id, tranche) WHERE status NOT IN ('RETURNED','CANCELLED')`,
    );
    await q.query(`CREATE INDEX payment_status_idx ON payment (status, call_id)`);

    // the lines of a batch as exported: what the accounting system got, kept even if the payment later fails
    await q.query(`
      CREATE TABLE payment_export_line (
        export_id uuid NOT NULL REFERENCES payment_export(id),
        position integer NOT NULL CHECK (position >= 1),
        payment_id uuid NOT NULL REFERENCES payment(id),
        organisation_number char(9) NOT NULL,
        account char(11) NOT NULL,
        amount_ore bigint NOT NULL CHECK (amount_ore > 0),
        reference text NOT NULL,
        case_number text NOT NULL,
        tranche integer NOT NULL,
        PRIMARY KEY (export_id, position),
        UNIQUE (export_id, payment_id)
      )`);
    await q.query(
      `CREATE TRIGGER payment_export_line_append_only BEFORE UPDATE OR DELETE ON payment_export_line FOR EACH ROW EXECUTE FUNCTION refuse_change_to_frozen_row()`,
    );

    // a change of a grant's payment plan before its first payment: proposed by an officer, confirmed by an approver
    await q.query(`
      CREATE TABLE payment_plan_change (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        grant_id uuid NOT NULL REFERENCES grant_award(id),
        status text NOT NULL CHECK (status IN ('PROPOSED','CONFIRMED','REJECTED')),
        plan jsonb NOT NULL CHECK (jsonb_typeof(plan) = 'array' AND jsonb_array_length(plan) >= 1),
        reason text NOT NULL CHECK (length(trim(reason)) > 0),
        proposed_by uuid NOT NULL REFERENCES app_user(id),
        proposed_at timestamptz NOT NULL,
        decided_by uuid REFERENCES app_user(id),
        decided_at timestamptz,
        decision_note text,
        CHECK ((status = 'PROPOSED') = (decided_at IS NULL)),
        CHECK (decided_by IS DISTINCT FROM proposed_by)
      )`);
    await q.query(`CREATE UNIQUE INDEX payment_plan_change_one_open ON payment_plan_change (grant_id) WHERE status = 'PROPOSED'`);

    // the final settlement, once, when the final report is approved
    await q.query(`
      CREATE TABLE grant_settlement (
        grant_id uuid PRIMARY KEY REFERENCES grant_award(id),
        report_id uuid,
        eligible_costs_ore bigint NOT NULL CHECK (eligible_costs_ore >= 0),
        share_bp integer NOT NULL CHECK (share_bp BETWEEN 0 AND 10000),
        granted_ore bigint NOT NULL CHECK (granted_ore > 0),
        final_grant_ore bigint NOT NULL CHECK (final_grant_ore >= 0 AND final_grant_ore <= granted_ore),
        paid_before_ore bigint NOT NULL CHECK (paid_before_ore >= 0),
        last_tranche_ore bigint NOT NULL CHECK (last_tranche_ore >= 0),
        reclaim_ore bigint NOT NULL CHECK (reclaim_ore >= 0),
        settled_at timestamptz NOT NULL
      )`);
    await q.query(
      `CREATE TRIGGER grant_settlement_append_only BEFORE UPDATE OR DELETE ON grant_settlement FOR EACH ROW EXECUTE FUNCTION refuse_change_to_frozen_row()`,
    );

    await q.query(`
      CREATE TABLE reclaim (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        status text NOT NULL
          CONSTRAINT reclaim_status_check CHECK (status IN ('PROPOSED','DEMANDED','WRITE_OFF_PROPOSED','REPAID','WRITTEN_OFF','DISMISSED')),
        grant_id uuid NOT NULL REFERENCES grant_award(id),
        number integer NOT NULL CHECK (number >= 1),
        kind text NOT NULL CHECK (kind IN ('SETTLEMENT','MISUSE','CONDITIONS_BROKEN','OTHER')),
        amount_ore bigint NOT NULL CHECK (amount_ore > 0),
        reasons text NOT NULL CHECK (length(trim(reasons)) > 0),
        due_on date,
        raised_by uuid REFERENCES app_user(id),
        raised_at timestamptz NOT NULL,
        language text CHECK (language IN ('nb','nn')),
        html_key text,
        html_sha256 char(64),
        pdf_key text,
        pdf_sha256 char(64),
        case_number text,
        journal_seq integer,
        write_off_reason text,
        dismiss_reason text,
        updated_at timestamptz NOT NULL,
        UNIQUE (grant_id, number),
        FOREIGN KEY (case_number, journal_seq) REFERENCES journal_entry(case_number, seq),
        -- a demand is a letter with a due date; only a settlement's proposal waits for the officer without one
        CHECK (status IN ('PROPOSED','DISMISSED') OR (due_on IS NOT NULL AND pdf_key IS NOT NULL AND journal_seq IS NOT NULL)),
        CHECK ((status IN ('WRITE_OFF_PROPOSED','WRITTEN_OFF')) = (length(trim(coalesce(write_off_reason, ''))) > 0)),
        CHECK ((status = 'DISMISSED') = (length(trim(coalesce(dismiss_reason, ''))) > 0))
      )`);
    await q.query(`CREATE INDEX reclaim_grant_idx ON reclaim (grant_id, status)`);

    await q.query(`
      CREATE TABLE reclaim_repayment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reclaim_id uuid NOT NULL REFERENCES reclaim(id),
        grant_id uuid NOT NULL REFERENCES grant_award(id),
        amount_ore bigint NOT NULL CHECK (amount_ore > 0),
        received_on date NOT NULL,
        note text,
        recorded_by uuid REFERENCES app_user(id),
        recorded_at timestamptz NOT NULL
      )`);
    await q.query(
      `CREATE TRIGGER reclaim_repayment_append_only BEFORE UPDATE OR DELETE ON reclaim_repayment FOR EACH ROW EXECUTE FUNCTION refuse_change_to_frozen_row()`,
    );

    // the ledger adds up, checked at commit under the grant's row lock (concurrent writers wait for each other here)
    await q.query(`
      CREATE FUNCTION grant_ledger_holds() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        gid uuid;
        granted bigint;
        paid bigint;
        live bigint;
        reclaimed bigint;
        over_repaid uuid;
      BEGIN
        IF TG_TABLE_NAME = 'grant_award' THEN gid := NEW.id; ELSE gid := NEW.grant_id; END IF;
        -- NO KEY UPDATE: serialises these checks (and the services' FOR UPDATE) without waiting on the key-share lock
        -- every payment or reclaim row's foreign key holds on the grant, which would deadlock two inserting writers
        SELECT amount_ore INTO granted FROM grant_award WHERE id = gid FOR NO KEY UPDATE;
        SELECT COALESCE(sum(amount_ore) FILTER (WHERE status = 'PAID'), 0),
               COALESCE(sum(amount_ore) FILTER (WHERE status NOT IN ('RETURNED','CANCELLED')), 0)
          INTO paid, live FROM payment WHERE grant_id = gid;
        SELECT COALESCE(sum(amount_ore), 0) INTO reclaimed FROM reclaim WHERE grant_id = gid AND status <> 'DISMISSED';
        IF paid > granted THEN
          RAISE EXCEPTION 'grant %: % øre paid of % øre granted', gid, paid, granted
            USING ERRCODE = '23514', CONSTRAINT = 'grant_paid_within_granted';
        END IF;
        IF live > granted THEN
          RAISE EXCEPTION 'grant %: tranches of % øre for % øre granted', gid, live, granted
            USING ERRCODE = '23514', CONSTRAINT = 'grant_tranches_within_granted';
        END IF;
        IF reclaimed > paid THEN
          RAISE EXCEPTION 'grant %: % øre reclaimed of % øre paid', gid, reclaimed, paid
            USING ERRCODE = '23514', CONSTRAINT = 'grant_reclaimed_within_paid';
        END IF;
        SELECT r.id INTO over_repaid FROM reclaim r
         WHERE r.grant_id = gid
           AND (SELECT COALESCE(sum(p.amount_ore), 0) FROM reclaim_repayment p WHERE p.reclaim_id = r.id) > r.amount_ore
         LIMIT 1;
        IF over_repaid IS NOT NULL THEN
          RAISE EXCEPTION 'reclaim %: repaid more than was reclaimed', over_repaid
            USING ERRCODE = '23514', CONSTRAINT = 'reclaim_repaid_within_amount';
        END IF;
        RETURN NULL;
      END $$`);
    for (const t of ['payment', 'reclaim', 'reclaim_repayment']) {
      await q.query(`
        CREATE CONSTRAINT TRIGGER ${t}_ledger AFTER INSERT OR UPDATE ON ${t}
          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION grant_ledger_holds()`);
    }
    await q.query(`
      CREATE CONSTRAINT TRIGGER grant_award_ledger AFTER UPDATE OF amount_ore ON grant_award
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION grant_ledger_holds()`);

    // the grants made before this migration get their tranches: planned, or payable when already accepted
    await q.query(`
      INSERT INTO payment (status, grant_id, call_id, tranche, trigger, share_bp, planned_ore, amount_ore, reference, created_at, updated_at)
      SELECT CASE WHEN g.status IN ('ACTIVE','COMPLETED') AND l.line->>'trigger' = 'ACCEPTANCE' THEN 'PAYABLE'
                  WHEN g.status IN ('LAPSED','CANCELLED') THEN 'CANCELLED' ELSE 'PLANNED' END,
             g.id, g.call_id, l.n, l.line->>'trigger', (l.line->>'shareBp')::integer,
             (l.line->>'amountOre')::bigint, (l.line->>'amountOre')::bigint,
             'HTO-' || replace(g.case_number, '/', '-') || '-' || l.n || '-1', g.created_at, g.created_at
        FROM grant_award g CROSS JOIN LATERAL jsonb_array_elements(g.payment_plan) WITH ORDINALITY AS l(line, n)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER grant_award_ledger ON grant_award`);
    for (const t of ['payment', 'reclaim', 'reclaim_repayment']) await q.query(`DROP TRIGGER ${t}_ledger ON ${t}`);
    await q.query(`DROP FUNCTION grant_ledger_holds`);
    await q.query(`DROP TABLE reclaim_repayment`);
    await q.query(`DROP TABLE reclaim`);
    await q.query(`DROP TABLE grant_settlement`);
    await q.query(`DROP TABLE payment_plan_change`);
    await q.query(`DROP TABLE payment_export_line`);
    await q.query(`DROP TABLE payment`);
    await q.query(`DROP TABLE payment_export`);
    await q.query(`DROP TABLE grant_payee`);
  }
}
