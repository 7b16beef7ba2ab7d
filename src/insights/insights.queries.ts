import { EntityManager } from 'typeorm';
import { SqlFilter } from '../common/sql-filter';
import { sqlInteger, sqlOre } from '../database/sql-numbers';

/**
 * The evaluators' figures, aggregated in SQL (counts, sums, shares, cumulative reach): Node only reads the few result
 * rows. Every query takes the same filters. What they mean:
 *   - year: the call's year, the year its closing time falls in (Europe/Oslo); calls are annual;
 *   - healthRegion, county: the lead municipality's, for applications, money, indicators and reports; for reach, the
 *     municipality's own (each member municipality counts where it lies);
 *   - callId, measure: the call's id and its measure's code.
 * A "funded" application has a live grant (awaiting acceptance, active or completed); a lapsed or cancelled one is not.
 */
export interface InsightsFilter {
  callId?: string;
  measure?: string;
  year?: number;
  healthRegion?: string;
  county?: string;
}

export const LIVE_GRANT = `('AWAITING_ACCEPTANCE','ACTIVE','COMPLETED')`;
const CALL_YEAR = `extract(year from c.closes_at AT TIME ZONE 'Europe/Oslo')::int`;

/** The conditions on a call (alias c), given when the filter has them. */
function callConditions(f: SqlFilter, filter: InsightsFilter, opts: { yearUpTo?: boolean } = {}): void {
  if (filter.callId) f.where(`c.id = ${f.bind(filter.callId)}`);
  if (filter.measure) f.where(`c.measure_code = ${f.bind(filter.measure)}`);
  if (filter.year !== undefined) f.where(`${CALL_YEAR} ${opts.yearUpTo ? '<=' : '='} ${f.bind(filter.year)}`);
}

/** The conditions on a municipality (alias given). */
function placeConditions(f: SqlFilter, filter: InsightsFilter, alias: string): void {
  if (filter.healthRegion) f.where(`${alias}.health_region = ${f.bind(filter.healthRegion)}`);
  if (filter.county) f.where(`${alias}.county = ${f.bind(filter.county)}`);
}

/**
 * Every received application in scope (a case number: submitted at least once) with its lead municipality (from the
 * submitted version), its decision in force and its live grant, and the grant's money summed per grant.
 */
function applicationsInScope(filter: InsightsFilter): { sql: string; params: unknown[] } {
  const f = new SqlFilter();
  f.where('a.case_number IS NOT NULL');
  callConditions(f, filter);
  placeConditions(f, filter, 'lm');
  const sql = `
    SELECT a.id, a.call_id, c.title_nb AS call_title, c.measure_code, ${CALL_YEAR} AS year, lm.health_region, lm.county,
           a.status, COALESCE(a.requested_amount_ore, 0) AS requested_ore,
           -- by the state it is in, or (withdrawn later) the step it once took
           a.status IN ('ELIGIBLE','IN_ASSESSMENT','ASSESSED','DECIDED')
             OR EXISTS (SELECT 1 FROM state_transition t
                         WHERE t.entity_type = 'application' AND t.entity_id = a.id AND t.to_state = 'ELIGIBLE') AS eligible,
           a.status IN ('ASSESSED','DECIDED')
             OR EXISTS (SELECT 1 FROM state_transition t
                         WHERE t.entity_type = 'application' AND t.entity_id = a.id AND t.to_state = 'ASSESSED') AS assessed,
           d.outcome,
           COALESCE(g.amount_ore, 0) AS granted_ore,
           COALESCE((SELECT sum(p.amount_ore) FROM payment p WHERE p.grant_id = g.id AND p.status = 'PAID'), 0) AS paid_ore,
           COALESCE((SELECT sum(r.amount_ore) FROM reclaim r
                      WHERE r.grant_id = g.id AND r.status NOT IN ('PROPOSED','DISMISSED')), 0) AS reclaimed_ore
      FROM application a
      JOIN call c ON c.id = a.call_id
      JOIN submitted_member sm ON sm.application_id = a.id AND sm.version = a.current_version AND sm.role = 'LEAD'
      JOIN municipality lm ON lm.number = sm.municipality_number
      LEFT JOIN decision d ON d.application_id = a.id AND d.status IN ('APPROVED','SENT')
      LEFT JOIN grant_award g ON g.application_id = a.id AND g.status IN ${LIVE_GRANT}
     ${f.clause}`;
  return { sql, params: f.params };
}

