/**
 * Audited-write throughput: N transactions at a given concurrency, each recording one audit entry (the part every
 * audited write shares), against a fresh PostgreSQL database. Usage: DATABASE_URL=… node dist-bench/bench/audit-writes.js
 * [--count 4000 --concurrency 32]. Prints writes per second; asserts nothing except that the chain verifies afterwards.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { AuditReader } from '../src/audit/audit-reader.service';
import { AuditService } from '../src/audit/audit.service';
import { AppConfig } from '../src/config/app-config';
import { adminQuery, uniqueName, withDatabase } from '../test/support/database';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

async function main() {
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error('DATABASE_URL is required');
  const count = arg('count', 4000);
  const concurrency = arg('concurrency', 32);
  const name = uniqueName('hto_bench_audit');
  await adminQuery(server, `CREATE DATABASE ${name}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'hto-bench-'));
  try {
    const config = new AppConfig({
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      DATABASE_URL: withDatabase(server, name),
      JWT_SECRET: 'bench-secret-that-is-long-enough-0123456789',
      LOG_LEVEL: 'silent',
    });
    const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: false });
    const ds = app.get(DataSource);
    const audit = app.get(AuditService);
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < count; i = next++)
          await ds.transaction((m) =>
            audit.record(m, { action: 'bench.write', entityType: 'bench', entityId: String(i), before: null, after: { i }, actor: null }),
          );
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const report = await app.get(AuditReader).verify();
    console.log(
      JSON.stringify({ writes: count, concurrency, seconds: +seconds.toFixed(2), perSecond: Math.round(count / seconds), chain: report }),
    );
    await app.close();
  } finally {
    await adminQuery(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
