import { Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { migrate } from './migrate';
import { grantServingRole, warnIfServingRoleOwnsAudit } from './serving-role';
import { Transactions } from './transaction';

/**
 * On PostgreSQL, migrations run as the owner role (DATABASE_MIGRATION_URL; DATABASE_URL when unset), which then grants
 * the serving role its privileges; the service itself connects as DATABASE_URL only after that.
 */
async function migrateAsOwner(config: AppConfig, serving: DataSourceOptions): Promise<void> {
  if (config.embeddedDatabase) return;
  if (config.isProduction && config.databaseMigrationUrl === config.databaseUrl)
    new Logger('Database').warn(
      'DATABASE_MIGRATION_URL is not set: migrations run as the serving role, which then owns the audit trail and could disable its append-only trigger',
    );
  const owner = await new DataSource({ ...serving, url: config.databaseMigrationUrl, poolSize: 2 } as DataSourceOptions).initialize();
  try {
    const role = config.databaseAppRole;
    await migrate(owner, false, role ? () => grantServingRole(owner, role) : undefined);
  } finally {
    await owner.destroy();
  }
}

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (c: AppConfig) => ({ ...dataSourceOptions(c), config: c }),
      // migrations finish before any module receives the DataSource
      dataSourceFactory: async (factoryOptions?: DataSourceOptions) => {
        const { config, ...options } = factoryOptions as DataSourceOptions & { config: AppConfig };
        await migrateAsOwner(config, options as DataSourceOptions);
        const ds = await new DataSource(options as DataSourceOptions).initialize();
        if (config.embeddedDatabase) await migrate(ds, true);
        else await warnIfServingRoleOwnsAudit(ds, config.isProduction);
        return ds;
      },
    }),
  ],
  providers: [Transactions],
  exports: [Transactions],
})
export class DatabaseModule {}
