/**
 * Migration commands without ts-node: `npm run migration:run|revert|show|generate -- Name`.
 * Runs from the compiled output (dist/), as the owner role (DATABASE_MIGRATION_URL, else DATABASE_URL) or against the
 * embedded database under DATA_DIR; `run` then grants the serving role (DATABASE_APP_ROLE) its privileges, as a start does.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { projectRoot } from '../config/project-root';
import { dataSourceOptions } from './data-source-options';
import { grantServingRole } from './serving-role';

async function main() {
  const [command, name] = process.argv.slice(2);
  const config = new AppConfig(process.env);
  const ds = new DataSource(dataSourceOptions({ ...config, databaseUrl: config.databaseMigrationUrl }));
  await ds.initialize();
  try {
    switch (command) {
      case 'run': {
        const done = await ds.runMigrations({ transaction: 'each' });
        console.log(done.length ? done.map((m) => `applied ${m.name}`).join('\n') : 'no pending migrations');
        if (config.databaseAppRole) {
          await grantServingRole(ds, config.databaseAppRole);
          console.log(`granted the serving role ${config.databaseAppRole} its privileges`);
        }
        break;
      }
      case 'revert':
        await ds.undoLastMigration({ transaction: 'each' });
        console.log('reverted the latest migration');
        break;
      case 'show': {
        const pending = await ds.showMigrations();
        console.log(pending ? 'there are pending migrations' : 'all migrations are applied');
        process.exitCode = pending ? 1 : 0;
        break;
      }
      case 'generate': {
        if (!name || !/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new Error('usage: migration:generate -- PascalCaseName');
        // TypeORM reads its bookkeeping table when the database has generated columns; our SQL migrations never made it
        await ds.query(
          `CREATE TABLE IF NOT EXISTS typeorm_metadata ("type" varchar NOT NULL, "database" varchar, "schema" varchar, "table" varchar, "name" varchar, "value" text)`,
        );
        const sql = await ds.driver.createSchemaBuilder().log();
        if (sql.upQueries.length === 0) {
          console.log('no changes in the entities: nothing to generate');
          break;
        }
        const ts = Date.now();
        const q = (s: string) => '`' + s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
        const up = sql.upQueries.map((x) => `    await queryRunner.query(${q(x.query)});`).join('\n');
        const down = sql.downQueries
          .reverse()
          .map((x) => `    await queryRunner.query(${q(x.query)});`)
          .join('\n');
        const file = join(projectRoot(), 'migrations', `${ts}-${name}.ts`);
        writeFileSync(
          file,
          `import { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class ${name}${ts} implements MigrationInterface {\n  name = '${name}${ts}';\n\n  public async up(queryRunner: QueryRunner): Promise<void> {\n${up}\n  }\n\n  public async down(queryRunner: QueryRunner): Promise<void> {\n${down}\n  }\n}\n`,
        );
        console.log(`wrote ${file}`);
        break;
      }
      default:
        throw new Error('usage: migrate-cli run|revert|show|generate NAME');
    }
  } finally {
    await ds.destroy();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