const pct = (part: string, whole: string) => `CASE WHEN (${whole}) = 0 THEN NULL ELSE round(100.0 * (${part}) / (${whole}), 2) END`;
/** A percentage out of SQL's numeric (text from pg, text or number from PGlite), or null. */
export const sqlPercent = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const count = (v: unknown) => sqlInteger(v, { nullAsZero: true });
const ore = (v: unknown) => sqlOre(v, { nullAsZero: true });

export interface PortfolioRow {
  callId: string | null;
  callTitle: string | null;
  measure: string | null;
  year: number | null;
  healthRegion: string | null;
  received: number;
  eligible: number;
  assessed: number;
  granted: number;
  partlyGranted: number;
  rejectedAtFormalCheck: number;
  rejectedByDecision: number;
  withdrawn: number;
  requestedOre: number;
  grantedOre: number;
  paidOre: number;
  reclaimedOre: number;
  successRatePercent: number | null;
}

/** The portfolio per call, measure, year and the lead's health region; the last row (all keys null) is the total. */
export async function portfolio(m: EntityManager, filter: InsightsFilter): Promise<PortfolioRow[]> {
  const scope = applicationsInScope(filter);
  const rows: Array<Record<string, unknown>> = await m.query(
    `WITH s AS (${scope.sql})
     SELECT s.call_id, min(s.call_title) AS call_title, s.measure_code, s.year, s.health_region, grouping(s.call_id) AS total,
            count(*) AS received,
            count(*) FILTER (WHERE s.eligible) AS eligible,
            count(*) FILTER (WHERE s.assessed) AS assessed,
            count(*) FILTER (WHERE s.outcome = 'GRANTED') AS granted,
            count(*) FILTER (WHERE s.outcome = 'PARTLY_GRANTED') AS partly_granted,
            count(*) FILTER (WHERE s.status = 'REJECTED') AS rejected_formal,
            count(*) FILTER (WHERE s.outcome = 'REJECTED') AS rejected_decision,
            count(*) FILTER (WHERE s.status = 'WITHDRAWN') AS withdrawn,
            sum(s.requested_ore) AS requested_ore, sum(s.granted_ore) AS granted_ore,
            sum(s.paid_ore) AS paid_ore, sum(s.reclaimed_ore) AS reclaimed_ore,
            ${pct(`count(*) FILTER (WHERE s.outcome IN ('GRANTED','PARTLY_GRANTED'))`, 'count(*)')} AS success_rate
       FROM s
      GROUP BY GROUPING SETS ((s.call_id, s.measure_code, s.year, s.health_region), ())
      ORDER BY grouping(s.call_id), s.year, min(s.call_title), s.call_id, s.health_region`,
    scope.params,
  );
  return rows.map((r) => ({
    callId: (r.call_id as string) ?? null,
    callTitle: (r.call_title as string) ?? null,
    measure: (r.measure_code as string) ?? null,
    year: r.year === null ? null : count(r.year),
    healthRegion: (r.health_region as string) ?? null,
    received: count(r.received),
    eligible: count(r.eligible),
    assessed: count(r.assessed),
    granted: count(r.granted),
    partlyGranted: count(r.partly_granted),
    rejectedAtFormalCheck: count(r.rejected_formal),
    rejectedByDecision: count(r.rejected_decision),
    withdrawn: count(r.withdrawn),
    requestedOre: ore(r.requested_ore),
    grantedOre: ore(r.granted_ore),
    paidOre: ore(r.paid_ore),
    reclaimedOre: ore(r.reclaimed_ore),
    successRatePercent: sqlPercent(r.success_rate),
  }));
}

export interface MoneyFlowRow {
  callId: string | null;
  callTitle: string | null;
  year: number | null;
  applications: number;
  requestedOre: number;
  grantedOre: number;
  paidOre: number;
  reclaimedOre: number;
}

