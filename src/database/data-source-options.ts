import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { pgliteDriver } from './pglite-driver';
import { QueryLogger } from './query-logger';

export const MIGRATIONS_GLOB = join(__dirname, '..', '..', 'migrations', '*.{ts,js}');
export const ENTITIES_GLOB = join(__dirname, '..', '**', '*.entity.{ts,js}');

/** PostgreSQL when DATABASE_URL is set; otherwise embedded PGlite under DATA_DIR (or in memory). */
export function dataSourceOptions(
  config: Pick<AppConfig, 'databaseUrl' | 'pgliteDir'> & { logLevel?: string; pgliteSnapshot?: string },
): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    synchronize: false,
    migrationsRun: false,
    migrations: [MIGRATIONS_GLOB],
    entities: [ENTITIES_GLOB],
    migrationsTableName: 'schema_migrations',
    // failed queries are logged unless logging is silenced (tests that provoke constraint errors on purpose)
    logging: config.logLevel === 'silent' ? false : (['error'] as ('error' | 'warn')[]),
    logger: new QueryLogger(['error']),
  };
  if (config.databaseUrl) {
    return { ...common, url: config.databaseUrl, poolSize: 20, applicationName: 'helseteknologiordningen' };
  }
  return {
    ...common,
    driver: pgliteDriver(config.pgliteDir, { snapshot: config.pgliteSnapshot }),
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    // a single session: a transaction must never wait for a second connection
    migrationsTransactionMode: 'each',
  } as DataSourceOptions;
}
