import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { adminQuery, withDatabase } from './database';

/**
 * With DATABASE_URL set, migrate one template database; each test file clones it (CREATE DATABASE … TEMPLATE).
 * Without it, every test file starts its own in-memory PGlite and migrates that.
 */
export default async function globalSetup() {
  const base = process.env.DATABASE_URL;
  if (!base) return;
  const template = `hto_tpl_${process.pid}`;
  await adminQuery(base, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  await adminQuery(base, `CREATE DATABASE ${template}`);
  const ds = new DataSource(dataSourceOptions({ databaseUrl: withDatabase(base, template), pgliteDir: '' }));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  process.env.HTO_TEMPLATE_DB = template;
}
