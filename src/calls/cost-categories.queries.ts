import { EntityManager } from 'typeorm';
import { CallRules } from './call-rules';
import { CallVersion } from './entities/call.entity';

/**
 * The cost-category catalogue (`cost_category`) and the categories of each call version (`call_cost_category`), as
 * typed rows. Budget lines, submitted lines and (later) report actuals reference `cost_category` by foreign key.
 */

export interface CostCategoryRow {
  code: string;
  labelNb: string;
  labelNn: string;
  /** false: the scheme never funds it; `reason` says why. */
  eligible: boolean;
  reason: string | null;
}

export interface CallCostCategoryRow {
  code: string;
  /** true: this call version funds it; false: the call names it as not funded. */
  eligible: boolean;
  /** The call's own label (eligible) or reason (not funded). */
  label: string | null;
  reason: string | null;
  position: number;
}

/** The catalogue rows of these codes; a code missing from the answer is not a cost category of the scheme. */
export async function costCategoriesByCode(m: EntityManager, codes: string[]): Promise<CostCategoryRow[]> {
  if (!codes.length) return [];
  const rows: Array<{ code: string; label_nb: string; label_nn: string; eligible: boolean; reason: string | null }> = await m.query(
    `SELECT code, label_nb, label_nn, eligible, reason FROM cost_category WHERE code = ANY($1::text[]) ORDER BY code`,
    [[...new Set(codes)]],
  );
  return rows.map((r) => ({ code: r.code, labelNb: r.label_nb, labelNn: r.label_nn, eligible: r.eligible, reason: r.reason }));
}

/** The categories one stored call version funds and excludes, in the call's order (eligible first). */
export async function callCostCategories(m: EntityManager, callId: string, callVersion: number): Promise<CallCostCategoryRow[]> {
  const rows: Array<{ code: string; eligible: boolean; label: string | null; reason: string | null; position: number }> = await m.query(
    `SELECT cost_category_code AS code, eligible, label, reason, position
       FROM call_cost_category WHERE call_id = $1 AND call_version = $2 ORDER BY position`,
    [callId, callVersion],
  );
  return rows.map((r) => ({ code: r.code, eligible: r.eligible, label: r.label, reason: r.reason, position: Number(r.position) }));
}

/** A call's categories as rows, eligible first, each code once (a call never lists one in both; eligible would win). */
export function callCostCategoryRows(rules: Pick<CallRules, 'costCategories'>): CallCostCategoryRow[] {
  const eligible = rules.costCategories.eligible.map((c) => ({ code: c.code, eligible: true, label: c.label, reason: null }));
  const ineligible = rules.costCategories.ineligible
    .filter((c) => !eligible.some((e) => e.code === c.code))
    .map((c) => ({ code: c.code, eligible: false, label: null, reason: c.reason }));
  const seen = new Set<string>();
  return [...eligible, ...ineligible]
    .filter((c) => (seen.has(c.code) ? false : (seen.add(c.code), true)))
    .map((c, position) => ({ ...c, position }));
}

/**
 * Stores a call version: the frozen content and, in the same transaction, the categories it funds as rows. The one
 * way a call_version row is written, so the two never disagree.
 */
export async function storeCallVersion(
  m: EntityManager,
  v: { callId: string; version: number; content: CallVersion['content']; reason?: string | null; createdBy?: string | null },
): Promise<void> {
  await m.getRepository(CallVersion).insert({
    callId: v.callId,
    version: v.version,
    content: v.content,
    reason: v.reason ?? null,
    createdBy: v.createdBy ?? null,
  });
  const rows = callCostCategoryRows(v.content.rules);
  await m.query(
    `INSERT INTO call_cost_category (call_id, call_version, cost_category_code, eligible, label, reason, position)
     SELECT $1, $2, x.code, x.eligible, x.label, x.reason, x.position
       FROM jsonb_to_recordset($3::jsonb) AS x(code text, eligible boolean, label text, reason text, position integer)`,
    [v.callId, v.version, JSON.stringify(rows)],
  );
}
