import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Follow-up reports (issue 12): the reports a grant owes (generated from its call's schedule when it becomes ACTIVE,
 * or added ad hoc by an officer), the draft the consortium saves, each submitted version frozen with its financial
 * actuals and indicator values as rows (the values referencing the approved indicators by id), the officer's reviews,
 * and attachments. Overdue is not stored: it follows from the due date and the state.
 */
export class Reports1764001400000 implements MigrationInterface {
  name = 'Reports1764001400000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        status text NOT NULL DEFAULT 'DRAFT'
          CONSTRAINT report_status_check CHECK (status IN ('DRAFT','SUBMITTED','CHANGES_REQUESTED','APPROVED','CANCELLED')),
        grant_id uuid NOT NULL REFERENCES grant_award(id),
        consortium_id uuid NOT NULL REFERENCES consortium(id),
        call_id uuid NOT NULL REFERENCES call(id),
        application_id uuid NOT NULL,
        -- the application's version the grant was decided on: its budget lines and indicators are what is reported against
        application_version integer NOT NULL,
        case_number text NOT NULL REFERENCES case_file(case_number),
        kind text NOT NULL CHECK (kind IN ('PROGRESS','FINAL','AD_HOC')),
        -- PROGRESS:2028, FINAL: the schedule's own reports; null for an ad hoc one
        schedule_key text CHECK ((kind = 'AD_HOC') = (schedule_key IS NULL)),
        title text NOT NULL CHECK (length(trim(title)) > 0),
        questions jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(questions) = 'array'),
        -- the call's narrative sections (code, title, length limit) when the report was made
        sections jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(sections) = 'array'),
        benefit_summary_max_length integer NOT NULL CHECK (benefit_summary_max_length > 0),
        period_start date,
        period_end date,
        due_on date NOT NULL,
        -- the due date the schedule (or the officer) first gave; extensions move due_on only
        original_due_on date NOT NULL,
        content jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(content) = 'object'),
        current_version integer NOT NULL DEFAULT 0 CHECK (current_version >= 0),
        created_by uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        FOREIGN KEY (application_id, application_version) REFERENCES application_version(application_id, version),
        CONSTRAINT report_period_ordered CHECK (period_end IS NULL OR period_start IS NULL OR period_end >= period_start),
        CHECK (status IN ('DRAFT','CANCELLED') OR current_version >= 1)
      )`);
    // a schedule's report exists once per grant (generating twice makes nothing new)
    await q.query(`CREATE UNIQUE INDEX report_one_per_schedule_key ON report (grant_id, schedule_key) WHERE status <> 'CANCELLED'`);
    await q.query(`CREATE INDEX report_grant_idx ON report (grant_id, due_on)`);
    await q.query(`CREATE INDEX report_due_idx ON report (due_on, id) WHERE status = 'DRAFT'`);
    await q.query(`CREATE INDEX report_call_idx ON report (call_id, status)`);

    await q.query(`
      CREATE TABLE report_version (
        report_id uuid NOT NULL REFERENCES report(id),
        version integer NOT NULL CHECK (version >= 1),
        content jsonb NOT NULL,
        content_sha256 char(64) NOT NULL CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
        submitted_at timestamptz NOT NULL,
        submitted_by uuid REFERENCES app_user(id),
        case_number text NOT NULL,
        journal_seq integer NOT NULL,
        PRIMARY KEY (report_id, version),
        FOREIGN KEY (case_number, journal_seq) REFERENCES journal_entry(case_number, seq)
      )`);

    // each version's actuals per cost category and year: only categories of the scheme's catalogue
    await q.query(`
      CREATE TABLE report_actual (
        report_id uuid NOT NULL,
        version integer NOT NULL,
        position integer NOT NULL CHECK (position >= 0),
        cost_category_code text NOT NULL REFERENCES cost_category(code),
        year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
        amount_ore bigint NOT NULL CHECK (amount_ore >= 0),
        PRIMARY KEY (report_id, version, cost_category_code, year),
        UNIQUE (report_id, version, position),
        FOREIGN KEY (report_id, version) REFERENCES report_version(report_id, version)
      )`);

    // each version's value per indicator of the approved benefit plan, linked to the indicator by its id
    await q.query(`
      CREATE TABLE report_indicator_value (
        report_id uuid NOT NULL,
        version integer NOT NULL,
        application_id uuid NOT NULL,
        application_version integer NOT NULL,
        indicator_id uuid NOT NULL,
        measured boolean NOT NULL,
        value numeric(20,4),
        period_start date,
        period_end date,
        method text CHECK (method IN ('MEASURED','ESTIMATED','PERCEIVED')),
        sample_size integer CHECK (sample_size > 0),
        response_rate_percent numeric(7,4) CHECK (response_rate_percent BETWEEN 0 AND 100),
        comment text,
        not_measured_reason text,
        PRIMARY KEY (report_id, version, indicator_id),
        FOREIGN KEY (report_id, version) REFERENCES report_version(report_id, version),
        FOREIGN KEY (application_id, application_version, indicator_id)
          REFERENCES submitted_indicator(application_id, version, indicator_id),
        CONSTRAINT report_indicator_value_whole CHECK (
          (measured AND value IS NOT NULL AND period_start IS NOT NULL AND period_end IS NOT NULL AND method IS NOT NULL
            AND period_end >= period_start AND not_measured_reason IS NULL)
          OR (NOT measured AND value IS NULL AND length(trim(coalesce(not_measured_reason, ''))) > 0))
      )`);

    await q.query(`
      CREATE TABLE report_review (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        report_id uuid NOT NULL,
        version integer NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('APPROVED','CHANGES_REQUESTED')),
        comment text,
        section_comments jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(section_comments) = 'array'),
        reviewed_by uuid NOT NULL REFERENCES app_user(id),
        reviewed_at timestamptz NOT NULL,
        case_number text,
        journal_seq integer,
        UNIQUE (report_id, version),
        FOREIGN KEY (report_id, version) REFERENCES report_version(report_id, version),
        FOREIGN KEY (case_number, journal_seq) REFERENCES journal_entry(case_number, seq),
        CHECK (outcome = 'APPROVED' OR jsonb_array_length(section_comments) > 0 OR length(trim(coalesce(comment, ''))) > 0)
      )`);
    for (const t of ['report_version', 'report_actual', 'report_indicator_value', 'report_review']) {
      await q.query(
        `CREATE TRIGGER ${t}_append_only BEFORE UPDATE OR DELETE ON ${t} FOR EACH ROW EXECUTE FUNCTION refuse_change_to_frozen_row()`,
      );
    }

    await q.query(`
      CREATE TABLE report_attachment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        report_id uuid NOT NULL REFERENCES report(id),
        filename text NOT NULL,
        file_type text NOT NULL CHECK (file_type IN ('pdf','docx','xlsx','pptx','doc','xls','ppt')),
        content_type text NOT NULL,
        size_bytes bigint NOT NULL CHECK (size_bytes > 0),
        sha256 char(64) NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        storage_key text NOT NULL UNIQUE,
        description text,
        uploaded_by uuid REFERENCES app_user(id),
        uploaded_at timestamptz NOT NULL,
        first_submitted_version integer,
        removed_at timestamptz
      )`);
    await q.query(`CREATE INDEX report_attachment_report_idx ON report_attachment (report_id, uploaded_at)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE report_attachment`);
    await q.query(`DROP TABLE report_review`);
    await q.query(`DROP TABLE report_indicator_value`);
    await q.query(`DROP TABLE report_actual`);
    await q.query(`DROP TABLE report_version`);
    await q.query(`DROP TABLE report`);
  }
}
