import { createTestApp, TestApp } from './support/app';
import { createCall, MunicipalityPool } from './support/fixtures';
import { assessedApplication, proposedDecision } from './support/decisions';

const KR = 100;
const onPostgres = !!process.env.DATABASE_URL;

/**
 * Issue 11, must show 2: many approvers at once never take a call's grants above its budget. On real PostgreSQL,
 * where the approvals truly run side by side (PGlite has one connection and would only queue them).
 */
(onPostgres ? describe : describe.skip)('decisions: concurrent approvals within the budget (PostgreSQL)', () => {
  let t: TestApp;
  let pool: MunicipalityPool;

  beforeAll(async () => {
    t = await createTestApp();
    pool = await MunicipalityPool.create(t, { excludeRegions: ['Helse Midt-Norge'] });
  });
  afterAll(() => t.close());

  it('40 approvals at once in a call whose budget fits 15: never above the budget, the rest refused with the amount left', async () => {
    // 15 grants of 500 000 kr fit in 7 600 000 kr, with 100 000 kr left over
    const call = await createCall(t, { budgetOre: 7_600_000 * KR });
    const decisions: string[] = [];
    for (let i = 0; i < 40; i++) {
      const { application } = await assessedApplication(t, { pool, call, requestedOre: 500_000 * KR });
      decisions.push((await proposedDecision(t, application.id)).id);
    }

    const results = await Promise.all(
      decisions.map((id) => t.http().post(`/api/v1/decisions/${id}/approve`).set(t.auth('approver')).send({})),
    );

    const approved = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status !== 200);
    expect(approved).toHaveLength(15);
    expect(refused).toHaveLength(25);
    for (const r of refused) {
      expect(r.status).toBe(422);
      expect(r.body).toMatchObject({ code: 'BUDGET_EXCEEDED', remainingOre: 100_000 * KR, requiredOre: 500_000 * KR });
    }
    const [c] = await t.dataSource.query(
      `SELECT c.budget_ore::text AS budget, c.committed_ore::text AS committed,
              (SELECT COALESCE(sum(d.amount_ore), 0)::text FROM decision d WHERE d.call_id = c.id AND d.status = 'SENT') AS approved,
              (SELECT count(*)::int FROM grant_award g WHERE g.call_id = c.id) AS grants
         FROM call c WHERE c.id = $1`,
      [call.id],
    );
    expect(c).toEqual({ budget: String(7_600_000 * KR), committed: String(7_500_000 * KR), approved: String(7_500_000 * KR), grants: 15 });
    // the refused ones wait, still proposed, for budget to come free
    const [{ proposed }] = await t.dataSource.query(
      `SELECT count(*)::int AS proposed FROM decision WHERE call_id = $1 AND status = 'PROPOSED'`,
      [call.id],
    );
    expect(proposed).toBe(25);
  }, 300_000);
});
