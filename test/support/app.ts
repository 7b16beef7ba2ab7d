import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/bootstrap';
import { AppConfig } from '../../src/config/app-config';
import { DEMO_USERS } from '../../src/identity/demo-seed';
import { createTestDatabase, uniqueName } from './database';

function withUser(url: string, user: { name: string; password: string }): string {
  const u = new URL(url);
  u.username = user.name;
  u.password = user.password;
  return u.toString();
}

export type DemoRole = 'admin' | 'officer' | 'approver' | 'assessor' | 'assessor2' | 'evaluator' | 'auditor' | 'applicant' | 'applicant2';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  dataSource: DataSource;
  http: () => ReturnType<typeof request>;
  /** Pre-issued access tokens for the seeded demo users, keyed by the part before @demo.local. */
  tokens: Record<DemoRole, string>;
  userIds: Record<DemoRole, string>;
  auth: (role: DemoRole) => { Authorization: string };
  /** An access token backed by a real session row, as a sign-in would make. */
  tokenForUser: (userId: string) => Promise<string>;
  dataDir: string;
  close: () => Promise<void>;
}

export interface TestAppOptions {
  /** Extra environment for AppConfig (e.g. SMTP_URL). */
  env?: Record<string, string | undefined>;
  /** Run without Redis even when REDIS_URL is set. */
  inlineQueue?: boolean;
  /** Use an embedded PGlite even when DATABASE_URL is set. */
  embedded?: boolean;
  /**
   * PostgreSQL only: serve as this (existing, login) role, as production does, while migrations run as the owner
   * (the DATABASE_URL user), which grants the role its privileges.
   */
  servingRole?: { name: string; password: string };
  /**
   * PostgreSQL at this URL (a server of the test's own, test/support/private-postgres.ts) instead of a database
   * cloned on DATABASE_URL's server; the app migrates it at start.
   */
  databaseUrl?: string;
}

/** The audit key of every test process (API and spawned workers alike), so their entries verify together. */
export const TEST_AUDIT_HMAC_KEY = 'test-audit-key-that-is-long-enough-0123456789';

/** What every test app's environment starts from, before its database, queue and the test's own additions. */
export function baseTestEnv(dataDir: string): Record<string, string | undefined> {
  return {
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    JWT_SECRET: 'test-secret-that-is-long-enough-0123456789',
    SEED_DEMO: 'true',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    AUDIT_HMAC_KEY: TEST_AUDIT_HMAC_KEY,
  };
}

/** The embedded snapshots global setup leaves (test/support/global-setup.ts): migrated, and migrated and seeded. */
const MIGRATED_SNAPSHOT = () => process.env.HTO_PGLITE_SNAPSHOT;
const SEEDED_SNAPSHOT = () => process.env.HTO_PGLITE_SEEDED_SNAPSHOT;

/**
 * Whether the seeded snapshot holds what this environment's start-up seed would write: the demo users with the
 * default password and the demo calls, audited under the tests' key. A test that turns the seed off, or changes the
 * password or the key, starts from the migrated snapshot and seeds (or not) as it says.
 */
function seedsAsSnapshot(env: Record<string, string | undefined>): boolean {
  return env.SEED_DEMO === 'true' && env.DEMO_PASSWORD === undefined && env.AUDIT_HMAC_KEY === TEST_AUDIT_HMAC_KEY;
}

/**
 * Boots the real app once per test file: real PostgreSQL (a fresh database cloned from the migrated template)
 * when DATABASE_URL is set, otherwise an in-memory PGlite; Bull on Redis when REDIS_URL is set (own key prefix).
 */
export async function createTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hto-test-'));
  const usePg = (!!process.env.DATABASE_URL && !opts.embedded) || !!opts.databaseUrl;
  const db = usePg && !opts.databaseUrl ? await createTestDatabase() : undefined;
  const env: Record<string, string | undefined> = {
    ...baseTestEnv(dataDir),
    DATABASE_URL: opts.databaseUrl ?? (db && opts.servingRole ? withUser(db.url, opts.servingRole) : db?.url),
    DATABASE_MIGRATION_URL: opts.servingRole ? db?.url : undefined,
    PGLITE_DIR: usePg ? undefined : 'memory://',
    REDIS_URL: opts.inlineQueue ? undefined : process.env.REDIS_URL,
    QUEUE_PREFIX: uniqueName('hto-test'),
    ...opts.env,
  };
  // embedded: start from a snapshot global setup made, not a new database; the seeded one (demo users and calls in
  // place, so the start-up seed finds them and hashes no password) unless this test changes what the seed writes
  const snapshot = usePg || opts.env?.PGLITE_DIR ? undefined : seedsAsSnapshot(env) ? SEEDED_SNAPSHOT() : MIGRATED_SNAPSHOT();
  const config = new AppConfig(env, { pgliteSnapshot: snapshot });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  configureApp(app);
  await app.init();

  const dataSource = app.get(DataSource);
  const jwt = app.get(JwtService);
  const rows: Array<{ id: string; email: string }> = await dataSource.query(
    `SELECT id, email FROM app_user WHERE email LIKE '%@demo.local'`,
  );
  const tokens = {} as Record<DemoRole, string>;
  const userIds = {} as Record<DemoRole, string>;
  const tokenForUser = async (userId: string) => {
    const [session] = await dataSource.query(
      `INSERT INTO auth_session (user_id, method, expires_at) VALUES ($1, 'password', now() + interval '1 day') RETURNING id`,
      [userId],
    );
    return jwt.sign({ sub: userId, typ: 'access', sid: session.id });
  };
  for (const u of DEMO_USERS) {
    const key = u.email.split('@')[0] as DemoRole;
    const row = rows.find((r) => r.email === u.email)!;
    userIds[key] = row.id;
    tokens[key] = await tokenForUser(row.id);
  }
  const server = app.getHttpServer();
  return {
    app,
    config,
    dataSource,
    http: () => request(server),
    tokens,
    userIds,
    auth: (role) => ({ Authorization: `Bearer ${tokens[role]}` }),
    tokenForUser,
    dataDir,
    close: async () => {
      await app.close();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
