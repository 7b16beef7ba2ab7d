import { EntityManager } from 'typeorm';
import { DecimalString, fromNumeric } from '../common/decimal';
import { sqlOre } from '../database/sql-numbers';

/**
 * Each submitted version's budget lines, consortium members and benefit indicators as rows (submitted_budget_line,
 * submitted_member, submitted_indicator): the facts that scores, decisions, payments, reports and insights reference
 * by foreign key to (application_id, version, …) and sum in SQL. Written in the submitting transaction from the
 * frozen JSON of application_version itself, so the rows say exactly what the version says; append-only after that.
 */

export type MemberRole = 'LEAD' | 'MEMBER' | 'HEALTH_TRUST';

export interface SubmittedBudgetLine {
  lineId: string;
  position: number;
  costCategory: string;
  description: string;
  year: number;
  amountOre: number;
}

export interface SubmittedMember {
  organisationId: string;
  position: number;
  municipalityNumber: string | null;
  role: MemberRole;
  name: string;
  healthRegion: string | null;
}

export interface SubmittedIndicator {
  indicatorId: string;
  position: number;
  name: string;
  unit: string;
  actor: string;
  kind: string;
  method: string;
  baselineValue: DecimalString | null;
  baselineDate: string | null;
  targetValue: DecimalString | null;
  targetYear: number | null;
  priceYear: number | null;
}

/** Projects the frozen version (already inserted in this transaction) into its rows. */
export async function projectSubmittedVersion(m: EntityManager, applicationId: string, version: number): Promise<void> {
  const params = [applicationId, version];
  await m.query(
    `INSERT INTO submitted_budget_line (application_id, version, line_id, position, cost_category_code, description, year, amount_ore)
     SELECT v.application_id, v.version, (e->>'id')::uuid, i - 1, e->>'costCategory', e->>'description', (e->>'year')::int,
            (e->>'amountOre')::bigint
       FROM application_version v CROSS JOIN LATERAL jsonb_array_elements(v.content->'budgetLines') WITH ORDINALITY AS x(e, i)
      WHERE v.application_id = $1 AND v.version = $2`,
    params,
  );
  await m.query(
    `INSERT INTO submitted_member (application_id, version, organisation_id, position, municipality_number, role, name, health_region)
     SELECT v.application_id, v.version, (e->>'organisationId')::uuid, i - 1, e->>'municipalityNumber',
            CASE WHEN (e->>'lead')::boolean THEN 'LEAD' WHEN e->>'municipalityNumber' IS NULL THEN 'HEALTH_TRUST' ELSE 'MEMBER' END,
            e->>'name', e->>'healthRegion'
       FROM application_version v CROSS JOIN LATERAL jsonb_array_elements(v.content->'consortium'->'members') WITH ORDINALITY AS x(e, i)
      WHERE v.application_id = $1 AND v.version = $2`,
    params,
  );
  await m.query(
    `INSERT INTO submitted_indicator (application_id, version, indicator_id, position, name, unit, actor, kind, method,
                                      baseline_value, baseline_date, target_value, target_year, price_year)
     SELECT v.application_id, v.version, (e->>'id')::uuid, i - 1, e->>'name', e->>'unit', e->>'actor', e->>'kind', e->>'method',
            (e->>'baselineValue')::numeric, (e->>'baselineDate')::date, (e->>'targetValue')::numeric,
            (e->>'targetYear')::int, (e->>'priceYear')::int
       FROM application_version v CROSS JOIN LATERAL jsonb_array_elements(v.content->'benefitPlan'->'indicators') WITH ORDINALITY AS x(e, i)
      WHERE v.application_id = $1 AND v.version = $2`,
    params,
  );
}

export async function submittedBudgetLines(m: EntityManager, applicationId: string, version: number): Promise<SubmittedBudgetLine[]> {
  const rows: Array<{
    line_id: string;
    position: number;
    cost_category_code: string;
    description: string;
    year: number;
    amount_ore: string | number;
  }> = await m.query(
    `SELECT line_id, position, cost_category_code, description, year, amount_ore
       FROM submitted_budget_line WHERE application_id = $1 AND version = $2 ORDER BY position`,
    [applicationId, version],
  );
  return rows.map((r) => ({
    lineId: r.line_id,
    position: Number(r.position),
    costCategory: r.cost_category_code,
    description: r.description,
    year: Number(r.year),
    amountOre: sqlOre(r.amount_ore),
  }));
}

export async function submittedMembers(m: EntityManager, applicationId: string, version: number): Promise<SubmittedMember[]> {
  const rows: Array<{
    organisation_id: string;
    position: number;
    municipality_number: string | null;
    role: MemberRole;
    name: string;
    health_region: string | null;
  }> = await m.query(
    `SELECT organisation_id, position, municipality_number, role, name, health_region
       FROM submitted_member WHERE application_id = $1 AND version = $2 ORDER BY position`,
    [applicationId, version],
  );
  return rows.map((r) => ({
    organisationId: r.organisation_id,
    position: Number(r.position),
    municipalityNumber: r.municipality_number,
    role: r.role,
    name: r.name,
    healthRegion: r.health_region,
  }));
}

export async function submittedIndicators(m: EntityManager, applicationId: string, version: number): Promise<SubmittedIndicator[]> {
  const rows: Array<{
    indicator_id: string;
    position: number;
    name: string;
    unit: string;
    actor: string;
    kind: string;
    method: string;
    baseline_value: string | null;
    baseline_date: string | null;
    target_value: string | null;
    target_year: number | null;
    price_year: number | null;
  }> = await m.query(
    // numeric and date as text: exact on both drivers (PGlite would parse numeric into a float and date into a Date)
    `SELECT indicator_id, position, name, unit, actor, kind, method, baseline_value::text AS baseline_value,
            to_char(baseline_date, 'YYYY-MM-DD') AS baseline_date, target_value::text AS target_value, target_year, price_year
       FROM submitted_indicator WHERE application_id = $1 AND version = $2 ORDER BY position`,
    [applicationId, version],
  );
  return rows.map((r) => ({
    indicatorId: r.indicator_id,
    position: Number(r.position),
    name: r.name,
    unit: r.unit,
    actor: r.actor,
    kind: r.kind,
    method: r.method,
    baselineValue: fromNumeric(r.baseline_value),
    baselineDate: r.baseline_date,
    targetValue: fromNumeric(r.target_value),
    targetYear: r.target_year === null ? null : Number(r.target_year),
    priceYear: r.price_year === null ? null : Number(r.price_year),
  }));
}
