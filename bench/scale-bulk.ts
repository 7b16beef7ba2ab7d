/**
 * The bulk of the scale data (issue 16) in set-based SQL (INSERT … SELECT over generate_series), shaped as the
 * application writes it: what a submission writes (frozen version with its content, submitted members, indicators and
 * budget lines, case file and journal entry, counter), assessments with their scores against the call's criteria,
 * approved and sent decisions with their grants (the call's committed amount raised in the same transaction, so the
 * deferred check that it is the sum of the live grants holds), payees, payments within the grant (ledger), reports with
 * their frozen versions, journal entries and indicator values. Prepared objects for the load run's writes are made
 * here too: drafts (submit), declared assignments (score), payable payments (attest) and attested payments (approve).
 */
import { Client } from 'pg';

export interface BulkPlan {
  /** calls[0] is the ranking call; the others take the rest */
  calls: string[];
  officerId: string;
  approverId: string;
  assessorIds: string[];
  /** applications in the ranking call beside those made through the API */
  ranked: number;
  granted: number;
  inAssessment: number;
  drafts: number;
  reportsPerGrant: number;
  indicatorsPerApplication: number;
  /** payments of the first grants left PAYABLE (attest pool) and ATTESTED (approve pool) */
  payable: number;
  attested: number;
  /** proposed decisions (the approve pool), for the first applications of the ranking call */
  proposed: number;
}

type Timed = <T>(table: string, rows: number, work: () => Promise<T>) => Promise<T>;

const REQUESTED = 100_000_000; // øre per application (1 M kr), granted in full
const SHARES = [5000, 3000, 2000];
const TRIGGERS = ['ACCEPTANCE', 'PROGRESS_REPORT_APPROVED', 'FINAL_REPORT_APPROVED'];

