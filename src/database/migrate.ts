import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Applies pending migrations at start. On PostgreSQL an advisory lock keeps two starting processes
 * from migrating at once; PGlite has one process and one session, so it needs none (and could not hold one).
 */
export async function migrate(ds: DataSource, embedded: boolean, afterMigrations?: () => Promise<void>): Promise<void> {
  const logger = new Logger('Migrations');
  if (embedded) {
    const done = await ds.runMigrations({ transaction: 'each' });
    if (done.length) logger.log(`applied ${done.map((m) => m.name).join(', ')}`);
    return;
  }
  const lockRunner = ds.createQueryRunner();
  await lockRunner.connect();
  try {
    await lockRunner.query(`SELECT pg_advisory_lock(7310000)`);
    const done = await ds.runMigrations({ transaction: 'each' });
    if (done.length) logger.log(`applied ${done.map((m) => m.name).join(', ')}`);
    // under the same lock: two processes granting at once would collide on the catalogue rows
    await afterMigrations?.();
  } finally {
    await lockRunner.query(`SELECT pg_advisory_unlock(7310000)`).catch(() => undefined);
    await lockRunner.release();
  }
}
