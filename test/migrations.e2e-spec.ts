import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import { createTestDatabase } from './support/database';
import { describeWith } from './support/drivers';

/** Every migration applies to an empty database, and the latest one reverts and re-applies cleanly. */
async function applyRevertReapply(ds: DataSource) {
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    expect(applied.length).toBeGreaterThanOrEqual(2);
    expect(await ds.showMigrations()).toBe(false);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM municipality`);
    expect(Number(n)).toBe(357);

    const latest = applied[applied.length - 1].name;
    await ds.undoLastMigration({ transaction: 'each' });
    expect(await ds.showMigrations()).toBe(true);
    const again = await ds.runMigrations({ transaction: 'each' });
    expect(again.map((m) => m.name)).toEqual([latest]);

    // the data migration's rows are there again after the cycle
    const [{ orgs }] = await ds.query(`SELECT count(*)::int AS orgs FROM organisation WHERE kind = 'MUNICIPALITY'`);
    expect(Number(orgs)).toBe(357);
  } finally {
    await ds.destroy();
  }
}

describe('migrations', () => {
  it('apply to an empty embedded PGlite, revert the latest, re-apply', async () => {
    await applyRevertReapply(new DataSource(dataSourceOptions({ pgliteDir: 'memory://' })));
  });

  describeWith('DATABASE_URL', 'on PostgreSQL', () => {
    it('apply to an empty PostgreSQL database, revert the latest, re-apply', async () => {
      const saved = process.env.HTO_TEMPLATE_DB;
      delete process.env.HTO_TEMPLATE_DB; // an empty database, not the migrated template
      const db = await createTestDatabase();
      process.env.HTO_TEMPLATE_DB = saved;
      try {
        await applyRevertReapply(new DataSource(dataSourceOptions({ databaseUrl: db.url, pgliteDir: '' })));
      } finally {
        await db.drop();
      }
    });
  });
});
