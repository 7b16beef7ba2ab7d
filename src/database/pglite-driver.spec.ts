import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { pgliteDriver } from './pglite-driver';

/** PGlite has one session; the driver must keep concurrent transactions from interleaving on it. */
describe('embedded PGlite driver', () => {
  let ds: DataSource;
  beforeAll(async () => {
    ds = new DataSource({ type: 'postgres', driver: pgliteDriver('memory://'), installExtensions: false } as never);
    await ds.initialize();
    await ds.query(`CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL)`);
  });
  afterAll(() => ds.destroy());

  it('a rollback in one transaction does not undo a concurrent committed one', async () => {
    const ok = ds.transaction(async (m) => {
      await m.query(`INSERT INTO t VALUES (1, 'kept')`);
      await new Promise((r) => setTimeout(r, 20));
    });
    const failing = ds.transaction(async (m) => {
      await m.query(`INSERT INTO t VALUES (2, 'rolled back')`);
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    await ok;
    expect(await ds.query(`SELECT id, v FROM t ORDER BY id`)).toEqual([{ id: 1, v: 'kept' }]);
  });

  it('serialises 20 concurrent read-modify-write transactions without lost updates', async () => {
    await ds.query(`INSERT INTO t VALUES (10, '0')`);
    await Promise.all(
      Array.from({ length: 20 }, () =>
        ds.transaction(async (m) => {
          const [row] = await m.query(`SELECT v FROM t WHERE id = 10 FOR UPDATE`);
          await new Promise((r) => setImmediate(r));
          await m.query(`UPDATE t SET v = $1 WHERE id = 10`, [String(Number(row.v) + 1)]);
        }),
      ),
    );
    expect((await ds.query(`SELECT v FROM t WHERE id = 10`))[0].v).toBe('20');
  });

  it('returns bigint as a number and reports affected rows', async () => {
    const [row] = await ds.query(`SELECT 6000000000::bigint AS n`);
    expect(Number(row.n)).toBe(6_000_000_000);
    const res = await ds.createQueryBuilder().update('t').set({ v: 'x' }).where('id IN (1, 10)').execute();
    expect(res.affected).toBe(2);
  });
});
