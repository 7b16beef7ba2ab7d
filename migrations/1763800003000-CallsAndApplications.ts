import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schemes, measures, technology areas, direct allocations, calls (with frozen published versions), applications
 * (draft rows, frozen submitted versions), case numbers, case files and their journal.
 */
export class CallsAndApplications1763800003000 implements MigrationInterface {
  name = 'CallsAndApplications1763800003000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION refuse_change_to_frozen_row() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = '42501';
      END $$`);

    await q.query(`
      CREATE TABLE scheme (
        code text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9_]{1,49}$'),
        name_nb text NOT NULL,
        name_nn text NOT NULL,
        first_year integer NOT NULL,
        last_year integer NOT NULL,
        CHECK (last_year >= first_year)
      )`);
    await q.query(`
      CREATE TABLE measure (
        code text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9_]{1,49}$'),
        scheme_code text NOT NULL REFERENCES scheme(code),
        name_nb text NOT NULL,
        name_nn text NOT NULL,
        allocation text NOT NULL CHECK (allocation IN ('COMPETITIVE','DIRECT','REGISTER','SERVICE')),
        UNIQUE (code, allocation)
      )`);
    await q.query(`
      CREATE TABLE technology_area (
        code text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9_]{1,49}$'),
        name_nb text NOT NULL,
        name_nn text NOT NULL,
        available_from_year integer NOT NULL CHECK (available_from_year BETWEEN 2000 AND 2100),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // a direct allocation (KS's competence network) exists only for a measure given without competition
    await q.query(`
      CREATE TABLE direct_allocation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        measure_code text NOT NULL,
        measure_allocation text NOT NULL DEFAULT 'DIRECT' CHECK (measure_allocation = 'DIRECT'),
        organisation_id uuid NOT NULL REFERENCES organisation(id),
        year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
        amount_ore bigint NOT NULL CHECK (amount_ore > 0),
        reference text,
        note text,
        created_by uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (measure_code, measure_allocation) REFERENCES measure(code, allocation),
        UNIQUE (measure_code, organisation_id, year)
      )`);

    // only a competitive measure has calls; published content changes only by a new version (trigger below)
    await q.query(`
      CREATE TABLE call (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        status text NOT NULL DEFAULT 'DRAFT' CONSTRAINT call_status_check CHECK (status IN ('DRAFT','PUBLISHED','CLOSED','DECIDED','ARCHIVED')),
        measure_code text NOT NULL,
        measure_allocation text NOT NULL DEFAULT 'COMPETITIVE' CHECK (measure_allocation = 'COMPETITIVE'),
        technology_area text NOT NULL REFERENCES technology_area(code),
        title_nb text NOT NULL CHECK (length(trim(title_nb)) > 0),
        title_nn text NOT NULL CHECK (length(trim(title_nn)) > 0),
        text_nb text NOT NULL,
        text_nn text NOT NULL,
        budget_ore bigint NOT NULL CHECK (budget_ore > 0),
        opens_at timestamptz NOT NULL,
        closes_at timestamptz NOT NULL,
        rules jsonb NOT NULL CHECK (jsonb_typeof(rules) = 'object'),
        version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
        frozen_version integer GENERATED ALWAYS AS (CASE WHEN status <> 'DRAFT' THEN version END) STORED,
        created_by uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        CHECK (closes_at > opens_at),
        CHECK ((status = 'DRAFT') = (published_at IS NULL)),
        FOREIGN KEY (measure_code, measure_allocation) REFERENCES measure(code, allocation)
      )`);
    await q.query(`CREATE INDEX call_status_idx ON call (status, closes_at)`);
    await q.query(`
      CREATE TABLE call_version (
        call_id uuid NOT NULL REFERENCES call(id),
        version integer NOT NULL CHECK (version >= 1),
        content jsonb NOT NULL,
        reason text,
        created_by uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (call_id, version)
      )`);
    await q.query(
      `CREATE TRIGGER call_version_append_only BEFORE UPDATE OR DELETE ON call_version FOR EACH ROW EXECUTE FUNCTION refuse_change_to_frozen_row()`,
    );
    // every version a published call has had is kept (checked at commit, so the call and its version insert together)
    await q.query(`
      ALTER TABLE call ADD CONSTRAINT call_frozen_version_kept
        FOREIGN KEY (id, frozen_version) REFERENCES call_version (call_id, version) DEFERRABLE INITIALLY DEFERRED`);
    await q.query(`
      CREATE FUNCTION call_content_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.version < OLD.version THEN
          RAISE EXCEPTION 'call %: version may not go back', OLD.id USING ERRCODE = '23514';
        END IF;
        IF OLD.status <> 'DRAFT' AND NEW.version = OLD.version AND
           (NEW.measure_code, NEW.technology_area, NEW.title_nb, NEW.title_nn, NEW.text_nb, NEW.text_nn,
            NEW.budget_ore, NEW.opens_at, NEW.closes_at, NEW.rules)
           IS DISTINCT FROM
           (OLD.measure_code, OLD.technology_area, OLD.title_nb, OLD.title_nn, OLD.text_nb, OLD.text_nn,
            OLD.budget_ore, OLD.opens_at, OLD.closes_at, OLD.rules) THEN
          RAISE EXCEPTION 'call % is published: its content is frozen, a change needs a new version', OLD.id USING ERRCODE = '23514';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER call_content_frozen BEFORE UPDATE ON call FOR EACH ROW EXECUTE FUNCTION call_content_frozen()`);

    await q.query(`
      CREATE TABLE application (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        status text NOT NULL DEFAULT 'DRAFT'
          CONSTRAINT application_status_check CHECK (status IN ('DRAFT','SUBMITTED','RETURNED','ELIGIBLE','REJECTED','WITHDRAWN')),
        call_id uuid NOT NULL REFERENCES call(id),
        consortium_id uuid NOT NULL REFERENCES consortium(id),
        title text NOT NULL CHECK (length(trim(title)) > 0),
        description text,
        purpose text,
        project_start date,
        project_end date,
        service_areas text[] NOT NULL DEFAULT '{}'
          CHECK (service_areas <@ ARRAY['PLO','FASTLEGE','HELSESTASJON_SKOLEHELSE','LEGEVAKT','OHD','OTHER']::text[]),
        requested_amount_ore bigint CHECK (requested_amount_ore >= 0),
        own_contribution_ore bigint CHECK (own_contribution_ore >= 0),
        other_public_funding_declared boolean,
        confirmations text[] NOT NULL DEFAULT '{}',
        case_number text UNIQUE,
        current_version integer NOT NULL DEFAULT 0 CHECK (current_version >= 0),
        completion_due_at timestamptz,
        created_by uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        submitted_at timestamptz,
        UNIQUE (id, call_id),
        CHECK (project_end IS NULL OR project_start IS NULL OR project_end >= project_start),
        CHECK ((case_number IS NULL) = (current_version = 0)),
        CHECK (status IN ('DRAFT','WITHDRAWN') OR case_number IS NOT NULL),
        CHECK ((status = 'RETURNED') = (completion_due_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX application_call_idx ON application (call_id, status)`);
    await q.query(`CREATE INDEX application_consortium_idx ON application (consortium_id)`);
    await q.query(`CREATE INDEX application_created_idx ON application (created_at, id)`);

    await q.query(`
      CREATE TABLE application_budget_line (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        application_id uuid NOT NULL REFERENCES application(id) ON DELETE CASCADE,
        position integer NOT NULL CHECK (position >= 0),
        cost_category text NOT NULL CHECK (cost_category ~ '^[A-Z][A-Z0-9_]{1,49}$'),
        description text NOT NULL,
        year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
        amount_ore bigint NOT NULL CHECK (amount_ore > 0),
        UNIQUE (application_id, position)
      )`);
    await q.query(`
      CREATE TABLE application_other_funding (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        application_id uuid NOT NULL REFERENCES application(id) ON DELETE CASCADE,
        position integer NOT NULL CHECK (position >= 0),
        source text NOT NULL,
        description text,
        amount_ore bigint NOT NULL CHECK (amount_ore > 0),
        UNIQUE (application_id, position)
      )`);
    await q.query(`
      CREATE TABLE application_indicator (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        application_id uuid NOT NULL REFERENCES application(id) ON DELETE CASCADE,
        position integer NOT NULL CHECK (position >= 0),
        name text NOT NULL,
        unit text NOT NULL,
        actor text NOT NULL CHECK (actor IN ('MUNICIPALITY_STAFF','PATIENTS','RELATIVES','SPECIALIST_CARE','SUPPLIERS')),
        kind text NOT NULL CHECK (kind IN ('AVAILABLE','ADOPTED','VOLUME_OF_USE','BENEFIT')),
        method text NOT NULL CHECK (method IN ('MEASURED','ESTIMATED','PERCEIVED')),
        baseline_value numeric(20,4),
        baseline_date date,
        target_value numeric(20,4),
        target_year integer CHECK (target_year BETWEEN 2000 AND 2100),
        price_year integer CHECK (price_year BETWEEN 2000 AND 2100),
        UNIQUE (application_id, position)
      )`);
    await q.query(`
      CREATE TABLE application_contact (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        application_id uuid NOT NULL REFERENCES application(id) ON DELETE CASCADE,
        position integer NOT NULL CHECK (position >= 0),
        name text NOT NULL,
        email text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
        phone text,
        role text,
        UNIQUE (application_id, position)
      )`);
    await q.query(`
      CREATE TABLE application_attachment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        application_id uuid NOT NULL REFERENCES application(id),
        filename text NOT NULL,
        file_type text NOT NULL CHECK (file_type IN ('pdf','docx','xlsx','pptx','doc','xls','ppt')),
        content_type text NOT NULL,
        size_bytes bigint NOT NULL CHECK (size_bytes > 0),
        sha256 char(64) NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        storage_key text NOT NULL UNIQUE,
        description text,
        uploaded_by uuid REFERENCES app_user(id),
        uploaded_at timestamptz NOT NULL DEFAULT now(),
        first_submitted_version integer,
        removed_at timestamptz
      )`);
    await q.query(`CREATE INDEX application_attachment_app_idx ON application_attachment (application_id, uploaded_at)`);

    // what was submitted, exactly; never changed afterwards
    await q.query(`
      CREATE TABLE application_version (
        application_id uuid NOT NULL REFERENCES application(id),
        version integer NOT NULL CHECK (version >= 1),
        call_version integer NOT NULL,
        content jsonb NOT NULL,
        content_sha256 char(64) NOT NULL,
        submitted_at timestamptz NOT NULL,
        submitted_by uuid REFERENCES app_user(id),
        PRIMARY KEY (application_id, version)
      )`);
    await q.query(
      `CREATE TRIGGER application_version_append_only BEFORE UPDATE OR DELETE ON application_version FOR EACH ROW EXECUTE FUNCTION refuse_change_to_frozen_row()`,
    );

    // a municipality is in at most one (submitted, not withdrawn) application per call: held from submission on
    await q.query(`
      CREATE TABLE application_municipality (
        call_id uuid NOT NULL,
        municipality_number char(4) NOT NULL REFERENCES municipality(number),
        application_id uuid NOT NULL,
        PRIMARY KEY (call_id, municipality_number),
        FOREIGN KEY (application_id, call_id) REFERENCES application(id, call_id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX application_municipality_app_idx ON application_municipality (application_id)`);

    // a row per year, bumped in the submitting transaction: a rolled-back submission leaves no gap (a sequence would)
    await q.query(`
      CREATE TABLE case_number_counter (
        year integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
        last_number integer NOT NULL CHECK (last_number BETWEEN 1 AND 99999)
      )`);
    await q.query(`
      CREATE TABLE case_file (
        case_number text PRIMARY KEY,
        year integer NOT NULL,
        number integer NOT NULL CHECK (number BETWEEN 1 AND 99999),
        application_id uuid NOT NULL UNIQUE REFERENCES application(id),
        title text NOT NULL,
        opened_at timestamptz NOT NULL,
        last_entry_seq integer NOT NULL DEFAULT 0 CHECK (last_entry_seq >= 0),
        UNIQUE (year, number),
        CHECK (case_number = year::text || '/' || lpad(number::text, 5, '0'))
      )`);
    await q.query(
      `ALTER TABLE application ADD CONSTRAINT application_case_fk FOREIGN KEY (case_number) REFERENCES case_file(case_number) DEFERRABLE INITIALLY DEFERRED`,
    );
    await q.query(`
      CREATE TABLE journal_entry (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_number text NOT NULL REFERENCES case_file(case_number),
        seq integer NOT NULL CHECK (seq >= 1),
        direction char(1) NOT NULL CHECK (direction IN ('I','U','N')),
        document_type text NOT NULL,
        title text NOT NULL,
        counterpart text,
        application_version integer,
        registered_by uuid REFERENCES app_user(id),
        registered_at timestamptz NOT NULL,
        UNIQUE (case_number, seq)
      )`);
    await q.query(
      `CREATE TRIGGER journal_entry_append_only BEFORE UPDATE OR DELETE ON journal_entry FOR EACH ROW EXECUTE FUNCTION refuse_change_to_frozen_row()`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE journal_entry`);
    await q.query(`ALTER TABLE application DROP CONSTRAINT application_case_fk`);
    await q.query(`DROP TABLE case_file`);
    await q.query(`DROP TABLE case_number_counter`);
    await q.query(`DROP TABLE application_municipality`);
    await q.query(`DROP TABLE application_version`);
    await q.query(`DROP TABLE application_attachment`);
    await q.query(`DROP TABLE application_contact`);
    await q.query(`DROP TABLE application_indicator`);
    await q.query(`DROP TABLE application_other_funding`);
    await q.query(`DROP TABLE application_budget_line`);
    await q.query(`DROP TABLE application`);
    await q.query(`ALTER TABLE call DROP CONSTRAINT call_frozen_version_kept`);
    await q.query(`DROP TABLE call_version`);
    await q.query(`DROP TABLE call`);
    await q.query(`DROP FUNCTION call_content_frozen`);
    await q.query(`DROP TABLE direct_allocation`);
    await q.query(`DROP TABLE technology_area`);
    await q.query(`DROP TABLE measure`);
    await q.query(`DROP TABLE scheme`);
    await q.query(`DROP FUNCTION refuse_change_to_frozen_row`);
  }
}