/** Requested → granted → paid → reclaimed per call and year; the last row (keys null) is the total. */
export async function moneyFlow(m: EntityManager, filter: InsightsFilter): Promise<MoneyFlowRow[]> {
  const scope = applicationsInScope(filter);
  const rows: Array<Record<string, unknown>> = await m.query(
    `WITH s AS (${scope.sql})
     SELECT s.call_id, min(s.call_title) AS call_title, s.year, count(*) AS applications,
            sum(s.requested_ore) AS requested_ore, sum(s.granted_ore) AS granted_ore,
            sum(s.paid_ore) AS paid_ore, sum(s.reclaimed_ore) AS reclaimed_ore
       FROM s
      GROUP BY GROUPING SETS ((s.call_id, s.year), ())
      ORDER BY grouping(s.call_id), s.year, min(s.call_title), s.call_id`,
    scope.params,
  );
  return rows.map((r) => ({
    callId: (r.call_id as string) ?? null,
    callTitle: (r.call_title as string) ?? null,
    year: r.year === null ? null : count(r.year),
    applications: count(r.applications),
    requestedOre: ore(r.requested_ore),
    grantedOre: ore(r.granted_ore),
    paidOre: ore(r.paid_ore),
    reclaimedOre: ore(r.reclaimed_ore),
  }));
}

export interface ReachRow {
  year: number;
  /** null: every region in scope together */
  healthRegion: string | null;
  reachedMunicipalities: number;
  municipalities: number;
  reachedPopulation: number;
  population: number;
  /** of the municipalities in scope (the region's, or all) */
  shareOfMunicipalitiesPercent: number | null;
  /** of the population in scope */
  shareOfPopulationPercent: number | null;
  /** of all municipalities of the country */
  shareOfAllMunicipalitiesPercent: number | null;
  shareOfAllPopulationPercent: number | null;
}

/**
 * The municipalities of funded consortia (members of the grant's submitted version), each counted once, in the year
 * of its first funded call; the grants counted are those of the call and measure filters, up to the year filter.
 */
function funded(filter: InsightsFilter): { sql: string; params: unknown[] } {
  const f = new SqlFilter();
  f.where(`g.status IN ${LIVE_GRANT}`);
  callConditions(f, filter, { yearUpTo: true });
  const sql = `
    SELECT sm.municipality_number AS number, min(${CALL_YEAR}) AS first_year
      FROM grant_award g
      JOIN call c ON c.id = g.call_id
      JOIN application a ON a.id = g.application_id
      JOIN submitted_member sm ON sm.application_id = a.id AND sm.version = a.current_version AND sm.municipality_number IS NOT NULL
     ${f.clause}
     GROUP BY sm.municipality_number`;
  return { sql, params: f.params };
}

/** Cumulative reach per year (first funded year to the last, or the year filter) and health region, with totals. */
export async function reachByYear(m: EntityManager, filter: InsightsFilter): Promise<ReachRow[]> {
  const fu = funded(filter);
  const f = new SqlFilter();
  fu.params.forEach((p) => f.bind(p));
  placeConditions(f, filter, 'mu');
  const upTo = filter.year !== undefined ? f.bind(filter.year) : null;
  const rows: Array<Record<string, unknown>> = await m.query(
    `WITH funded AS (${fu.sql}),
          years AS (SELECT generate_series(min(first_year), ${upTo ? `greatest(max(first_year), ${upTo}::int)` : 'max(first_year)'}) AS year
                      FROM funded),
          country AS (SELECT count(*) AS n, sum(population) AS pop FROM municipality)
     SELECT y.year, mu.health_region, grouping(mu.health_region) AS total,
            count(fu.number) FILTER (WHERE fu.first_year <= y.year) AS reached,
            count(*) AS municipalities,
            COALESCE(sum(mu.population) FILTER (WHERE fu.first_year <= y.year), 0) AS reached_pop,
            sum(mu.population) AS pop,
            ${pct('count(fu.number) FILTER (WHERE fu.first_year <= y.year)', 'count(*)')} AS share,
            ${pct('COALESCE(sum(mu.population) FILTER (WHERE fu.first_year <= y.year), 0)', 'sum(mu.population)')} AS pop_share,
            ${pct('count(fu.number) FILTER (WHERE fu.first_year <= y.year)', 'min(country.n)')} AS all_share,
            ${pct('COALESCE(sum(mu.population) FILTER (WHERE fu.first_year <= y.year), 0)', 'min(country.pop)')} AS all_pop_share
       FROM years y
       CROSS JOIN municipality mu
       CROSS JOIN country
       LEFT JOIN funded fu ON fu.number = mu.number
      ${f.clause}
      GROUP BY GROUPING SETS ((y.year, mu.health_region), (y.year))
      ORDER BY y.year, grouping(mu.health_region), mu.health_region`,
    f.params,
  );
  return rows.map((r) => ({
    year: count(r.year),
    healthRegion: Number(r.total) === 1 ? null : (r.health_region as string),
    reachedMunicipalities: count(r.reached),
    municipalities: count(r.municipalities),
    reachedPopulation: count(r.reached_pop),
    population: count(r.pop),
    shareOfMunicipalitiesPercent: sqlPercent(r.share),
    shareOfPopulationPercent: sqlPercent(r.pop_share),
    shareOfAllMunicipalitiesPercent: sqlPercent(r.all_share),
    shareOfAllPopulationPercent: sqlPercent(r.all_pop_share),
  }));
}

