/**
 * What must hold in the data whatever happened before (junk input, a crash, a database restart), as one list of
 * violations: empty when all is well.
 * - every call's committed amount is the sum of its live grants;
 * - every grant's ledger balances: paid and the live tranches within the grant, reclaimed within paid, repaid within
 *   reclaimed, one live payment per tranche;
 * - case numbers are gap-free: per year 1…n, n the counter, each used once, each with its journal;
 * - the audit chain verifies (GET /audit/verify, as the auditor).
 */
export type Query = (sql: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;

export async function invariantViolations(
  query: Query,
  verifyAudit: () => Promise<{ ok?: boolean } & Record<string, unknown>>,
): Promise<string[]> {
  const violations: string[] = [];

  const budgets = await query(
    `SELECT c.id, c.committed_ore::text AS committed, c.budget_ore::text AS budget,
            (SELECT COALESCE(sum(g.amount_ore), 0) FROM grant_award g
              WHERE g.call_id = c.id AND g.status IN ('AWAITING_ACCEPTANCE','ACTIVE','COMPLETED'))::text AS live
       FROM call c`,
  );
  for (const b of budgets) {
    if (BigInt(b.committed as string) !== BigInt(b.live as string))
      violations.push(`call ${b.id}: committed ${b.committed} øre, its live grants ${b.live} øre`);
    if (BigInt(b.committed as string) > BigInt(b.budget as string))
      violations.push(`call ${b.id}: committed ${b.committed} øre of ${b.budget}`);
  }

  const ledgers = await query(
    `SELECT g.id, g.amount_ore::text AS granted,
            (SELECT COALESCE(sum(amount_ore), 0) FROM payment WHERE grant_id = g.id AND status = 'PAID')::text AS paid,
            (SELECT COALESCE(sum(amount_ore), 0) FROM payment WHERE grant_id = g.id AND status NOT IN ('RETURNED','CANCELLED'))::text AS live,
            (SELECT COALESCE(sum(amount_ore), 0) FROM reclaim WHERE grant_id = g.id AND status <> 'DISMISSED')::text AS reclaimed,
            (SELECT count(*) FROM (SELECT tranche FROM payment WHERE grant_id = g.id AND status NOT IN ('RETURNED','CANCELLED')
                                    GROUP BY tranche HAVING count(*) > 1) d)::int AS doubled,
            (SELECT count(*) FROM reclaim r WHERE r.grant_id = g.id
                AND (SELECT COALESCE(sum(p.amount_ore), 0) FROM reclaim_repayment p WHERE p.reclaim_id = r.id) > r.amount_ore)::int AS over_repaid
       FROM grant_award g`,
  );
  for (const l of ledgers) {
    const [granted, paid, live, reclaimed] = [l.granted, l.paid, l.live, l.reclaimed].map((v) => BigInt(v as string));
    if (paid > granted) violations.push(`grant ${l.id}: ${paid} øre paid of ${granted} granted`);
    if (live > granted) violations.push(`grant ${l.id}: live tranches of ${live} øre for ${granted} granted`);
    if (reclaimed > paid) violations.push(`grant ${l.id}: ${reclaimed} øre reclaimed of ${paid} paid`);
    if (Number(l.doubled) > 0) violations.push(`grant ${l.id}: ${l.doubled} tranche(s) with two live payments`);
    if (Number(l.over_repaid) > 0) violations.push(`grant ${l.id}: ${l.over_repaid} reclaim(s) repaid beyond the amount`);
  }

  const cases = await query(
    `SELECT a.case_number,
            EXISTS (SELECT 1 FROM journal_entry j WHERE j.case_number = a.case_number) AS journaled
       FROM application a WHERE a.case_number IS NOT NULL`,
  );
  const counters = await query(`SELECT year, last_number FROM case_number_counter`);
  const byYear = new Map<number, number[]>();
  for (const c of cases) {
    const m = /^(\d{4})\/(\d{5})$/.exec(c.case_number as string);
    if (!m) {
      violations.push(`case number ${c.case_number} is not YYYY/NNNNN`);
      continue;
    }
    byYear.set(Number(m[1]), [...(byYear.get(Number(m[1])) ?? []), Number(m[2])]);
    if (!c.journaled) violations.push(`case ${c.case_number} has no journal entry`);
  }
  for (const { year, last_number } of counters) {
    const numbers = (byYear.get(Number(year)) ?? []).sort((a, b) => a - b);
    const expected = Array.from({ length: Number(last_number) }, (_, i) => i + 1);
    if (numbers.join() !== expected.join())
      violations.push(`case numbers of ${year}: ${numbers.length} used of the counter's ${last_number}, not 1…${last_number} once each`);
  }
  for (const year of byYear.keys())
    if (!counters.some((c) => Number(c.year) === year)) violations.push(`case numbers of ${year} without a counter`);

  const audit = await verifyAudit();
  if (audit.ok !== true) violations.push(`audit chain: ${JSON.stringify(audit)}`);
  return violations;
}
