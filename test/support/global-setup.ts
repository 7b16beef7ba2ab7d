import 'reflect-metadata';
import { PGlite } from '@electric-sql/pglite';
import { Test } from '@nestjs/testing';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { AppConfig } from '../../src/config/app-config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { baseTestEnv } from './app';
import { adminQuery, withDatabase } from './database';

/**
 * Migrate once, start every test file from the result. With DATABASE_URL set: one template database, which each
 * test file clones (CREATE DATABASE … TEMPLATE). Without it: PGlite data-directory dumps that each test file's
 * in-memory PGlite loads instead of migrating anew: HTO_PGLITE_SNAPSHOT, migrated, and HTO_PGLITE_SEEDED_SNAPSHOT,
 * migrated and seeded with the demo users and calls as a test app's start-up seeds them (see createTestApp).
 */
export default async function globalSetup() {
  const base = process.env.DATABASE_URL;
  if (!base) {
    const dir = mkdtempSync(join(tmpdir(), 'hto-pglite-snapshot-'));
    const db = join(dir, 'db');
    await createSmallDatabase(db);
    const ds = new DataSource(dataSourceOptions({ pgliteDir: db }));
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.destroy();
    process.env.HTO_PGLITE_SNAPSHOT = await dump(db, join(dir, 'migrated.tar'));
    await seed(db, join(dir, 'app-data'));
    process.env.HTO_PGLITE_SEEDED_SNAPSHOT = await dump(db, join(dir, 'seeded.tar'));
    rmSync(db, { recursive: true, force: true });
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

/**
 * A new PGlite database that is quick to load: every test file copies the dump and starts PostgreSQL on it, and
 * both cost by size. WAL segments of 1 MB instead of 16 (the dump holds a whole segment), and 16 MB of shared
 * buffers instead of 128 (PostgreSQL clears them at every start; a test database is a few MB).
 */
async function createSmallDatabase(dataDir: string): Promise<void> {
  const pg = await PGlite.create(dataDir, { initDbStartParams: ['--wal-segsize=1'] });
  await pg.exec(`ALTER SYSTEM SET shared_buffers = '16MB'`);
  await pg.close();
}

/** Starts the app once on the migrated database, as a test file's app starts, so its start-up seed runs here. */
async function seed(pgliteDir: string, dataDir: string): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const config = new AppConfig({ ...baseTestEnv(dataDir), PGLITE_DIR: pgliteDir });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  await app.init();
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}

/** Dumps a closed PGlite data directory to a tarball, checkpointed so that loading it replays no WAL. */
async function dump(dataDir: string, file: string): Promise<string> {
  const pg = await PGlite.create(dataDir);
  await pg.exec('CHECKPOINT');
  const tarball = await pg.dumpDataDir('none');
  await pg.close();
  writeFileSync(file, Buffer.from(await tarball.arrayBuffer()));
  return file;
}
