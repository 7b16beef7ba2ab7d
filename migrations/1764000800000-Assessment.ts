import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Assessment (issue 10): a call version's criteria as rows, assessors' declared ties, assignments behind the
 * conflict-of-interest gate, scores held within their criterion's scale by the database, the history a reopened
 * assessment leaves, moderated scores, and versioned allocation proposals that never exceed the call budget.
 * Applications gain the states IN_ASSESSMENT and ASSESSED.
 */
export class Assessment1764000800000 implements MigrationInterface {
  name = 'Assessment1764000800000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE application DROP CONSTRAINT application_status_check`);
    await q.query(`
      ALTER TABLE application ADD CONSTRAINT application_status_check
        CHECK (status IN ('DRAFT','SUBMITTED','RETURNED','ELIGIBLE','IN_ASSESSMENT','ASSESSED','REJECTED','WITHDRAWN'))`);

    // the criteria a published call version froze, one row each: scores point at them and inherit their scale
    await q.query(`
      CREATE TABLE call_criterion (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        call_id uuid NOT NULL,
        call_version integer NOT NULL,
        code text NOT NULL,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        weight integer NOT NULL CHECK (weight > 0),
        scale_min integer NOT NULL,
        scale_max integer NOT NULL,
        na_allowed boolean NOT NULL,
        position integer NOT NULL CHECK (position >= 0),
        CHECK (scale_max > scale_min),
        FOREIGN KEY (call_id, call_version) REFERENCES call_version (call_id, version),
        UNIQUE (call_id, call_version, code),
        UNIQUE (call_id, call_version, position),
        UNIQUE (id, scale_min, scale_max),
        -- what a score row copies and is checked against: its call version, its scale and whether N/A is allowed
        UNIQUE (id, call_id, call_version, scale_min, scale_max, na_allowed)
      )`);
    await q.query(
      `CREATE TRIGGER call_criterion_append_only BEFORE UPDATE OR DELETE ON call_criterion FOR EACH ROW EXECUTE FUNCTION refuse_change_to_frozen_row()`,
    );
    // written by the database whenever a call version is stored, so the calls module need not know of assessment
    await q.query(`
      CREATE FUNCTION call_version_criteria() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO call_criterion (call_id, call_version, code, name, description, weight, scale_min, scale_max, na_allowed, position)
        SELECT NEW.call_id, NEW.version, c->>'code', c->>'name', COALESCE(c->>'description', ''), (c->>'weight')::int,
               (c->>'scaleMin')::int, (c->>'scaleMax')::int, COALESCE((c->>'naAllowed')::boolean, false), (n - 1)::int
          FROM jsonb_array_elements(COALESCE(NEW.content->'rules'->'criteria', '[]'::jsonb)) WITH ORDINALITY AS t(c, n);
        RETURN NEW;
      END $$`);
    await q.query(
      `CREATE TRIGGER call_version_criteria AFTER INSERT ON call_version FOR EACH ROW EXECUTE FUNCTION call_version_criteria()`,
    );
    await q.query(`
      INSERT INTO call_criterion (call_id, call_version, code, name, description, weight, scale_min, scale_max, na_allowed, position)
      SELECT v.call_id, v.version, c->>'code', c->>'name', COALESCE(c->>'description', ''), (c->>'weight')::int,
             (c->>'scaleMin')::int, (c->>'scaleMax')::int, COALESCE((c->>'naAllowed')::boolean, false), (n - 1)::int
        FROM call_version v, jsonb_array_elements(COALESCE(v.content->'rules'->'criteria', '[]'::jsonb)) WITH ORDINALITY AS t(c, n)`);

    // habilitet: organisations an assessor is tied to; replaced as a whole list by the assessor
    await q.query(`
      CREATE TABLE assessor_tie (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES app_user(id),
        organisation_id uuid NOT NULL REFERENCES organisation(id),
        kind text NOT NULL CHECK (kind IN ('EMPLOYED','BOARD_MEMBER','OWNER','ADVISER','FAMILY','OTHER')),
        description text,
        valid_from date,
        valid_to date,
        position integer NOT NULL CHECK (position >= 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from),
        UNIQUE (user_id, position)
      )`);
    await q.query(`CREATE INDEX assessor_tie_org_idx ON assessor_tie (organisation_id)`);

