import { createTestApp, TestApp } from './support/app';
import { callBody } from './support/fixtures';
import { describeWith } from './support/drivers';
import { eventually } from './support/eventually';
import { invariantViolations } from './support/invariants';
import { PrivatePostgres } from './support/private-postgres';
import { killAllChildren } from './support/children';

type Outcome = { status: number; title: string; id?: string; code?: string; contentType?: string; error?: string };

/**
 * PostgreSQL restarted under load. The database is a server of this test's own (test/support/private-postgres.ts),
 * never the machine's shared one, which other test files use at the same time. While officers keep creating calls,
 * the server is shut down (fast shutdown: sessions are cut mid-transaction) and started again: /health/ready goes red
 * then green, the requests in between are refused with 503 problem details (never a 500, never a hang), every call
 * acknowledged with 201 is stored with its audit entry, and the service takes writes again without a restart.
 */
describeWith('DATABASE_URL', 'faults: PostgreSQL restarted under load', () => {
  let pg: PrivatePostgres;
  let t: TestApp;

  beforeAll(async () => {
    pg = await PrivatePostgres.start();
    await pg.query('CREATE DATABASE hto');
    t = await createTestApp({ databaseUrl: pg.url('hto'), inlineQueue: true });
  }, 120_000);
  afterAll(async () => {
    await t?.close().catch(() => undefined);
    await pg?.destroy();
    await killAllChildren();
  }, 60_000);

  it('goes red then green, refuses cleanly with 503 in between, loses no acknowledged write, and recovers without a restart', async () => {
    const outcomes: Outcome[] = [];
    let stop = false;
    let n = 0;
    const officer = t.auth('officer');
    // four officers creating calls as fast as the service answers; each request bounded, so none can hang the test
    const worker = async () => {
      while (!stop) {
        const title = `Utlysning under omstart ${n++}`;
        try {
          const res = await t
            .http()
            .post('/api/v1/calls')
            .set(officer)
            .timeout(15_000)
            .send(callBody({ title: { nb: title, nn: title } }));
          outcomes.push({ status: res.status, title, id: res.body?.id, code: res.body?.code, contentType: res.headers['content-type'] });
        } catch (e) {
          outcomes.push({ status: 0, title, error: (e as Error).message });
        }
      }
    };
    const acked = () => outcomes.filter((o) => o.status === 201).length;
    const ready = async () => {
      const r = await t.http().get('/health/ready').timeout(15_000);
      return { status: r.status, code: r.body?.code as string | undefined, contentType: r.headers['content-type'] as string };
    };
    expect((await ready()).status).toBe(200);

    const workers = Array.from({ length: 4 }, worker);
    try {
      await eventually('20 calls created before the restart', () => acked() >= 20, { explain: () => outcomes.slice(-3) });
      await pg.stop();
      const red = await eventually('/health/ready to go red', async () => {
        const r = await ready();
        return r.status !== 200 && r;
      });
      expect(red).toMatchObject({ status: 503, code: 'NOT_READY', contentType: expect.stringMatching(/^application\/problem\+json/) });
      const failedBefore = outcomes.filter((o) => o.status === 503).length;
      await eventually(
        'writes refused while the database is down',
        () => outcomes.filter((o) => o.status === 503).length >= failedBefore + 5,
      );

      await pg.startAgain();
      await eventually('/health/ready to go green again', async () => (await ready()).status === 200, { timeoutMs: 30_000 });
      const ackedAfter = acked();
      await eventually('writes acknowledged again, without a restart of the service', () => acked() >= ackedAfter + 20, {
        timeoutMs: 30_000,
      });
    } finally {
      stop = true;
      await Promise.all(workers);
    }

    // every answer is a 201 or a clean 503 problem: no 500, no request without an answer
    const unexpected = outcomes.filter(
      (o) =>
        !(
          o.status === 201 ||
          (o.status === 503 && o.code === 'SERVICE_UNAVAILABLE' && /^application\/problem\+json/.test(o.contentType ?? ''))
        ),
    );
    expect(unexpected).toEqual([]);
    expect(outcomes.filter((o) => o.status === 503).length).toBeGreaterThanOrEqual(5);

    // every acknowledged call is stored, with its audit entry; nothing was stored twice
    const ids = outcomes.filter((o) => o.status === 201).map((o) => o.id!);
    const stored: Array<{ id: string; audited: boolean }> = await t.dataSource.query(
      `SELECT c.id, EXISTS (SELECT 1 FROM audit_event e WHERE e.entity_id = c.id::text) AS audited FROM call c WHERE c.id = ANY($1)`,
      [ids],
    );
    expect(stored).toHaveLength(ids.length);
    expect(stored.filter((s) => !s.audited)).toEqual([]);
    const [{ n: titles }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM (SELECT title_nb FROM call WHERE title_nb LIKE 'Utlysning under omstart %' GROUP BY title_nb HAVING count(*) > 1) d`,
    );
    expect(titles).toBe(0);

    const violations = await invariantViolations(
      (sql, params) => t.dataSource.query(sql, params),
      async () => (await t.http().get('/api/v1/audit/verify').set(t.auth('auditor'))).body,
    );
    expect(violations).toEqual([]);
  }, 120_000);
});