export interface MunicipalityRow {
  number: string;
  name: string;
  county: string;
  healthRegion: string;
  population: number;
}

/** The municipalities in scope no funded consortium has reached yet, largest first. */
export async function notReached(m: EntityManager, filter: InsightsFilter): Promise<MunicipalityRow[]> {
  const fu = funded(filter);
  const f = new SqlFilter();
  fu.params.forEach((p) => f.bind(p));
  f.where(`NOT EXISTS (SELECT 1 FROM funded fu WHERE fu.number = mu.number)`);
  placeConditions(f, filter, 'mu');
  const rows: Array<Record<string, unknown>> = await m.query(
    `WITH funded AS (${fu.sql})
     SELECT mu.number, mu.name, mu.county, mu.health_region, mu.population FROM municipality mu
      ${f.clause}
      ORDER BY mu.population DESC, mu.number`,
    f.params,
  );
  return rows.map((r) => ({
    number: String(r.number),
    name: String(r.name),
    county: String(r.county),
    healthRegion: String(r.health_region),
    population: count(r.population),
  }));
}

/** Counts for the reach target: all municipalities, and those reached (within the place filters) up to a year. */
export async function reachedCount(m: EntityManager, filter: InsightsFilter): Promise<{ reached: number; municipalities: number }> {
  const fu = funded(filter);
  const f = new SqlFilter();
  fu.params.forEach((p) => f.bind(p));
  placeConditions(f, filter, 'mu');
  const [r]: Array<Record<string, unknown>> = await m.query(
    `WITH funded AS (${fu.sql})
     SELECT count(fu.number) AS reached, count(*) AS municipalities
       FROM municipality mu LEFT JOIN funded fu ON fu.number = mu.number ${f.clause}`,
    f.params,
  );
  return { reached: count(r.reached), municipalities: count(r.municipalities) };
}

/** The first year of the scheme (the reach target counts its years from it). */
export async function schemeFirstYear(m: EntityManager): Promise<number | null> {
  const [r]: Array<{ y: unknown }> = await m.query(`SELECT min(first_year) AS y FROM scheme`);
  return r.y === null ? null : count(r.y);
}

/** The live grants in scope, with the call and the lead municipality (aliases g, c, a, lm, co). */
function grantsInScope(filter: InsightsFilter): { sql: string; params: unknown[] } {
  const f = new SqlFilter();
  f.where(`g.status IN ${LIVE_GRANT}`);
  callConditions(f, filter);
  placeConditions(f, filter, 'lm');
  const sql = `
    SELECT g.id AS grant_id, g.case_number, g.application_id, a.current_version AS version, g.call_id, c.title_nb AS call_title,
           ${CALL_YEAR} AS year, co.name AS consortium, lm.name AS lead_municipality, lm.health_region
      FROM grant_award g
      JOIN call c ON c.id = g.call_id
      JOIN application a ON a.id = g.application_id
      JOIN consortium co ON co.id = g.consortium_id
      JOIN submitted_member sm ON sm.application_id = a.id AND sm.version = a.current_version AND sm.role = 'LEAD'
      JOIN municipality lm ON lm.number = sm.municipality_number
     ${f.clause}`;
  return { sql, params: f.params };
}

/**
 * Each indicator of each live grant's approved benefit plan with its latest reported (measured) value: the latest
 * by the end of its period, from the current version of any submitted report. Indicators without a baseline or
 * without a reported value are there with nulls.
 */