    await q.query(`
      CREATE TABLE assessment_assignment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        status text NOT NULL DEFAULT 'ASSIGNED' CHECK (status IN ('ASSIGNED','DECLARED','COMPLETED','RECUSED','WITHDRAWN')),
        application_id uuid NOT NULL,
        call_id uuid NOT NULL,
        application_version integer NOT NULL,
        call_version integer NOT NULL,
        assessor_user_id uuid NOT NULL REFERENCES app_user(id),
        due_at timestamptz NOT NULL,
        assigned_by uuid REFERENCES app_user(id),
        assigned_at timestamptz NOT NULL,
        declared_at timestamptz,
        conflict boolean,
        conflict_description text,
        recommendation text CHECK (recommendation IN ('FUND','FUND_WITH_CONDITIONS','DO_NOT_FUND')),
        recommendation_comment text,
        completed_at timestamptz,
        round integer NOT NULL DEFAULT 1 CHECK (round >= 1),
        updated_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (application_id, call_id) REFERENCES application (id, call_id),
        FOREIGN KEY (application_id, application_version) REFERENCES application_version (application_id, version),
        FOREIGN KEY (call_id, call_version) REFERENCES call_version (call_id, version),
        UNIQUE (id, call_id, call_version),
        CHECK ((status = 'ASSIGNED') = (declared_at IS NULL)),
        CHECK (status NOT IN ('DECLARED','COMPLETED') OR conflict = false),
        CHECK (status <> 'RECUSED' OR (conflict = true AND length(trim(conflict_description)) > 0)),
        CHECK ((status = 'COMPLETED') = (completed_at IS NOT NULL)),
        CHECK (status <> 'COMPLETED' OR recommendation IS NOT NULL)
      )`);
    // one live assignment per assessor and application (a recused or withdrawn one may be followed by a new one)
    await q.query(`
      CREATE UNIQUE INDEX assessment_assignment_live_idx ON assessment_assignment (application_id, assessor_user_id)
        WHERE status IN ('ASSIGNED','DECLARED','COMPLETED')`);
    await q.query(`CREATE INDEX assessment_assignment_assessor_idx ON assessment_assignment (assessor_user_id, status)`);
    await q.query(`CREATE INDEX assessment_assignment_call_idx ON assessment_assignment (call_id, application_id)`);

    // a score is for a criterion of the call version the application was submitted under, within its scale
    await q.query(`
      CREATE TABLE assessment_score (
        assignment_id uuid NOT NULL,
        criterion_id uuid NOT NULL,
        call_id uuid NOT NULL,
        call_version integer NOT NULL,
        scale_min integer NOT NULL,
        scale_max integer NOT NULL,
        na_allowed boolean NOT NULL,
        score integer,
        not_applicable boolean NOT NULL DEFAULT false,
        rationale text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (assignment_id, criterion_id),
        FOREIGN KEY (assignment_id, call_id, call_version) REFERENCES assessment_assignment (id, call_id, call_version),
        FOREIGN KEY (criterion_id, call_id, call_version, scale_min, scale_max, na_allowed)
          REFERENCES call_criterion (id, call_id, call_version, scale_min, scale_max, na_allowed),
        CHECK ((score IS NULL) = not_applicable),
        CHECK (score IS NULL OR score BETWEEN scale_min AND scale_max),
        CHECK (NOT not_applicable OR na_allowed),
        CHECK ((score IS NOT NULL AND score > scale_min AND score < scale_max) OR length(trim(COALESCE(rationale, ''))) > 0)
      )`);

    // what a reopened assessment said before: never changed, so rescoring is visible
    await q.query(`
      CREATE TABLE assessment_round (
        assignment_id uuid NOT NULL REFERENCES assessment_assignment(id),
        round integer NOT NULL CHECK (round >= 1),
        scores jsonb NOT NULL,
        weighted_score numeric(10,4),
        recommendation text NOT NULL,
        recommendation_comment text,
        completed_at timestamptz NOT NULL,
        reopened_at timestamptz NOT NULL,
        reopened_by uuid REFERENCES app_user(id),
        reason text NOT NULL CHECK (length(trim(reason)) > 0),
        PRIMARY KEY (assignment_id, round)
      )`);
    await q.query(
      `CREATE TRIGGER assessment_round_append_only BEFORE UPDATE OR DELETE ON assessment_round FOR EACH ROW EXECUTE FUNCTION refuse_change_to_frozen_row()`,
    );

    // an officer's agreed scores where the assessors disagreed; the assessors' own scores stay as they were
    await q.query(`
      CREATE TABLE assessment_moderation (
        application_id uuid PRIMARY KEY REFERENCES application(id),
        call_id uuid NOT NULL,
        call_version integer NOT NULL,
        note text,
        moderated_by uuid REFERENCES app_user(id),
        moderated_at timestamptz NOT NULL,
        FOREIGN KEY (call_id, call_version) REFERENCES call_version (call_id, version),
        UNIQUE (application_id, call_id, call_version)
      )`);
    await q.query(`
      CREATE TABLE moderated_score (
        application_id uuid NOT NULL,
        criterion_id uuid NOT NULL,
        call_id uuid NOT NULL,
        call_version integer NOT NULL,
        scale_min integer NOT NULL,
        scale_max integer NOT NULL,
        na_allowed boolean NOT NULL,
        score integer,
        not_applicable boolean NOT NULL DEFAULT false,
        rationale text NOT NULL CHECK (length(trim(rationale)) > 0),
        PRIMARY KEY (application_id, criterion_id),
        FOREIGN KEY (application_id, call_id, call_version) REFERENCES assessment_moderation (application_id, call_id, call_version) ON DELETE CASCADE,
        FOREIGN KEY (criterion_id, call_id, call_version, scale_min, scale_max, na_allowed)
          REFERENCES call_criterion (id, call_id, call_version, scale_min, scale_max, na_allowed),
        CHECK ((score IS NULL) = not_applicable),
        CHECK (score IS NULL OR score BETWEEN scale_min AND scale_max),
        CHECK (NOT not_applicable OR na_allowed)
      )`);

