import { EntityManager } from 'typeorm';

/** A budget line as the draft edit writes it; `id` null for a new line. */
export interface BudgetLineInput {
  id: string | null;
  costCategory: string;
  description: string;
  year: number;
  amountOre: number;
}

export async function budgetLineIds(m: EntityManager, applicationId: string): Promise<string[]> {
  const rows: Array<{ id: string }> = await m.query(`SELECT id FROM application_budget_line WHERE application_id = $1`, [applicationId]);
  return rows.map((r) => r.id);
}

/**
 * Makes the draft's budget the given list, in its order: a line with an id is updated in place (it keeps its id), a
 * line without one is inserted with a new id, and a line left out is deleted. Ids must have been checked to belong to
 * the application. Positions may swap within the edit; their uniqueness is checked at commit (a deferred constraint).
 */
export async function replaceBudgetLines(m: EntityManager, applicationId: string, lines: BudgetLineInput[]): Promise<void> {
  const rows = JSON.stringify(
    lines.map((l, position) => ({
      id: l.id,
      position,
      cost_category: l.costCategory,
      description: l.description,
      year: l.year,
      amount_ore: l.amountOre,
    })),
  );
  const kept = lines.flatMap((l) => (l.id ? [l.id] : []));
  await m.query(`DELETE FROM application_budget_line WHERE application_id = $1 AND NOT (id = ANY($2::uuid[]))`, [applicationId, kept]);
  const recordset = `jsonb_to_recordset($2::jsonb) AS x(id uuid, position integer, cost_category text, description text, year integer, amount_ore bigint)`;
  await m.query(
    `UPDATE application_budget_line b
        SET position = x.position, cost_category = x.cost_category, description = x.description, year = x.year, amount_ore = x.amount_ore
       FROM ${recordset}
      WHERE b.application_id = $1 AND b.id = x.id`,
    [applicationId, rows],
  );
  await m.query(
    `INSERT INTO application_budget_line (application_id, position, cost_category, description, year, amount_ore)
     SELECT $1, x.position, x.cost_category, x.description, x.year, x.amount_ore FROM ${recordset} WHERE x.id IS NULL`,
    [applicationId, rows],
  );
}