function grantIndicators(filter: InsightsFilter): { sql: string; params: unknown[] } {
  const g = grantsInScope(filter);
  const sql = `
    SELECT gs.*, si.indicator_id, si.position, si.name, si.unit, si.kind, si.actor,
           si.baseline_value, to_char(si.baseline_date, 'YYYY-MM-DD') AS baseline_date,
           COALESCE(tf.target_value, si.target_value) AS target_value, COALESCE(tf.target_year, si.target_year) AS target_year,
           si.target_value AS original_target_value, si.target_year AS original_target_year, COALESCE(tf.version, 1) AS terms_version,
           lv.value AS actual_value, lv.method, lv.sample_size, lv.response_rate_percent,
           to_char(lv.period_start, 'YYYY-MM-DD') AS period_start, to_char(lv.period_end, 'YYYY-MM-DD') AS period_end,
           lv.kind AS report_kind,
           CASE WHEN si.baseline_value IS NOT NULL AND COALESCE(tf.target_value, si.target_value) IS NOT NULL AND lv.value IS NOT NULL
                     AND COALESCE(tf.target_value, si.target_value) <> si.baseline_value
                THEN round(100.0 * (lv.value - si.baseline_value) / (COALESCE(tf.target_value, si.target_value) - si.baseline_value), 1)
           END AS progress,
           lv.value - COALESCE(tf.target_value, si.target_value) AS deviation
      FROM (${g.sql}) gs
      JOIN submitted_indicator si ON si.application_id = gs.application_id AND si.version = gs.version
      -- the target in force: from the grant's newest terms (an approved change request, issue 14), else as decided
      LEFT JOIN LATERAL (
        SELECT (ti->>'targetValue')::numeric AS target_value, (ti->>'targetYear')::int AS target_year, t.version
          FROM grant_terms t CROSS JOIN LATERAL jsonb_array_elements(t.indicators) ti
         WHERE t.grant_id = gs.grant_id AND ti->>'indicatorId' = si.indicator_id::text
         ORDER BY t.version DESC
         LIMIT 1) tf ON true
      LEFT JOIN LATERAL (
        SELECT v.value, v.method, v.sample_size, v.response_rate_percent, v.period_start, v.period_end, r.kind
          FROM report r
          JOIN report_indicator_value v ON v.report_id = r.id AND v.version = r.current_version AND v.indicator_id = si.indicator_id
         WHERE r.grant_id = gs.grant_id AND r.current_version >= 1 AND r.status <> 'CANCELLED' AND v.measured
         ORDER BY v.period_end DESC, r.due_on DESC
         LIMIT 1) lv ON true`;
  return { sql, params: g.params };
}

/** numeric → its exact decimal text without trailing zeros ("12.5000" → "12.5"), or null. */
export function decimalText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

export interface GrantIndicatorRow {
  grantId: string;
  caseNumber: string;
  callId: string;
  callTitle: string;
  year: number;
  consortium: string;
  leadMunicipality: string;
  healthRegion: string;
  indicatorId: string;
  name: string;
  unit: string;
  kind: string;
  actor: string;
  baselineValue: string | null;
  baselineDate: string | null;
  /** the target in force (changed by an approved change request), and the target as decided */
  targetValue: string | null;
  targetYear: number | null;
  originalTargetValue: string | null;
  originalTargetYear: number | null;
  termsVersion: number;
  latestValue: string | null;
  latestMethod: string | null;
  latestSampleSize: number | null;
  latestResponseRatePercent: string | null;
  latestPeriodStart: string | null;
  latestPeriodEnd: string | null;
  latestReportKind: string | null;
  progressPercent: number | null;
  deviationFromTarget: string | null;
}

export async function indicatorsPerGrant(m: EntityManager, filter: InsightsFilter): Promise<GrantIndicatorRow[]> {
  const q = grantIndicators(filter);
  const rows: Array<Record<string, unknown>> = await m.query(`${q.sql} ORDER BY gs.case_number, si.position`, q.params);
  return rows.map((r) => ({
    grantId: String(r.grant_id),
    caseNumber: String(r.case_number),
    callId: String(r.call_id),
    callTitle: String(r.call_title),
    year: count(r.year),
    consortium: String(r.consortium),
    leadMunicipality: String(r.lead_municipality),
    healthRegion: String(r.health_region),
    indicatorId: String(r.indicator_id),
    name: String(r.name),
    unit: String(r.unit),
    kind: String(r.kind),
    actor: String(r.actor),
    baselineValue: decimalText(r.baseline_value),
    baselineDate: (r.baseline_date as string) ?? null,
    targetValue: decimalText(r.target_value),
    targetYear: r.target_year === null ? null : count(r.target_year),
    originalTargetValue: decimalText(r.original_target_value),
    originalTargetYear: r.original_target_year === null ? null : count(r.original_target_year),
    termsVersion: count(r.terms_version),
    latestValue: decimalText(r.actual_value),
    latestMethod: (r.method as string) ?? null,
    latestSampleSize: r.sample_size === null ? null : count(r.sample_size),
    latestResponseRatePercent: decimalText(r.response_rate_percent),
    latestPeriodStart: (r.period_start as string) ?? null,
    latestPeriodEnd: (r.period_end as string) ?? null,
    latestReportKind: (r.report_kind as string) ?? null,
    progressPercent: sqlPercent(r.progress),
    deviationFromTarget: decimalText(r.deviation),
  }));
}

