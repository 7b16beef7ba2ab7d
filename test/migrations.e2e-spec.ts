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
    // every migration from nothing on PGlite's single-threaded WASM, twice: 20–40 s quiet, over 60 s on a busy machine
  }, 180_000);

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
    }, 180_000);
  });
});

/**
 * The entities describe what the migrations made: every entity column exists in its table with the nullability and
 * the type family the entity declares. The migrations are hand-written SQL, so nothing else keeps the two in step.
 */
describe('entities match the migrated schema', () => {
  const family = (t: string): string => {
    const x = t.toLowerCase();
    if (/^(int|integer|int4|smallint|int2|bigint|int8)$/.test(x)) return 'integer';
    if (/^(varchar|character varying|text|char|character|citext)$/.test(x)) return 'text';
    if (/^(timestamptz|timestamp with time zone)$/.test(x)) return 'timestamptz';
    if (/^(timestamp|timestamp without time zone)$/.test(x)) return 'timestamp';
    if (/^(bool|boolean)$/.test(x)) return 'boolean';
    if (/^(numeric|decimal)$/.test(x)) return 'numeric';
    return x;
  };

  it('every column of every entity exists with its nullability and type', async () => {
    const ds = new DataSource(dataSourceOptions({ pgliteDir: 'memory://' }));
    await ds.initialize();
    try {
      await ds.runMigrations({ transaction: 'each' });
      const cols: Array<{ table_name: string; column_name: string; is_nullable: string; data_type: string; udt_name: string }> =
        await ds.query(
          `SELECT table_name, column_name, is_nullable, data_type, udt_name FROM information_schema.columns WHERE table_schema = 'public'`,
        );
      const db = new Map(cols.map((c) => [`${c.table_name}.${c.column_name}`, c]));
      const problems: string[] = [];
      let checked = 0;
      for (const entity of ds.entityMetadatas) {
        if (entity.tableType === 'view') continue;
        for (const col of entity.columns) {
          const key = `${entity.tableName}.${col.databaseName}`;
          const found = db.get(key);
          checked++;
          if (!found) {
            problems.push(`${entity.name}.${col.propertyName}: no column ${key}`);
            continue;
          }
          if (col.isNullable !== (found.is_nullable === 'YES'))
            problems.push(
              `${key}: entity says ${col.isNullable ? 'nullable' : 'not null'}, the table ${found.is_nullable === 'YES' ? 'allows null' : 'is NOT NULL'}`,
            );
          const declared = typeof col.type === 'string' ? col.type : ds.driver.normalizeType(col);
          const actual =
            found.data_type === 'ARRAY'
              ? `${found.udt_name.replace(/^_/, '')}[]`
              : found.data_type === 'USER-DEFINED'
                ? found.udt_name
                : found.data_type;
          const want = col.isArray ? `${family(String(declared))}[]` : family(String(declared));
          const have = actual.endsWith('[]') ? `${family(actual.slice(0, -2))}[]` : family(actual);
          if (want !== have) problems.push(`${key}: entity type ${want}, table type ${have}`);
        }
      }
      expect(checked).toBeGreaterThan(100);
      expect(problems).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });
});
