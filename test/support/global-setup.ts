import 'reflect-metadata';
import { PGlite } from '@electric-sql/pglite';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { adminQuery, withDatabase } from './database';

/**
 * Migrate once, start every test file from the result. With DATABASE_URL set: one template database, which each
 * test file clones (CREATE DATABASE … TEMPLATE). Without it: one PGlite data directory, dumped to a tarball that each
 * test file's in-memory PGlite loads (HTO_PGLITE_SNAPSHOT), instead of migrating anew per file.
 */
export default async function globalSetup() {
  const base = process.env.DATABASE_URL;
  if (!base) {
    const dir = mkdtempSync(join(tmpdir(), 'hto-pglite-snapshot-'));
    const ds = new DataSource(dataSourceOptions({ pgliteDir: join(dir, 'db') }));
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.destroy();
    const db = await PGlite.create(join(dir, 'db'));
    const dump = await db.dumpDataDir('none');
    await db.close();
    const file = join(dir, 'migrated.tar');
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    rmSync(join(dir, 'db'), { recursive: true, force: true });
    process.env.HTO_PGLITE_SNAPSHOT = file;
    return;
  }
  const template = `hto_tpl_${process.pid}`;
  await adminQuery(base, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  await adminQuery(base, `CREATE DATABASE ${template}`);
  const ds = new DataSource(dataSourceOptions({ databaseUrl: withDatabase(base, template), pgliteDir: '' }));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  process.env.HTO_TEMPLATE_DB = template;
}