export interface IndicatorGroupRow {
  name: string;
  unit: string;
  grants: number;
  withBaseline: number;
  withTarget: number;
  withActual: number;
  sumBaseline: string | null;
  sumTarget: string | null;
  sumLatestActual: string | null;
  /** the targets (forecast) and the latest values (outcome) of the grants that have both */
  forecastOfReported: string | null;
  outcomeOfReported: string | null;
  averageProgressPercent: number | null;
}

/** The indicators grouped across grants by name and unit (the name compared trimmed and case-insensitively). */
export async function indicatorGroups(m: EntityManager, filter: InsightsFilter): Promise<IndicatorGroupRow[]> {
  const q = grantIndicators(filter);
  const rows: Array<Record<string, unknown>> = await m.query(
    `WITH gi AS (${q.sql})
     SELECT min(trim(gi.name)) AS name, gi.unit, count(*) AS grants,
            count(gi.baseline_value) AS with_baseline, count(gi.target_value) AS with_target, count(gi.actual_value) AS with_actual,
            sum(gi.baseline_value) AS sum_baseline, sum(gi.target_value) AS sum_target, sum(gi.actual_value) AS sum_actual,
            sum(gi.target_value) FILTER (WHERE gi.actual_value IS NOT NULL) AS forecast,
            sum(gi.actual_value) FILTER (WHERE gi.target_value IS NOT NULL) AS outcome,
            round(avg(gi.progress), 1) AS avg_progress
       FROM gi
      GROUP BY lower(trim(gi.name)), gi.unit
      ORDER BY lower(trim(gi.name)), gi.unit`,
    q.params,
  );
  return rows.map((r) => ({
    name: String(r.name),
    unit: String(r.unit),
    grants: count(r.grants),
    withBaseline: count(r.with_baseline),
    withTarget: count(r.with_target),
    withActual: count(r.with_actual),
    sumBaseline: decimalText(r.sum_baseline),
    sumTarget: decimalText(r.sum_target),
    sumLatestActual: decimalText(r.sum_actual),
    forecastOfReported: decimalText(r.forecast),
    outcomeOfReported: decimalText(r.outcome),
    averageProgressPercent: sqlPercent(r.avg_progress),
  }));
}

/** The reports of the live grants in scope (not cancelled), with the day (Oslo) each was first submitted. */
function reportsInScope(filter: InsightsFilter): { sql: string; params: unknown[] } {
  const g = grantsInScope(filter);
  const sql = `
    SELECT r.id AS report_id, gs.case_number, gs.call_id, gs.call_title, gs.year, gs.consortium, gs.lead_municipality,
           gs.health_region, r.kind, r.title, r.status, r.due_on, r.current_version,
           (SELECT (min(v.submitted_at) AT TIME ZONE 'Europe/Oslo')::date FROM report_version v WHERE v.report_id = r.id) AS first_submitted_on
      FROM (${g.sql}) gs
      JOIN report r ON r.grant_id = gs.grant_id AND r.status <> 'CANCELLED'`;
  return { sql, params: g.params };
}

export interface TimelinessRow {
  callId: string | null;
  callTitle: string | null;
  year: number | null;
  kind: string | null;
  reports: number;
  due: number;
  submittedOnTime: number;
  submittedLate: number;
  averageDaysLate: number | null;
  maxDaysLate: number | null;
  overdueNow: number;
}