    // a proposal is versioned: a new run or an adjustment is a new version, the earlier ones stay
    await q.query(`
      CREATE TABLE allocation_proposal (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        call_id uuid NOT NULL REFERENCES call(id),
        version integer NOT NULL CHECK (version >= 1),
        based_on uuid REFERENCES allocation_proposal(id),
        budget_ore bigint NOT NULL CHECK (budget_ore > 0),
        total_ore bigint NOT NULL CHECK (total_ore >= 0),
        tie_break text NOT NULL,
        created_by uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL,
        CHECK (total_ore <= budget_ore),
        UNIQUE (call_id, version)
      )`);
    await q.query(`
      CREATE TABLE allocation_proposal_line (
        proposal_id uuid NOT NULL REFERENCES allocation_proposal(id),
        application_id uuid NOT NULL REFERENCES application(id),
        rank integer CHECK (rank >= 1),
        score numeric(10,4),
        requested_ore bigint NOT NULL CHECK (requested_ore >= 0),
        max_allowed_ore bigint NOT NULL CHECK (max_allowed_ore >= 0),
        proposed_ore bigint NOT NULL CHECK (proposed_ore >= 0),
        outcome text NOT NULL CHECK (outcome IN ('FULL','PARTIAL','NONE')),
        note text NOT NULL,
        adjustment_reason text,
        PRIMARY KEY (proposal_id, application_id),
        CHECK (proposed_ore <= max_allowed_ore AND proposed_ore <= requested_ore)
      )`);
    await q.query(
      `CREATE TRIGGER allocation_proposal_append_only BEFORE UPDATE OR DELETE ON allocation_proposal FOR EACH ROW EXECUTE FUNCTION refuse_change_to_frozen_row()`,
    );
    await q.query(
      `CREATE TRIGGER allocation_proposal_line_append_only BEFORE UPDATE OR DELETE ON allocation_proposal_line FOR EACH ROW EXECUTE FUNCTION refuse_change_to_frozen_row()`,
    );
    // the lines add up to the proposal's total, which the CHECK above holds within the budget (checked at commit)
    await q.query(`
      CREATE FUNCTION allocation_proposal_total() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        p allocation_proposal%ROWTYPE;
        s bigint;
      BEGIN
        SELECT * INTO p FROM allocation_proposal WHERE id = NEW.proposal_id;
        SELECT COALESCE(sum(proposed_ore), 0) INTO s FROM allocation_proposal_line WHERE proposal_id = NEW.proposal_id;
        IF s <> p.total_ore THEN
          RAISE EXCEPTION 'allocation proposal %: lines add up to % øre, the total says %', p.id, s, p.total_ore USING ERRCODE = '23514';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER allocation_proposal_total AFTER INSERT ON allocation_proposal_line
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION allocation_proposal_total()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE allocation_proposal_line`);
    await q.query(`DROP FUNCTION allocation_proposal_total`);
    await q.query(`DROP TABLE allocation_proposal`);
    await q.query(`DROP TABLE moderated_score`);
    await q.query(`DROP TABLE assessment_moderation`);
    await q.query(`DROP TABLE assessment_round`);
    await q.query(`DROP TABLE assessment_score`);
    await q.query(`DROP TABLE assessment_assignment`);
    await q.query(`DROP TABLE assessor_tie`);
    await q.query(`DROP TRIGGER call_version_criteria ON call_version`);
    await q.query(`DROP FUNCTION call_version_criteria`);
    await q.query(`DROP TABLE call_criterion`);
    await q.query(`UPDATE application SET status = 'ELIGIBLE' WHERE status IN ('IN_ASSESSMENT','ASSESSED')`);
    await q.query(`ALTER TABLE application DROP CONSTRAINT application_status_check`);
    await q.query(`
      ALTER TABLE application ADD CONSTRAINT application_status_check
        CHECK (status IN ('DRAFT','SUBMITTED','RETURNED','ELIGIBLE','REJECTED','WITHDRAWN'))`);
  }
}
