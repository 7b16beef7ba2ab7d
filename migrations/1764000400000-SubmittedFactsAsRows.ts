import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The submitted facts as rows that later modules (scores, decisions, grants, reports, insights) reference by foreign
 * key and sum in SQL:
 *
 * - `cost_category`: the scheme's catalogue of cost categories (domain brief § 3), the eligible ones with the measures
 *   that fund them by default (`measure_cost_category`) and the never-eligible ones with the reason. Budget lines
 *   (and later report actuals) point at it.
 * - `call_cost_category`: the categories each published call version funds (eligible) or names as not funded, as the
 *   call's rules said; append-only like call_version.
 * - `submitted_budget_line`, `submitted_member`, `submitted_indicator`: each submitted version's budget lines, consortium
 *   members and benefit indicators, written in the submitting transaction from the frozen content; append-only like
 *   application_version. Decisions, payments and reports reference (application_id, version, line_id) and the like.
 * - Draft budget lines keep their ids across edits (updated in place), so position uniqueness is checked at commit.
 *
 * Existing data is carried over: codes that calls or drafts already use join the catalogue (labelled by the call, or
 * by the code), every call version gets its categories, and every submitted version its rows from the frozen JSON.
 * A version frozen before budget lines had ids gets, per line, the id of the draft line at the same position if that
 * line still says the same, otherwise an id derived from (application, version, position), stable across runs.
 *
 * The catalogue is written out here rather than imported from call-rules.ts, so this migration's effect never changes.
 */