/** Reports due, submitted on time, late (days late), overdue now, per call, year and kind; last row the total. */
export async function timeliness(m: EntityManager, filter: InsightsFilter, today: string): Promise<TimelinessRow[]> {
  const q = reportsInScope(filter);
  const t = `$${q.params.length + 1}::date`;
  const rows: Array<Record<string, unknown>> = await m.query(
    `WITH rs AS (${q.sql})
     SELECT rs.call_id, min(rs.call_title) AS call_title, rs.year, rs.kind, count(*) AS reports,
            count(*) FILTER (WHERE rs.due_on <= ${t}) AS due,
            count(*) FILTER (WHERE rs.first_submitted_on <= rs.due_on) AS on_time,
            count(*) FILTER (WHERE rs.first_submitted_on > rs.due_on) AS late,
            round(avg(rs.first_submitted_on - rs.due_on) FILTER (WHERE rs.first_submitted_on > rs.due_on), 1) AS avg_late,
            max(rs.first_submitted_on - rs.due_on) FILTER (WHERE rs.first_submitted_on > rs.due_on) AS max_late,
            count(*) FILTER (WHERE rs.first_submitted_on IS NULL AND rs.due_on < ${t}) AS overdue
       FROM rs
      GROUP BY GROUPING SETS ((rs.call_id, rs.year, rs.kind), ())
      ORDER BY grouping(rs.call_id), rs.year, min(rs.call_title), rs.call_id, rs.kind`,
    [...q.params, today],
  );
  return rows.map((r) => ({
    callId: (r.call_id as string) ?? null,
    callTitle: (r.call_title as string) ?? null,
    year: r.year === null ? null : count(r.year),
    kind: (r.kind as string) ?? null,
    reports: count(r.reports),
    due: count(r.due),
    submittedOnTime: count(r.on_time),
    submittedLate: count(r.late),
    averageDaysLate: sqlPercent(r.avg_late),
    maxDaysLate: r.max_late === null ? null : count(r.max_late),
    overdueNow: count(r.overdue),
  }));
}

export interface ReportTimelinessRow {
  reportId: string;
  caseNumber: string;
  kind: string;
  title: string;
  dueOn: string;
  firstSubmittedOn: string | null;
  daysLate: number | null;
  overdueNow: boolean;
}

/** The late and the overdue reports one by one, most days late first. */
export async function lateReports(m: EntityManager, filter: InsightsFilter, today: string): Promise<ReportTimelinessRow[]> {
  const q = reportsInScope(filter);
  const t = `$${q.params.length + 1}::date`;
  const rows: Array<Record<string, unknown>> = await m.query(
    `WITH rs AS (${q.sql})
     SELECT rs.report_id, rs.case_number, rs.kind, rs.title, to_char(rs.due_on, 'YYYY-MM-DD') AS due_on,
            to_char(rs.first_submitted_on, 'YYYY-MM-DD') AS first_submitted_on,
            COALESCE(rs.first_submitted_on, ${t}) - rs.due_on AS days_late,
            rs.first_submitted_on IS NULL AND rs.due_on < ${t} AS overdue
       FROM rs
      WHERE rs.first_submitted_on > rs.due_on OR (rs.first_submitted_on IS NULL AND rs.due_on < ${t})
      ORDER BY days_late DESC, rs.case_number, rs.due_on`,
    [...q.params, today],
  );
  return rows.map((r) => ({
    reportId: String(r.report_id),
    caseNumber: String(r.case_number),
    kind: String(r.kind),
    title: String(r.title),
    dueOn: String(r.due_on),
    firstSubmittedOn: (r.first_submitted_on as string) ?? null,
    daysLate: count(r.days_late),
    overdueNow: r.overdue === true || r.overdue === 't',
  }));
}

export interface ReportRowForAnalysis {
  reportId: string;
  caseNumber: string;
  callId: string;
  callTitle: string;
  year: number;
  consortium: string;
  leadMunicipality: string;
  healthRegion: string;
  kind: string;
  title: string;
  status: string;
  dueOn: string;
  version: number;
  submittedAt: Date;
  periodStart: string | null;
  periodEnd: string | null;
  sections: Array<{ code: string; text: string }>;
  answers: Array<{ question: number; text: string }>;
  benefitSummary: string | null;
  financialStatement: Record<string, unknown> | null;
  actualTotalOre: number;
  actuals: Array<{ costCategory: string; year: number; amountOre: number }>;
  indicators: Array<{
    indicatorId: string;
    name: string;
    unit: string;
    measured: boolean;
    value: string | null;
    method: string | null;
    sampleSize: number | null;
    responseRatePercent: string | null;
    periodStart: string | null;
    periodEnd: string | null;
    notMeasuredReason: string | null;
  }>;
}

/**
 * The submitted reports in scope as their current version stands, for analysis: the narrative, the financial
 * statement, the actuals and the indicator values. Never the declaration (a person's name and title): the columns
 * are chosen one by one, so nothing personal comes along by accident.
 */
