import { GrantEvents } from '../src/grants/grant-events';
import { createTestApp, TestApp } from './support/app';
import { MunicipalityPool } from './support/fixtures';
import { activeGrant, tranchesOf } from './support/payments';

const KR = 100;
const onPostgres = !!process.env.DATABASE_URL;

/**
 * Issue 13, must show 1 and 3: on real PostgreSQL, where requests truly run side by side (PGlite has one connection
 * and would only queue them).
 */
(onPostgres ? describe : describe.skip)('payments: concurrent requests on one grant (PostgreSQL)', () => {
  let t: TestApp;
  let pool: MunicipalityPool;
  const officer = () => t.auth('officer');

  beforeAll(async () => {
    t = await createTestApp();
    pool = await MunicipalityPool.create(t, { excludeRegions: ['Helse Midt-Norge'] });
  });
  afterAll(() => t.close());

  /** A grant whose first tranche (500 000 kr of 1 000 000 kr) is sent to the bank. */
  async function sentPayment() {
    const g = await activeGrant(t, { pool, requestedOre: 1_000_000 * KR });
    const [first] = await tranchesOf(t, g.grantId);
    await t.http().post(`/api/v1/payments/${first.id}/attest`).set(officer()).send({}).expect(200);
    await t.http().post(`/api/v1/payments/${first.id}/approve`).set(t.auth('approver')).send({}).expect(200);
    await t.http().post('/api/v1/payments/exports').set(officer()).send({ callId: g.call.id }).expect(201);
    return { ...g, paymentId: first.id };
  }

  const paidEvents = async (paymentId: string) =>
    Number(
      (
        await t.dataSource.query(`SELECT count(*)::int AS n FROM state_transition WHERE entity_id = $1 AND event = 'mark_paid'`, [
          paymentId,
        ])
      )[0].n,
    );

  it('must show 1: the same mark-paid 20 times at once with one key pays once; every answer is the first', async () => {
    const p = await sentPayment();
    const key = { 'Idempotency-Key': `mark-paid-${p.paymentId}` };
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.http().post(`/api/v1/payments/${p.paymentId}/mark-paid`).set(officer()).set(key).send({ bankReference: 'BANK-1' }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(results.filter((r) => r.headers['idempotent-replayed'] !== 'true')).toHaveLength(1);
    for (const r of results) expect(r.body).toEqual(results[0].body);
    expect(results[0].body.status).toBe('PAID');
    expect(await paidEvents(p.paymentId)).toBe(1);
    const [{ paid }] = await t.dataSource.query(
      `SELECT COALESCE(sum(amount_ore), 0)::text AS paid FROM payment WHERE grant_id = $1 AND status = 'PAID'`,
      [p.grantId],
    );
    expect(paid).toBe(String(500_000 * KR));
  }, 120_000);

  it('must show 1: with 20 different keys exactly one succeeds, the rest get a clear 409', async () => {
    const p = await sentPayment();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t
          .http()
          .post(`/api/v1/payments/${p.paymentId}/mark-paid`)
          .set(officer())
          .set({ 'Idempotency-Key': `k-${i}-${p.paymentId}` })
          .send({}),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const refused = results.filter((r) => r.status !== 200);
    expect(refused).toHaveLength(19);
    for (const r of refused) {
      expect(r.status).toBe(409);
      expect(r.body).toMatchObject({ code: 'INVALID_STATE_TRANSITION', currentState: 'PAID' });
      expect(r.body.detail).toMatch(/paid/);
    }
    expect(await paidEvents(p.paymentId)).toBe(1);
  }, 120_000);

  it('must show 3: payments and reclaims at once on one grant: reclaimed never exceeds paid, paid never exceeds granted', async () => {
    const p = await sentPayment();
    await t.http().post(`/api/v1/payments/${p.paymentId}/mark-paid`).set(officer()).send({}).expect(200);
    // the second tranche (300 000 kr) is sent, and is marked paid while ten reclaims of 100 000 kr are raised
    await t.dataSource.transaction((m) =>
      t.app.get(GrantEvents).reportApproved(m, { grantId: p.grantId, kind: 'PROGRESS', reportId: null, actor: 'system', at: new Date() }),
    );
    const [, second] = await tranchesOf(t, p.grantId);
    await t.http().post(`/api/v1/payments/${second.id}/attest`).set(officer()).send({}).expect(200);
    await t.http().post(`/api/v1/payments/${second.id}/approve`).set(t.auth('approver')).send({}).expect(200);
    await t.http().post('/api/v1/payments/exports').set(officer()).send({ callId: p.call.id }).expect(201);

    const reclaim = { amountOre: 100_000 * KR, kind: 'MISUSE', reasons: 'Midler brukt til drift.', dueOn: '2099-01-31' };
    const requests = [
      ...Array.from({ length: 10 }, () => t.http().post(`/api/v1/grants/${p.grantId}/reclaims`).set(officer()).send(reclaim)),
      t.http().post(`/api/v1/payments/${second.id}/mark-paid`).set(officer()).send({}),
    ];
    const results = await Promise.all(requests);
    const paidNow = results[10];
    expect(paidNow.status).toBe(200);
    const raised = results.slice(0, 10).filter((r) => r.status === 201);
    for (const r of results.slice(0, 10).filter((x) => x.status !== 201)) {
      expect(r.status).toBe(422);
      expect(r.body.code).toBe('RECLAIM_ABOVE_PAID');
    }
    // 500 000 kr was paid when they started and 800 000 kr when they ended: 5 to 8 of them fit, never more
    expect(raised.length).toBeGreaterThanOrEqual(5);
    expect(raised.length).toBeLessThanOrEqual(8);
    const [b] = await t.dataSource.query(
      `SELECT g.amount_ore::text AS granted,
              (SELECT COALESCE(sum(amount_ore), 0) FROM payment WHERE grant_id = g.id AND status = 'PAID')::text AS paid,
              (SELECT COALESCE(sum(amount_ore), 0) FROM reclaim WHERE grant_id = g.id AND status <> 'DISMISSED')::text AS reclaimed
         FROM grant_award g WHERE g.id = $1`,
      [p.grantId],
    );
    expect(Number(b.reclaimed)).toBe(raised.length * 100_000 * KR);
    expect(Number(b.reclaimed)).toBeLessThanOrEqual(Number(b.paid));
    expect(Number(b.paid)).toBeLessThanOrEqual(Number(b.granted));
    const ledger = (await t.http().get(`/api/v1/grants/${p.grantId}`).set(officer())).body.ledger;
    expect(ledger).toMatchObject({ paidOre: Number(b.paid), reclaimedOre: Number(b.reclaimed) });
  }, 180_000);

  it('must show 3: the database alone refuses what two writers without the lock would commit together', async () => {
    const p = await sentPayment();
    await t.http().post(`/api/v1/payments/${p.paymentId}/mark-paid`).set(officer()).send({}).expect(200);
    const [g] = await t.dataSource.query(`SELECT call_id FROM grant_award WHERE id = $1`, [p.grantId]);

    // each writer alone stays within the ledger; together they would not. Neither takes the grant's lock itself.
    const twoWriters = async (sql: (n: number) => [string, unknown[]]) => {
      const a = t.dataSource.createQueryRunner();
      const b = t.dataSource.createQueryRunner();
      await a.connect();
      await b.connect();
      try {
        await a.startTransaction();
        await b.startTransaction();
        await a.query(...sql(1));
        await b.query(...sql(2));
        return await Promise.allSettled([a.commitTransaction(), b.commitTransaction()]);
      } finally {
        for (const q of [a, b]) {
          if (q.isTransactionActive) await q.rollbackTransaction();
          await q.release();
        }
      }
    };

    // 500 000 kr paid: two reclaims of 300 000 kr
    const reclaims = await twoWriters((n) => [
      `INSERT INTO reclaim (status, grant_id, number, kind, amount_ore, reasons, raised_at, updated_at)
       VALUES ('PROPOSED', $1, $2, 'OTHER', $3, 'direkte', now(), now())`,
      [p.grantId, 100 + n, 300_000 * KR],
    ]);
    expect(reclaims.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(String((reclaims.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason)).toMatch(/reclaimed of .* paid/);

    // the tranches add up to the 1 000 000 kr granted; the last (200 000 kr, not yet payable) is cut to nothing, and
    // two writers each add a tranche of 150 000 kr: either fits the room left, both do not
    const [, , third] = await tranchesOf(t, p.grantId);
    await t.dataSource.query(`UPDATE payment SET amount_ore = 0 WHERE id = $1`, [third.id]);
    const tranches = await twoWriters((n) => [
      `INSERT INTO payment (status, grant_id, call_id, tranche, trigger, share_bp, planned_ore, amount_ore, reference, created_at, updated_at)
       VALUES ('PLANNED', $1, $2, $3, 'FINAL_REPORT_APPROVED', 0, $4, $4, $5, now(), now())`,
      [p.grantId, g.call_id, 10 + n, 150_000 * KR, `extra-${p.grantId}-${n}`],
    ]);
    expect(tranches.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(String((tranches.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason)).toMatch(/tranches of .* granted/);
  }, 180_000);
});