export async function bulkData(db: Client, p: BulkPlan, timed: Timed): Promise<void> {
  const q = (sql: string, params: unknown[] = []) => db.query(sql, params);
  const total = p.ranked + p.granted + p.inAssessment + p.drafts;
  await q('BEGIN');
  await q(`SET LOCAL synchronous_commit = off`);

  // the plan: one row per application, its kind, call, consortium and case number
  await timed('plan (temp tables)', total, async () => {
    await q(`CREATE TEMP TABLE g_cons ON COMMIT DROP AS
      SELECT row_number() OVER (ORDER BY c.id) - 1 AS k, c.id, c.name, c.lead_organisation_id AS lead_org, c.created_by,
             o.municipality_number AS lead_muni, m.written_language
        FROM consortium c JOIN organisation o ON o.id = c.lead_organisation_id
        JOIN municipality m ON m.number = o.municipality_number
       WHERE c.name LIKE 'Samarbeid %'`);
    await q(
      `CREATE TEMP TABLE g_app ON COMMIT DROP AS
       WITH n AS (
         SELECT n, CASE WHEN n <= $2 THEN 'RANK' WHEN n <= $2 + $3 THEN 'GRANT' WHEN n <= $2 + $3 + $4 THEN 'ASSESS' ELSE 'DRAFT' END AS kind
           FROM generate_series(1, $5::int) n)
       SELECT n.n, n.kind, gen_random_uuid() AS id,
              CASE WHEN n.kind = 'RANK' THEN ($1::uuid[])[1] ELSE ($1::uuid[])[2 + (n.n % (array_length($1::uuid[], 1) - 1))] END AS call_id,
              c.id AS consortium_id, c.name AS consortium_name, c.created_by, c.lead_muni, c.written_language,
              CASE WHEN n.kind <> 'DRAFT' THEN
                (SELECT COALESCE(max(last_number), 0) FROM case_number_counter WHERE year = extract(year FROM now() AT TIME ZONE 'Europe/Oslo')::int)
                + row_number() OVER (PARTITION BY n.kind = 'DRAFT' ORDER BY n.n) END AS case_no,
              (ARRAY['Felles journalløsning','Digital hjemmeoppfølging','Velferdsteknologi i heimetenesta','Responssenter',
                     'Elektronisk medisineringsstøtte','Helsestasjon på nett'])[1 + n.n % 6] || ' ' || n.n AS title,
              now() - make_interval(days => 30 + (n.n % 3000)) AS at
         FROM n JOIN g_cons c ON c.k = n.n % (SELECT count(*) FROM g_cons)`,
      [p.calls, p.ranked, p.granted, p.inAssessment, total],
    );
    await q(`ALTER TABLE g_app ADD COLUMN case_number text`);
    await q(
      `UPDATE g_app SET case_number = extract(year FROM now() AT TIME ZONE 'Europe/Oslo')::int || '/' || lpad(case_no::text, 5, '0') WHERE case_no IS NOT NULL`,
    );
    await q(`ALTER TABLE g_app ADD COLUMN call_version int`);
    await q(`UPDATE g_app a SET call_version = (SELECT max(version) FROM call_version v WHERE v.call_id = a.call_id)`);
    await q(`CREATE INDEX ON g_app (id)`);
    await q(`ANALYZE g_app`);
  });

  await timed('application', total, () =>
    q(
      `INSERT INTO application (id, status, call_id, consortium_id, title, description, purpose, project_start, project_end,
         service_areas, requested_amount_ore, own_contribution_ore, other_public_funding_declared, confirmations, case_number,
         current_version, created_by, created_at, updated_at, submitted_at)
       SELECT id, CASE kind WHEN 'DRAFT' THEN 'DRAFT' WHEN 'RANK' THEN 'ASSESSED' WHEN 'GRANT' THEN 'DECIDED' ELSE 'IN_ASSESSMENT' END,
              call_id, consortium_id, title, 'Kommunene går sammen om å innføre ny journalløsning.', 'Bedre samhandling og mindre dobbeltarbeid.',
              DATE '2027-01-01', DATE '2028-12-31', ARRAY['PLO','LEGEVAKT'], ${REQUESTED}, ${REQUESTED}, false,
              ARRAY['NATIONAL_SOLUTIONS','MANDATORY_STANDARDS','NORMEN','DPIA_ROS'], case_number,
              CASE WHEN kind = 'DRAFT' THEN 0 ELSE 1 END, created_by, at, at, CASE WHEN kind = 'DRAFT' THEN NULL ELSE at END
         FROM g_app`,
    ),
  );
  await timed('application_budget_line, _indicator, _contact (draft rows)', total * (2 + p.indicatorsPerApplication + 1), async () => {
    await q(`INSERT INTO application_budget_line (application_id, position, cost_category, description, year, amount_ore)
      SELECT a.id, l.pos, l.cat, l.descr, l.year, l.amount FROM g_app a
        CROSS JOIN (VALUES (0, 'PROSESSENDRING', 'process change at replacement, upgrade or consolidation', 2027, 120000000),
                           (1, 'SAMHANDLINGSFUNKSJONALITET', 'implementing new collaboration functionality', 2028, 80000000)) l(pos, cat, descr, year, amount)`);
    await q(
      `INSERT INTO application_indicator (application_id, position, name, unit, actor, kind, method, baseline_value, baseline_date, target_value, target_year)
       SELECT a.id, i, (ARRAY['Tid brukt per journalføring','Brukere av digital oppfølging','Innleggelser unngått','Fornøyde pårørende',
                             'Ansatte opplært','Meldinger sendt elektronisk'])[1 + i % 6] || ' ' || (i + 1), 'antall',
              (ARRAY['MUNICIPALITY_STAFF','PATIENTS','RELATIVES','SPECIALIST_CARE','SUPPLIERS'])[1 + i % 5],
              (ARRAY['AVAILABLE','ADOPTED','VOLUME_OF_USE','BENEFIT'])[1 + i % 4], 'MEASURED', 6 + i, DATE '2026-09-01', 3 + i, 2029
         FROM g_app a CROSS JOIN generate_series(0, $1::int - 1) i`,
      [p.indicatorsPerApplication],
    );
    await q(`INSERT INTO application_contact (application_id, position, name, email, role)
      SELECT id, 0, 'Kari Kontakt', 'kari.kontakt@bench.local', 'prosjektleder' FROM g_app`);
  });

  await timed('application_version (frozen content) + submitted_member, _indicator, _budget_line', total - p.drafts, async () => {
    await q(`INSERT INTO application_version (application_id, version, call_version, content, content_sha256, submitted_at, submitted_by)
      SELECT a.id, 1, a.call_version, x.content, encode(sha256(convert_to(x.content::text, 'UTF8')), 'hex'), a.at, a.created_by
        FROM g_app a JOIN call c ON c.id = a.call_id
        CROSS JOIN LATERAL (SELECT jsonb_build_object(
          'call', jsonb_build_object('id', c.id, 'title', jsonb_build_object('nb', c.title_nb, 'nn', c.title_nn), 'version', a.call_version, 'measureCode', c.measure_code),
          'title', a.title, 'purpose', 'Bedre samhandling og mindre dobbeltarbeid.',
          'description', 'Kommunene går sammen om å innføre ny journalløsning.',
          'projectStart', '2027-01-01', 'projectEnd', '2028-12-31', 'serviceAreas', jsonb_build_array('PLO', 'LEGEVAKT'),
          'confirmations', jsonb_build_array('NATIONAL_SOLUTIONS','MANDATORY_STANDARDS','NORMEN','DPIA_ROS'),
          'attachments', '[]'::jsonb, 'ownContributionOre', ${REQUESTED}, 'requestedAmountOre', ${REQUESTED},
          'otherPublicFunding', jsonb_build_object('items', '[]'::jsonb, 'declared', false),
          'contactPersons', jsonb_build_array(jsonb_build_object('name', 'Kari Kontakt', 'role', 'prosjektleder', 'email', 'kari.kontakt@bench.local', 'phone', null)),
          'consortium', jsonb_build_object('id', a.consortium_id, 'name', a.consortium_name, 'leadMunicipality', a.lead_muni,
            'members', (SELECT jsonb_agg(jsonb_build_object('kind', o.kind, 'lead', o.municipality_number = a.lead_muni, 'name', o.name,
                          'status', 'CONFIRMED', 'healthRegion', o.health_region, 'organisationId', o.id,
                          'writtenLanguage', m.written_language, 'municipalityNumber', o.municipality_number) ORDER BY o.name)
                          FROM consortium_member cm JOIN organisation o ON o.id = cm.organisation_id
                          LEFT JOIN municipality m ON m.number = o.municipality_number WHERE cm.consortium_id = a.consortium_id)),
          'benefitPlan', jsonb_build_object('indicators', (SELECT jsonb_agg(jsonb_build_object('id', i.id, 'kind', i.kind, 'name', i.name,
                          'unit', i.unit, 'actor', i.actor, 'method', i.method, 'priceYear', null, 'targetYear', i.target_year,
                          'targetValue', (i.target_value::numeric)::text, 'baselineDate', i.baseline_date, 'baselineValue', (i.baseline_value::numeric)::text) ORDER BY i.position)
                          FROM application_indicator i WHERE i.application_id = a.id)),
          'budgetLines', (SELECT jsonb_agg(jsonb_build_object('id', b.id, 'year', b.year, 'amountOre', b.amount_ore, 'description', b.description,
                          'costCategory', b.cost_category) ORDER BY b.position) FROM application_budget_line b WHERE b.application_id = a.id)
        ) AS content) x
       WHERE a.kind <> 'DRAFT'`);
    await q(`INSERT INTO submitted_member (application_id, version, organisation_id, position, municipality_number, role, name, health_region)
      SELECT a.id, 1, o.id, (row_number() OVER (PARTITION BY a.id ORDER BY o.name)) - 1, o.municipality_number,
             CASE WHEN o.municipality_number = a.lead_muni THEN 'LEAD' WHEN o.kind = 'HEALTH_TRUST' THEN 'HEALTH_TRUST' ELSE 'MEMBER' END,
             o.name, o.health_region
        FROM g_app a JOIN consortium_member cm ON cm.consortium_id = a.consortium_id JOIN organisation o ON o.id = cm.organisation_id
       WHERE a.kind <> 'DRAFT'`);
    await q(`INSERT INTO submitted_indicator (application_id, version, indicator_id, position, name, unit, actor, kind, method,
               baseline_value, baseline_date, target_value, target_year, price_year)
      SELECT i.application_id, 1, i.id, i.position, i.name, i.unit, i.actor, i.kind, i.method, i.baseline_value, i.baseline_date,
             i.target_value, i.target_year, i.price_year
        FROM g_app a JOIN application_indicator i ON i.application_id = a.id WHERE a.kind <> 'DRAFT'`);
    await q(`INSERT INTO submitted_budget_line (application_id, version, line_id, position, cost_category_code, description, year, amount_ore)
      SELECT b.application_id, 1, b.id, b.position, b.cost_category, b.description, b.year, b.amount_ore
        FROM g_app a JOIN application_budget_line b ON b.application_id = a.id WHERE a.kind <> 'DRAFT'`);
  });

  // reports take journal entries 2…(1 + reportsPerGrant) of a granted case
  await timed('case_file + journal_entry (submission) + case_number_counter + state_transition', total - p.drafts, async () => {
    await q(
      `INSERT INTO case_file (case_number, year, number, application_id, title, opened_at, last_entry_seq)
      SELECT case_number, split_part(case_number, '/', 1)::int, case_no, id, title, at,
             CASE WHEN kind = 'GRANT' THEN 1 + $1::int ELSE 1 END
        FROM g_app WHERE kind <> 'DRAFT'`,
      [p.reportsPerGrant],
    );
    await q(`INSERT INTO journal_entry (case_number, seq, direction, document_type, title, counterpart, application_version, registered_by, registered_at)
      SELECT case_number, 1, 'I', 'SOKNAD', 'Søknad: ' || title, consortium_name, 1, created_by, at FROM g_app WHERE kind <> 'DRAFT'`);
    await q(`INSERT INTO case_number_counter (year, last_number)
      SELECT split_part(case_number, '/', 1)::int, max(case_no) FROM g_app WHERE case_no IS NOT NULL GROUP BY 1
      ON CONFLICT (year) DO UPDATE SET last_number = EXCLUDED.last_number`);
    await q(`INSERT INTO state_transition (id, entity_type, entity_id, from_state, to_state, event, actor_user_id, occurred_at)
      SELECT nextval(pg_get_serial_sequence('state_transition', 'id')), 'application', a.id, s.f, s.t, s.e, a.created_by, a.at
        FROM g_app a CROSS JOIN LATERAL (VALUES ('DRAFT','SUBMITTED','submit',0), ('SUBMITTED','ELIGIBLE','formal_check',1),
                                                ('ELIGIBLE','IN_ASSESSMENT','assign',2), ('IN_ASSESSMENT','ASSESSED','complete',3),
                                                ('ASSESSED','DECIDED','decide',4)) s(f, t, e, o)
       WHERE a.kind <> 'DRAFT' AND s.o <= CASE a.kind WHEN 'ASSESS' THEN 2 WHEN 'RANK' THEN 3 ELSE 4 END`);
  });

  const assessors = p.assessorIds.length;
  await timed('assessment_assignment', (total - p.drafts) * assessors, () =>
    q(
      `INSERT INTO assessment_assignment (status, application_id, call_id, application_version, call_version, assessor_user_id, due_at,
         assigned_by, assigned_at, declared_at, conflict, recommendation, recommendation_comment, completed_at, round, updated_at)
       SELECT CASE WHEN a.kind = 'ASSESS' THEN 'DECLARED' ELSE 'COMPLETED' END, a.id, a.call_id, 1, a.call_version, u.id, a.at + interval '28 days',
              $1, a.at, a.at + interval '1 day', false,
              CASE WHEN a.kind = 'ASSESS' THEN NULL ELSE 'FUND' END, CASE WHEN a.kind = 'ASSESS' THEN NULL ELSE 'Godt begrunnet.' END,
              CASE WHEN a.kind = 'ASSESS' THEN NULL ELSE a.at + interval '7 days' END, 1, a.at
         FROM g_app a CROSS JOIN unnest($2::uuid[]) u(id) WHERE a.kind <> 'DRAFT'`,
      [p.officerId, p.assessorIds],
    ),
  );
  await timed('assessment_score (6 criteria per completed assessment)', (total - p.drafts - p.inAssessment) * assessors * 6, () =>
    q(`INSERT INTO assessment_score (assignment_id, criterion_id, call_id, call_version, scale_min, scale_max, na_allowed, score, rationale, updated_at)
      SELECT s.id, c.id, s.call_id, s.call_version, c.scale_min, c.scale_max, c.na_allowed,
             c.scale_min + (abs(hashtext(s.id::text || c.code)) % (c.scale_max - c.scale_min + 1)), 'Begrunnet ut fra søknaden.', s.completed_at
        FROM assessment_assignment s JOIN g_app a ON a.id = s.application_id
        JOIN call_criterion c ON c.call_id = s.call_id AND c.call_version = s.call_version
       WHERE s.status = 'COMPLETED'`),
  );

  await timed('decision (approved, sent)', p.granted, () =>
    q(
      `INSERT INTO decision (id, status, application_id, call_id, outcome, amount_ore, requested_ore, max_allowed_ore, language, legal_basis,
         reasons, created_by, created_at, updated_at, approved_by, approved_at, sent_at)
       SELECT gen_random_uuid(), 'SENT', a.id, a.call_id, 'GRANTED', ${REQUESTED}, ${REQUESTED}, ${REQUESTED},
              CASE WHEN a.written_language = 'Nynorsk' THEN 'nn' ELSE 'nb' END,
              'Forskrift om tilskudd til digital samhandling § 5', 'Søknaden er godt begrunnet og innenfor ordningens formål.',
              $1, a.at + interval '20 days', a.at + interval '21 days', $2, a.at + interval '21 days', a.at + interval '21 days'
         FROM g_app a WHERE a.kind = 'GRANT'`,
      [p.officerId, p.approverId],
    ),
  );
  await timed('grant_award (active) + call.committed_ore + grant_payee', p.granted, async () => {
    const plan = JSON.stringify(SHARES.map((s, i) => ({ trigger: TRIGGERS[i], shareBp: s, amountOre: (REQUESTED * s) / 10000 })));
    await q(
      `INSERT INTO grant_award (status, decision_id, application_id, call_id, consortium_id, case_number, amount_ore, payment_plan,
         report_schedule, project_start, project_end, accept_by, accepted_at, accepted_by_user, accepted_by_name, accepted_by_title,
         acceptance_channel, created_at, updated_at)
       SELECT 'ACTIVE', d.id, a.id, a.call_id, a.consortium_id, a.case_number, ${REQUESTED}, $1::jsonb,
              '{"progressReportDue":"03-01","finalReportMonthsAfterEnd":3}'::jsonb, DATE '2027-01-01', DATE '2028-12-31',
              a.at + interval '60 days', a.at + interval '30 days', a.created_by, 'Ola Ordfører', 'rådmann', 'ONLINE',
              a.at + interval '21 days', a.at + interval '30 days'
         FROM g_app a JOIN decision d ON d.application_id = a.id WHERE a.kind = 'GRANT'`,
      [plan],
    );
    await q(`UPDATE call c SET committed_ore = c.committed_ore + s.sum
      FROM (SELECT g.call_id, sum(g.amount_ore) AS sum FROM grant_award g JOIN g_app a ON a.id = g.application_id GROUP BY g.call_id) s
     WHERE s.call_id = c.id`);
    await q(
      `INSERT INTO grant_payee (grant_id, status, organisation_number, account, registered_by, registered_at, decided_by, decided_at)
       SELECT g.id, 'ACTIVE', '9' || lpad((a.n % 100000000)::text, 8, '0'), '1503' || lpad(a.n::text, 7, '0'), a.created_by, g.accepted_at, $1, g.accepted_at
         FROM grant_award g JOIN g_app a ON a.id = g.application_id`,
      [p.officerId],
    );
  });

  await timed('payment (5 per grant: paid, cancelled and planned attempts; attest and approve pools)', p.granted * 5, async () => {
    // one export per call holds the paid first tranches
    await q(
      `INSERT INTO payment_export (number, call_id, payment_count, total_ore, csv_key, csv_sha256, xlsx_key, xlsx_sha256, created_by, created_at)
       SELECT row_number() OVER (ORDER BY call_id), call_id, count(*), count(*) * ${(REQUESTED * SHARES[0]) / 10000}, 'bench/' || call_id || '.csv',
              repeat('0', 64), 'bench/' || call_id || '.xlsx', repeat('0', 64), $1, now()
         FROM g_app WHERE kind = 'GRANT' AND n > $2 GROUP BY call_id`,
      [p.officerId, p.ranked + p.payable + p.attested],
    );
    await q(
      `INSERT INTO payment (status, grant_id, call_id, tranche, attempt, trigger, share_bp, planned_ore, amount_ore, reference,
         payee_organisation_number, payee_account, attested_by, attested_at, approved_by, approved_at, export_id, paid_on, created_at, updated_at)
       SELECT x.status, g.id, g.call_id, t.tranche, t.attempt, t.trig, t.share, t.amount, t.amount,
              'HTO-' || replace(g.case_number, '/', '-') || '-' || t.tranche || '-' || t.attempt,
              CASE WHEN x.status IN ('ATTESTED','PAID') THEN py.organisation_number END, CASE WHEN x.status IN ('ATTESTED','PAID') THEN py.account END,
              CASE WHEN x.status IN ('ATTESTED','PAID') THEN $1::uuid END, CASE WHEN x.status IN ('ATTESTED','PAID') THEN g.accepted_at END,
              CASE WHEN x.status = 'PAID' THEN $2::uuid END, CASE WHEN x.status = 'PAID' THEN g.accepted_at END,
              CASE WHEN x.status = 'PAID' THEN e.id END, CASE WHEN x.status = 'PAID' THEN (g.accepted_at + interval '5 days')::date END,
              g.accepted_at, g.accepted_at
         FROM grant_award g JOIN g_app a ON a.id = g.application_id
         JOIN grant_payee py ON py.grant_id = g.id AND py.status = 'ACTIVE'
         LEFT JOIN payment_export e ON e.call_id = g.call_id
         CROSS JOIN (VALUES (1, 1, 'ACCEPTANCE', 5000, ${(REQUESTED * 5000) / 10000}, 'FIRST'),
                            (2, 1, 'PROGRESS_REPORT_APPROVED', 3000, ${(REQUESTED * 3000) / 10000}, 'CANCELLED'),
                            (2, 2, 'PROGRESS_REPORT_APPROVED', 3000, ${(REQUESTED * 3000) / 10000}, 'PLANNED'),
                            (3, 1, 'FINAL_REPORT_APPROVED', 2000, ${(REQUESTED * 2000) / 10000}, 'CANCELLED'),
                            (3, 2, 'FINAL_REPORT_APPROVED', 2000, ${(REQUESTED * 2000) / 10000}, 'PLANNED')) t(tranche, attempt, trig, share, amount, st)
         CROSS JOIN LATERAL (SELECT CASE WHEN t.st <> 'FIRST' THEN t.st
                                         WHEN a.n <= $3 THEN 'PAYABLE' WHEN a.n <= $4 THEN 'ATTESTED' ELSE 'PAID' END AS status) x`,
      [p.officerId, p.approverId, p.ranked + p.payable, p.ranked + p.payable + p.attested],
    );
  });

  const reports = p.granted * p.reportsPerGrant;
  await timed('report (approved) + journal_entry + report_version', reports, async () => {
    await q(
      `CREATE TEMP TABLE g_rep ON COMMIT DROP AS
       SELECT gen_random_uuid() AS id, g.id AS grant_id, a.id AS application_id, a.call_id, a.consortium_id, a.case_number, a.created_by,
              k, CASE WHEN k = $1::int THEN 'FINAL' ELSE 'PROGRESS' END AS kind,
              CASE WHEN k = $1::int THEN 'FINAL' ELSE 'PROGRESS:' || (2016 + k) END AS schedule_key,
              make_date(2016 + k, 3, 1) AS due_on, make_date(2015 + k, 3, 1) AS period_start, make_date(2016 + k, 2, 28) AS period_end,
              (make_date(2016 + k, 2, 20))::timestamptz AS at
         FROM grant_award g JOIN g_app a ON a.id = g.application_id CROSS JOIN generate_series(1, $1::int) k`,
      [p.reportsPerGrant],
    );
    await q(`INSERT INTO report (id, status, grant_id, consortium_id, call_id, application_id, application_version, case_number, kind,
               schedule_key, title, benefit_summary_max_length, period_start, period_end, due_on, original_due_on, content, current_version,
               created_by, created_at, updated_at)
      SELECT id, 'APPROVED', grant_id, consortium_id, call_id, application_id, 1, case_number, kind, schedule_key,
             CASE WHEN kind = 'FINAL' THEN 'Sluttrapport' ELSE 'Framdriftsrapport ' || extract(year FROM due_on) END, 2000,
             period_start, period_end, due_on, due_on, '{"benefitSummary":"Tiltaket er tatt i bruk."}'::jsonb, 1, created_by, at, at
        FROM g_rep`);
    await q(`INSERT INTO journal_entry (case_number, seq, direction, document_type, title, counterpart, registered_by, registered_at)
      SELECT r.case_number, 1 + r.k, 'I', 'RAPPORT', CASE WHEN r.kind = 'FINAL' THEN 'Sluttrapport' ELSE 'Framdriftsrapport ' || extract(year FROM r.due_on) END,
             a.consortium_name, r.created_by, r.at
        FROM g_rep r JOIN g_app a ON a.id = r.application_id`);
    await q(`INSERT INTO report_version (report_id, version, content, content_sha256, submitted_at, submitted_by, case_number, journal_seq)
      SELECT id, 1, '{"benefitSummary":"Tiltaket er tatt i bruk."}'::jsonb,
             encode(sha256(convert_to('{"benefitSummary":"Tiltaket er tatt i bruk."}', 'UTF8')), 'hex'), at, created_by, case_number, 1 + k
        FROM g_rep`);
  });
  await timed('report_indicator_value', reports * p.indicatorsPerApplication, () =>
    q(`INSERT INTO report_indicator_value (report_id, version, application_id, application_version, indicator_id, measured, value,
         period_start, period_end, method)
       SELECT r.id, 1, r.application_id, 1, si.indicator_id, true, si.baseline_value + (r.k * (si.target_value - si.baseline_value)) / 10,
              r.period_start, r.period_end, 'MEASURED'
         FROM g_rep r JOIN submitted_indicator si ON si.application_id = r.application_id AND si.version = 1`),
  );
  // the approve pool: proposed decisions for assessed applications of the ranking call (approval makes the grant)
  await timed('decision (proposed: the approve pool)', p.proposed, () =>
    q(
      `INSERT INTO decision (status, application_id, call_id, outcome, amount_ore, requested_ore, max_allowed_ore, language, legal_basis,
         reasons, out_of_rank_justification, created_by, created_at, updated_at)
       SELECT 'PROPOSED', a.id, a.call_id, 'GRANTED', ${REQUESTED}, ${REQUESTED}, ${REQUESTED},
              CASE WHEN a.written_language = 'Nynorsk' THEN 'nn' ELSE 'nb' END,
              'Forskrift om tilskudd til digital samhandling § 5', 'Søknaden er godt begrunnet og innenfor ordningens formål.',
              'Ytelsesmåling: vedtak godkjennes i vilkårlig rekkefølge.', $1, now(), now()
         FROM g_app a WHERE a.kind = 'RANK' AND a.n <= $2`,
      [p.officerId, p.proposed],
    ),
  );
  await timed('commit (deferred checks: committed = live grants, ledgers, case files)', 0, () => q('COMMIT'));
  await timed('ANALYZE', 0, () => q('ANALYZE'));
}