export async function reportsForAnalysis(m: EntityManager, filter: InsightsFilter): Promise<ReportRowForAnalysis[]> {
  const q = reportsInScope(filter);
  const rows: Array<Record<string, unknown>> = await m.query(
    `WITH rs AS (${q.sql})
     SELECT rs.report_id, rs.case_number, rs.call_id, rs.call_title, rs.year, rs.consortium, rs.lead_municipality, rs.health_region,
            rs.kind, rs.title, rs.status, to_char(rs.due_on, 'YYYY-MM-DD') AS due_on, rs.current_version AS version,
            rv.submitted_at, to_char(r.period_start, 'YYYY-MM-DD') AS period_start, to_char(r.period_end, 'YYYY-MM-DD') AS period_end,
            rv.content->'sections' AS sections, rv.content->'answers' AS answers,
            rv.content->>'benefitSummary' AS benefit_summary, rv.content->'financialStatement' AS financial_statement,
            (SELECT COALESCE(sum(ra.amount_ore), 0) FROM report_actual ra WHERE ra.report_id = r.id AND ra.version = r.current_version)
              AS actual_total,
            (SELECT json_agg(json_build_object('costCategory', ra.cost_category_code, 'year', ra.year, 'amountOre', ra.amount_ore::text)
                             ORDER BY ra.position)
               FROM report_actual ra WHERE ra.report_id = r.id AND ra.version = r.current_version) AS actuals,
            (SELECT json_agg(json_build_object('indicatorId', v.indicator_id, 'name', si.name, 'unit', si.unit, 'measured', v.measured,
                                               'value', v.value::text, 'method', v.method, 'sampleSize', v.sample_size,
                                               'responseRatePercent', v.response_rate_percent::text,
                                               'periodStart', to_char(v.period_start, 'YYYY-MM-DD'),
                                               'periodEnd', to_char(v.period_end, 'YYYY-MM-DD'),
                                               'notMeasuredReason', v.not_measured_reason) ORDER BY si.position)
               FROM report_indicator_value v
               JOIN submitted_indicator si
                 ON si.application_id = v.application_id AND si.version = v.application_version AND si.indicator_id = v.indicator_id
              WHERE v.report_id = r.id AND v.version = r.current_version) AS indicators
       FROM rs
       JOIN report r ON r.id = rs.report_id
       JOIN report_version rv ON rv.report_id = r.id AND rv.version = r.current_version
      ORDER BY rs.case_number, rs.due_on, rs.report_id`,
    q.params,
  );
  const json = <T>(v: unknown, empty: T): T => (v === null || v === undefined ? empty : ((typeof v === 'string' ? JSON.parse(v) : v) as T));
  return rows.map((r) => ({
    reportId: String(r.report_id),
    caseNumber: String(r.case_number),
    callId: String(r.call_id),
    callTitle: String(r.call_title),
    year: count(r.year),
    consortium: String(r.consortium),
    leadMunicipality: String(r.lead_municipality),
    healthRegion: String(r.health_region),
    kind: String(r.kind),
    title: String(r.title),
    status: String(r.status),
    dueOn: String(r.due_on),
    version: count(r.version),
    submittedAt: new Date(r.submitted_at as string),
    periodStart: (r.period_start as string) ?? null,
    periodEnd: (r.period_end as string) ?? null,
    sections: json<Array<{ code: string; text: string }>>(r.sections, []).map((s) => ({ code: s.code, text: s.text })),
    answers: json<Array<{ question: number; text: string }>>(r.answers, []).map((a) => ({ question: a.question, text: a.text })),
    benefitSummary: (r.benefit_summary as string) ?? null,
    financialStatement: json<Record<string, unknown> | null>(r.financial_statement, null),
    actualTotalOre: ore(r.actual_total),
    actuals: json<Array<{ costCategory: string; year: number; amountOre: string }>>(r.actuals, []).map((a) => ({
      costCategory: a.costCategory,
      year: Number(a.year),
      amountOre: sqlOre(a.amountOre),
    })),
    indicators: json<ReportRowForAnalysis['indicators']>(r.indicators, []).map((v) => ({
      ...v,
      value: decimalText(v.value),
      responseRatePercent: decimalText(v.responseRatePercent),
    })),
  }));
}

/** All municipalities of the country and their population (the denominators of reach). */
export async function countryTotals(m: EntityManager): Promise<{ municipalities: number; population: number }> {
  const [r]: Array<{ n: unknown; pop: unknown }> = await m.query(`SELECT count(*) AS n, sum(population) AS pop FROM municipality`);
  return { municipalities: count(r.n), population: count(r.pop) };
}