export class SubmittedFactsAsRows1764000400000 implements MigrationInterface {
  name = 'SubmittedFactsAsRows1764000400000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cost_category (
        code text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9_]{1,49}$'),
        label_nb text NOT NULL CHECK (length(trim(label_nb)) > 0),
        label_nn text NOT NULL CHECK (length(trim(label_nn)) > 0),
        -- false: the scheme never funds it, whatever a call says; the reason says why
        eligible boolean NOT NULL,
        reason text,
        CHECK (eligible = (reason IS NULL))
      )`);
    await q.query(`
      CREATE TABLE measure_cost_category (
        measure_code text NOT NULL REFERENCES measure(code),
        cost_category_code text NOT NULL REFERENCES cost_category(code),
        PRIMARY KEY (measure_code, cost_category_code)
      )`);
    for (const [code, nb, nn, measures] of ELIGIBLE) {
      await q.query(`INSERT INTO cost_category (code, label_nb, label_nn, eligible) VALUES ($1, $2, $3, true)`, [code, nb, nn]);
      for (const m of measures) {
        await q.query(`INSERT INTO measure_cost_category (measure_code, cost_category_code) VALUES ($1, $2)`, [m, code]);
      }
    }
    for (const [code, nb, nn, reason] of NEVER_ELIGIBLE) {
      await q.query(`INSERT INTO cost_category (code, label_nb, label_nn, eligible, reason) VALUES ($1, $2, $3, false, $4)`, [
        code,
        nb,
        nn,
        reason,
      ]);
    }
    // codes already in use (calls' rules, call versions, draft budget lines) join the catalogue, so no fact is lost
    await q.query(`
      INSERT INTO cost_category (code, label_nb, label_nn, eligible)
      SELECT code, coalesce(max(label), code), coalesce(max(label), code), true
        FROM (
          SELECT e->>'code' AS code, nullif(trim(e->>'label'), '') AS label
            FROM (SELECT rules FROM call UNION ALL SELECT content->'rules' FROM call_version) r,
                 jsonb_array_elements(coalesce(r.rules->'costCategories'->'eligible', '[]')
                                      || coalesce(r.rules->'costCategories'->'ineligible', '[]')) e
          UNION ALL
          SELECT cost_category, NULL FROM application_budget_line
          UNION ALL
          SELECT e->>'costCategory', NULL FROM application_version v, jsonb_array_elements(v.content->'budgetLines') e
        ) used
       WHERE code ~ '^[A-Z][A-Z0-9_]{1,49}$'
       GROUP BY code
      ON CONFLICT (code) DO NOTHING`);
    await q.query(`
      ALTER TABLE application_budget_line ADD CONSTRAINT application_budget_line_cost_category_fk
        FOREIGN KEY (cost_category) REFERENCES cost_category(code)`);
    // lines are updated in place and may swap positions within one edit: uniqueness holds at commit
    await q.query(`ALTER TABLE application_budget_line DROP CONSTRAINT application_budget_line_application_id_position_key`);
    await q.query(`
      ALTER TABLE application_budget_line ADD CONSTRAINT application_budget_line_position_key
        UNIQUE (application_id, position) DEFERRABLE INITIALLY DEFERRED`);

    await q.query(`
      CREATE TABLE call_cost_category (
        call_id uuid NOT NULL,
        call_version integer NOT NULL,
        cost_category_code text NOT NULL REFERENCES cost_category(code),
        -- true: the call funds it (with the call's label); false: the call names it as not funded (with the reason)
        eligible boolean NOT NULL,
        label text,
        reason text,
        position integer NOT NULL CHECK (position >= 0),
        PRIMARY KEY (call_id, call_version, cost_category_code),
        FOREIGN KEY (call_id, call_version) REFERENCES call_version(call_id, version),
        CHECK (eligible = (label IS NOT NULL) AND eligible = (reason IS NULL))
      )`);
    await q.query(`CREATE INDEX call_cost_category_code_idx ON call_cost_category (cost_category_code)`);
    await q.query(
      `CREATE TRIGGER call_cost_category_append_only BEFORE UPDATE OR DELETE ON call_cost_category FOR EACH ROW EXECUTE FUNCTION refuse_change_to_frozen_row()`,
    );
    await q.query(`
      INSERT INTO call_cost_category (call_id, call_version, cost_category_code, eligible, label, reason, position)
      SELECT call_id, version, code, eligible,
             CASE WHEN eligible THEN coalesce(nullif(label, ''), code) END,
             CASE WHEN NOT eligible THEN coalesce(nullif(reason, ''), 'not funded by this call') END,
             row_number() OVER (PARTITION BY call_id, version ORDER BY NOT eligible, i) - 1
        FROM (
          SELECT v.call_id, v.version, e->>'code' AS code, true AS eligible, e->>'label' AS label, NULL AS reason, i
            FROM call_version v, jsonb_array_elements(v.content->'rules'->'costCategories'->'eligible') WITH ORDINALITY AS x(e, i)
          UNION ALL
          SELECT v.call_id, v.version, e->>'code', false, NULL, e->>'reason', i
            FROM call_version v, jsonb_array_elements(v.content->'rules'->'costCategories'->'ineligible') WITH ORDINALITY AS x(e, i)
           WHERE NOT (v.content->'rules'->'costCategories'->'eligible' @> jsonb_build_array(jsonb_build_object('code', e->'code')))
        ) c
      ON CONFLICT DO NOTHING`);

    await q.query(`
      CREATE TABLE submitted_budget_line (
        application_id uuid NOT NULL,
        version integer NOT NULL,
        line_id uuid NOT NULL,
        position integer NOT NULL CHECK (position >= 0),
        cost_category_code text NOT NULL REFERENCES cost_category(code),
        description text NOT NULL,
        year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
        amount_ore bigint NOT NULL CHECK (amount_ore > 0),
        PRIMARY KEY (application_id, version, line_id),
        UNIQUE (application_id, version, position),
        FOREIGN KEY (application_id, version) REFERENCES application_version(application_id, version)
      )`);
    await q.query(`CREATE INDEX submitted_budget_line_category_idx ON submitted_budget_line (cost_category_code)`);
    await q.query(`
      CREATE TABLE submitted_member (
        application_id uuid NOT NULL,
        version integer NOT NULL,
        organisation_id uuid NOT NULL REFERENCES organisation(id),
        position integer NOT NULL CHECK (position >= 0),
        municipality_number char(4) REFERENCES municipality(number),
        role text NOT NULL CHECK (role IN ('LEAD','MEMBER','HEALTH_TRUST')),
        name text NOT NULL,
        health_region text,
        PRIMARY KEY (application_id, version, organisation_id),
        UNIQUE (application_id, version, position),
        FOREIGN KEY (application_id, version) REFERENCES application_version(application_id, version),
        CHECK ((role = 'HEALTH_TRUST') = (municipality_number IS NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX submitted_member_one_lead ON submitted_member (application_id, version) WHERE role = 'LEAD'`);
    await q.query(`CREATE INDEX submitted_member_municipality_idx ON submitted_member (municipality_number)`);
    await q.query(`
      CREATE TABLE submitted_indicator (
        application_id uuid NOT NULL,
        version integer NOT NULL,
        indicator_id uuid NOT NULL,
        position integer NOT NULL CHECK (position >= 0),
        name text NOT NULL,
        unit text NOT NULL,
        actor text NOT NULL,
        kind text NOT NULL,
        method text NOT NULL,
        baseline_value numeric(20,4),
        baseline_date date,
        target_value numeric(20,4),
        target_year integer,
        price_year integer,
        PRIMARY KEY (application_id, version, indicator_id),
        UNIQUE (application_id, version, position),
        FOREIGN KEY (application_id, version) REFERENCES application_version(application_id, version)
      )`);
    for (const t of ['submitted_budget_line', 'submitted_member', 'submitted_indicator']) {
      await q.query(
        `CREATE TRIGGER ${t}_append_only BEFORE UPDATE OR DELETE ON ${t} FOR EACH ROW EXECUTE FUNCTION refuse_change_to_frozen_row()`,
      );
    }

    // the versions already submitted, from their frozen JSON
    await q.query(`
      INSERT INTO submitted_budget_line (application_id, version, line_id, position, cost_category_code, description, year, amount_ore)
      SELECT v.application_id, v.version,
             coalesce((e->>'id')::uuid, d.id, md5(v.application_id::text || ':' || v.version || ':' || (i - 1))::uuid),
             i - 1, e->>'costCategory', e->>'description', (e->>'year')::int, (e->>'amountOre')::bigint
        FROM application_version v
        CROSS JOIN LATERAL jsonb_array_elements(v.content->'budgetLines') WITH ORDINALITY AS x(e, i)
        LEFT JOIN application_budget_line d
          ON d.application_id = v.application_id AND d.position = i - 1 AND e->>'id' IS NULL
         AND (d.cost_category, d.description, d.year, d.amount_ore) = (e->>'costCategory', e->>'description', (e->>'year')::int, (e->>'amountOre')::bigint)`);
    await q.query(`
      INSERT INTO submitted_member (application_id, version, organisation_id, position, municipality_number, role, name, health_region)
      SELECT v.application_id, v.version, (e->>'organisationId')::uuid, i - 1, e->>'municipalityNumber',
             CASE WHEN (e->>'lead')::boolean THEN 'LEAD' WHEN e->>'municipalityNumber' IS NULL THEN 'HEALTH_TRUST' ELSE 'MEMBER' END,
             e->>'name', e->>'healthRegion'
        FROM application_version v
        CROSS JOIN LATERAL jsonb_array_elements(v.content->'consortium'->'members') WITH ORDINALITY AS x(e, i)`);
    await q.query(`
      INSERT INTO submitted_indicator (application_id, version, indicator_id, position, name, unit, actor, kind, method,
                                       baseline_value, baseline_date, target_value, target_year, price_year)
      SELECT v.application_id, v.version, (e->>'id')::uuid, i - 1, e->>'name', e->>'unit', e->>'actor', e->>'kind', e->>'method',
             (e->>'baselineValue')::numeric, (e->>'baselineDate')::date, (e->>'targetValue')::numeric,
             (e->>'targetYear')::int, (e->>'priceYear')::int
        FROM application_version v
        CROSS JOIN LATERAL jsonb_array_elements(v.content->'benefitPlan'->'indicators') WITH ORDINALITY AS x(e, i)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE submitted_indicator`);
    await q.query(`DROP TABLE submitted_member`);
    await q.query(`DROP TABLE submitted_budget_line`);
    await q.query(`DROP TABLE call_cost_category`);
    await q.query(`ALTER TABLE application_budget_line DROP CONSTRAINT application_budget_line_position_key`);
    await q.query(
      `ALTER TABLE application_budget_line ADD CONSTRAINT application_budget_line_application_id_position_key UNIQUE (application_id, position)`,
    );
    await q.query(`ALTER TABLE application_budget_line DROP CONSTRAINT application_budget_line_cost_category_fk`);
    await q.query(`DROP TABLE measure_cost_category`);
    await q.query(`DROP TABLE cost_category`);
  }
}

/** The eligible categories of domain brief § 3, with the measures that fund them by default. */
const ELIGIBLE: Array<[code: string, nb: string, nn: string, measures: string[]]> = [
  ['BEHOVSBESKRIVELSE', 'Felles behovsbeskrivelse', 'Felles behovsskildring', ['SAMORDNET_ANSKAFFELSE']],
  ['LEVERANDORDIALOG', 'Leverandørdialog', 'Leverandørdialog', ['SAMORDNET_ANSKAFFELSE']],
  ['KONKURRANSE', 'Konkurransegjennomføring', 'Konkurransegjennomføring', ['SAMORDNET_ANSKAFFELSE']],
  ['STANDARDARBEID', 'Standardiseringsarbeid', 'Standardiseringsarbeid', ['SAMORDNET_ANSKAFFELSE', 'INNFORING']],
  ['KONSOLIDERINGSPLANLEGGING', 'Planlegging av konsolidering', 'Planlegging av konsolidering', ['SAMORDNET_ANSKAFFELSE']],
  [
    'PROSESSENDRING',
    'Prosessendring ved utskifting, oppgradering eller konsolidering',
    'Prosessendring ved utskifting, oppgradering eller konsolidering',
    ['INNFORING'],
  ],
  ['SAMHANDLINGSFUNKSJONALITET', 'Innføring av ny samhandlingsfunksjonalitet', 'Innføring av ny samhandlingsfunksjonalitet', ['INNFORING']],
  [
    'TEKNISK_MILJO',
    'Nødvendig teknisk miljø, også overgang til sky og test- og godkjenningsløsninger',
    'Naudsynt teknisk miljø, også overgang til sky og test- og godkjenningsløysingar',
    ['INNFORING'],
  ],
  ['OPPLAERING', 'Opplæring', 'Opplæring', ['INNFORING']],
  ['VIKARER', 'Vikarer mens ansatte får opplæring', 'Vikarar medan tilsette får opplæring', ['INNFORING']],
  ['ENDRINGSKOMPETANSE', 'Innleid endringskompetanse', 'Innleigd endringskompetanse', ['INNFORING']],
  ['PROSJEKTLEDER', 'Felles prosjektleder', 'Felles prosjektleiar', ['INNFORING']],
  ['KOMPETANSEKJOP', 'Frikjøp av kompetanse fra samarbeidskommuner', 'Frikjøp av kompetanse frå samarbeidskommunar', ['INNFORING']],
  ['MIGRERING', 'Migrering', 'Migrering', ['INNFORING']],
  ['GEVINSTREALISERING', 'Gevinstrealiseringsarbeid', 'Gevinstrealiseringsarbeid', ['INNFORING']],
];

/** What the scheme never funds (domain brief § 3); the reasons are those the eligibility check gives. */
const NEVER_ELIGIBLE: Array<[code: string, nb: string, nn: string, reason: string]> = [
  [
    'NORMAL_DRIFT',
    'Normal drift av løsningen',
    'Normal drift av løysinga',
    'ordinary operation of the solution (normal drift) is never eligible',
  ],
  ['DAGLIG_BRUKEROPPFOLGING', 'Daglig brukeroppfølging', 'Dagleg brukaroppfølging', 'daily user follow-up is never eligible'],
  ['OPPLAERING_NYANSATTE', 'Opplæring av nyansatte', 'Opplæring av nytilsette', 'training of new hires is never eligible'],
  [
    'JOURNALLOSNING_KJOP',
    'Kjøp eller lisens av selve journalløsningen',
    'Kjøp eller lisens av sjølve journalløysinga',
    'buying or licensing the journal solution itself is never eligible',
  ],
  [
    'LEVERANDORUTVIKLING',
    'Leverandørutvikling eller plattformkjøp',
    'Leverandørutvikling eller plattformkjøp',
    'supplier development or platform purchase is never eligible',
  ],
  ['SKATTEFORDEL', 'Skattefordeler', 'Skattefordelar', 'tax advantages are never eligible'],
  [
    'NASJONAL_TILKOBLING',
    'Tilkobling til nasjonale e-helseløsninger i seg selv',
    'Tilkopling til nasjonale e-helseløysingar i seg sjølv',
    'connection to national e-health solutions as such is never eligible',
  ],
  [
    'REFUSJON_HELSETJENESTER',
    'Refusjon av helse- og omsorgstjenester',
    'Refusjon av helse- og omsorgstenester',
    'reimbursement of care services is never eligible',
  ],
];
