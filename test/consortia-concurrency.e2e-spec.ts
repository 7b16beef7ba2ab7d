import { createTestApp, TestApp } from './support/app';
import { describeWith } from './support/drivers';
import { eventually } from './support/eventually';
import { createConsortium, MunicipalityPool } from './support/fixtures';

describeWith('DATABASE_URL', 'consortium changes read the row under its lock', () => {
  let t: TestApp;
  let pool: MunicipalityPool;
  beforeAll(async () => {
    t = await createTestApp();
    pool = await MunicipalityPool.create(t);
  });
  afterAll(() => t.close());

  it('two concurrent PATCHes changing different fields both survive', async () => {
    const [lead, second, added] = pool.take(3);
    const auth = t.auth('officer');
    const c = await createConsortium(t, auth, lead, [lead, second], 'Før');
    // hold the row so both requests are in flight at once, then let them go one after the other
    const blocker = t.dataSource.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    try {
      await blocker.query(`SELECT id FROM consortium WHERE id = $1 FOR UPDATE`, [c.id]);
      const renamed = t
        .http()
        .patch(`/api/v1/consortia/${c.id}`)
        .set(auth)
        .send({ name: 'Nytt navn' })
        .then((r) => r);
      const grown = t
        .http()
        .patch(`/api/v1/consortia/${c.id}`)
        .set(auth)
        .send({ members: [lead, second, added] })
        .then((r) => r);
      await eventually('both requests to wait for the row lock', async () => {
        const [{ n }] = await t.dataSource.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%consortium%'`,
        );
        return n === 2;
      });
      await blocker.commitTransaction();
      expect((await renamed).status).toBe(200);
      expect((await grown).status).toBe(200);
    } finally {
      if (blocker.isTransactionActive) await blocker.rollbackTransaction();
      await blocker.release();
    }
    const after = (await t.http().get(`/api/v1/consortia/${c.id}`).set(auth).expect(200)).body;
    expect(after.name).toBe('Nytt navn');
    expect(after.members.map((m: { municipalityNumber: string }) => m.municipalityNumber).sort()).toEqual([lead, second, added].sort());
    expect(after.version).toBe((c as unknown as { version: number }).version + 2);
  });
});
