import { EntityManager } from 'typeorm';
import { exactTimeSql } from '../common/pagination';
import { SqlFilter } from '../common/sql-filter';

/**
 * The calls module's raw SQL, one function per query returning typed rows; cost categories have their own file
 * (cost-categories.queries.ts). Callers pass the EntityManager; the rules stay in the services.
 */

export interface CallKeyRow {
  id: string;
  /** created_at as exact text: the cursor key. */
  k: string;
}

/** One page of call ids in creation order, under the filter (the access policy, the list's own conditions). */
export function callPage(m: EntityManager, f: SqlFilter, limit: number): Promise<CallKeyRow[]> {
  return m.query(
    `SELECT c.id, ${exactTimeSql('c.created_at')} AS k FROM call c
      ${f.clause} ORDER BY c.created_at, c.id LIMIT ${f.bind(limit)}`,
    f.params,
  );
}

/** Published calls past their closing time, locked; one another process is closing already is skipped. */
export async function lockDueCalls(m: EntityManager, now: Date): Promise<string[]> {
  const rows: Array<{ id: string }> = await m.query(
    `SELECT id FROM call WHERE status = 'PUBLISHED' AND closes_at < $1 ORDER BY closes_at, id FOR UPDATE SKIP LOCKED`,
    [now.toISOString()],
  );
  return rows.map((r) => r.id);
}

/** The demo's competence network: 15 MNOK a year to KS over the scheme period (ambisjonsnivå 3); idempotent. */
export async function seedDemoDirectAllocations(m: EntityManager): Promise<void> {
  await m.query(
    `INSERT INTO direct_allocation (measure_code, organisation_id, year, amount_ore, reference)
     SELECT 'KOMPETANSENETTVERK', o.id, y, 1500000000, 'Demo: direkte tildeling til KS'
       FROM organisation o, generate_series(2024, 2028) y
      WHERE o.kind = 'KS'
     ON CONFLICT (measure_code, organisation_id, year) DO NOTHING`,
  );
}
