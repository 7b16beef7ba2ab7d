import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isKnownDefaultSecret, secretKeyProblem } from './secret-policy';

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
  }
}

/** Typed, validated configuration. Built once at start; a wrong value stops the process. */
export class AppConfig {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly port: number;
  readonly dataDir: string;
  readonly databaseUrl?: string;
  /** The owner role's connection, for migrations only; the service serves with databaseUrl. Defaults to databaseUrl. */
  readonly databaseMigrationUrl?: string;
  /** The serving role that the migration runner grants the service's privileges to (when migrations run as another role). */
  readonly databaseAppRole?: string;
  readonly redisUrl?: string;
  readonly smtpUrl?: string;
  readonly mailFrom: string;
  readonly jwtSecret: string;
  /** Key of the audit chain's HMAC; the database never holds it, so rows written without it fail verification. */
  readonly auditHmacKey: string;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  readonly seedDemo: boolean;
  readonly demoPassword: string;
  readonly runWorker: boolean;
  readonly runApi: boolean;
  readonly queuePrefix: string;
  readonly logLevel: string;
  readonly publicBaseUrl: string;
  readonly maxUploadBytes: number;
  /** Quotas per application over the attachments in its draft: how many, and how many bytes together. */
  readonly maxAttachmentsPerApplication: number;
  readonly maxAttachmentBytesPerApplication: number;
  /** Where the embedded database lives; `memory://` keeps it in memory (tests, throwaway demos). */
  readonly pgliteDir: string;
  /** Notifications: first retry delay after an SMTP failure (doubles each attempt), and attempts before `failed`. */
  readonly notifyBackoffMs: number;
  readonly notifyMaxAttempts: number;
  /** How often a worker moves pending outbox rows to the queue (the backstop behind the after-commit nudge). */
  readonly notifyRelayIntervalMs: number;
  /** How often the reminder scans run. */
  readonly reminderIntervalMs: number;
  /**
   * How often a worker checks that its schedules are still in Redis (registering lost ones again), closes calls past
   * their closing time itself (in case the job is late or lost), and looks for outbox rows whose queue job was lost.
   */
  readonly scheduleCheckIntervalMs: number;
  /** Requests per minute one client address may make to the public routes (/api/v1/public/…), per API process. */
  readonly publicRateLimitPerMinute: number;
  /** The reach target of the insights: this share of all municipalities (percent) in funded consortia … */
  readonly reachTargetPercent: number;
  /** … within this many years of the scheme's first year (demo: 63 % within five years). */
  readonly reachTargetYears: number;
  /** How often a worker seals committed audit entries into the chain (the backstop behind the after-write nudge). */
  readonly auditSealIntervalMs: number;

  /**
   * Not from the environment: a PGlite data-directory dump the embedded database starts from (the tests' migrated
   * snapshot). Ignored with DATABASE_URL.
   */
  readonly pgliteSnapshot?: string;

  constructor(env: Env = process.env, opts: { role?: 'all' | 'api' | 'worker'; pgliteSnapshot?: string } = {}) {
    const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'], 'development');
    this.nodeEnv = nodeEnv as AppConfig['nodeEnv'];
    this.port = int(env, 'PORT', 3000, 0, 65535);
    this.dataDir = resolve(env.DATA_DIR?.trim() || './data');
    this.databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
    this.redisUrl = url(env, 'REDIS_URL', ['redis:', 'rediss:']);
    this.smtpUrl = url(env, 'SMTP_URL', ['smtp:', 'smtps:']);
    this.mailFrom = env.MAIL_FROM?.trim() || 'Helseteknologiordningen <noreply@helseteknologiordningen.local>';
    if (!/<?[^@\s<>]+@[^@\s<>]+>?$/.test(this.mailFrom)) throw new ConfigError('MAIL_FROM', 'must contain an e-mail address');
    this.accessTokenTtlSeconds = int(env, 'ACCESS_TOKEN_TTL_SECONDS', 900, 30, 86400);
    this.refreshTokenTtlSeconds = int(env, 'REFRESH_TOKEN_TTL_SECONDS', 14 * 86400, 60, 365 * 86400);
    this.logLevel = oneOf(
      env,
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      nodeEnv === 'test' ? 'silent' : 'info',
    );
    this.publicBaseUrl = env.PUBLIC_BASE_URL?.trim() || `http://localhost:${this.port}`;
    this.queuePrefix = env.QUEUE_PREFIX?.trim() || 'hto';
    this.pgliteDir = env.PGLITE_DIR?.trim() || join(this.dataDir, 'pglite');
    this.pgliteSnapshot = opts.pgliteSnapshot;
    this.maxUploadBytes = int(env, 'MAX_UPLOAD_BYTES', 20 * 1024 * 1024, 1024, 1024 * 1024 * 1024);
    this.maxAttachmentsPerApplication = int(env, 'MAX_ATTACHMENTS_PER_APPLICATION', 50, 1, 10000);
    this.maxAttachmentBytesPerApplication = int(
      env,
      'MAX_ATTACHMENT_BYTES_PER_APPLICATION',
      100 * 1024 * 1024,
      1024,
      64 * 1024 * 1024 * 1024,
    );
    this.notifyBackoffMs = int(env, 'NOTIFY_BACKOFF_MS', 30000, 1, 3600000);
    this.notifyMaxAttempts = int(env, 'NOTIFY_MAX_ATTEMPTS', 8, 1, 50);
    this.notifyRelayIntervalMs = int(env, 'NOTIFY_RELAY_INTERVAL_MS', 5000, 50, 600000);
    this.reminderIntervalMs = int(env, 'REMINDER_INTERVAL_MS', 900000, 100, 86400000);
    this.scheduleCheckIntervalMs = int(env, 'SCHEDULE_CHECK_INTERVAL_MS', 30000, 50, 60000);
    this.publicRateLimitPerMinute = int(env, 'PUBLIC_RATE_LIMIT_PER_MINUTE', 120, 1, 1_000_000);
    this.reachTargetPercent = int(env, 'REACH_TARGET_PERCENT', 63, 1, 100);
    this.reachTargetYears = int(env, 'REACH_TARGET_YEARS', 5, 1, 50);
    this.auditSealIntervalMs = int(env, 'AUDIT_SEAL_INTERVAL_MS', 1000, 10, 600000);

    const production = nodeEnv === 'production';
    this.jwtSecret = secretKey(env, 'JWT_SECRET', production, this.dataDir, 'jwt-secret');
    this.auditHmacKey = secretKey(env, 'AUDIT_HMAC_KEY', production, this.dataDir, 'audit-hmac-key');
    if (production && this.auditHmacKey === this.jwtSecret) throw new ConfigError('AUDIT_HMAC_KEY', 'must differ from JWT_SECRET');

    this.databaseMigrationUrl = url(env, 'DATABASE_MIGRATION_URL', ['postgres:', 'postgresql:']) ?? this.databaseUrl;
    if (this.databaseMigrationUrl && !this.databaseUrl)
      throw new ConfigError('DATABASE_MIGRATION_URL', 'needs DATABASE_URL (the embedded database has no roles)');
    const servingUser = this.databaseUrl ? decodeURIComponent(new URL(this.databaseUrl).username) : '';
    const ownerUser = this.databaseMigrationUrl ? decodeURIComponent(new URL(this.databaseMigrationUrl).username) : '';
    const appRole = env.DATABASE_APP_ROLE?.trim() || (servingUser && servingUser !== ownerUser ? servingUser : undefined);
    if (appRole !== undefined) {
      if (!/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/.test(appRole)) throw new ConfigError('DATABASE_APP_ROLE', `is not a role name: "${appRole}"`);
      if (this.databaseMigrationUrl === this.databaseUrl)
        throw new ConfigError(
          'DATABASE_APP_ROLE',
          'needs DATABASE_MIGRATION_URL: migrations must run as another role than the one served with',
        );
      this.databaseAppRole = appRole;
    }
    if (production) {
      // a password written in the repository (the compose file's, say) is no password
      for (const name of ['DATABASE_URL', 'DATABASE_MIGRATION_URL', 'REDIS_URL', 'SMTP_URL']) {
        const raw = env[name]?.trim();
        const password = raw ? decodeURIComponent(new URL(raw).password) : '';
        if (password && isKnownDefaultSecret(password))
          throw new ConfigError(name, 'has a password written in the repository, which anyone can read; set a new one');
      }
    }

    const embedded = !this.databaseUrl;
    const seed = bool(env, 'SEED_DEMO', embedded && nodeEnv !== 'production');
    if (seed && nodeEnv === 'production') throw new ConfigError('SEED_DEMO', 'must not be true when NODE_ENV=production');
    this.seedDemo = seed;
    this.demoPassword = env.DEMO_PASSWORD || 'demo-passord-2024';

    const role = opts.role ?? (oneOf(env, 'PROCESS_ROLE', ['all', 'api', 'worker'], 'all') as 'all' | 'api' | 'worker');
    this.runApi = role !== 'worker';
    this.runWorker = role !== 'api';
  }

  get embeddedDatabase(): boolean {
    return !this.databaseUrl;
  }
  get isProduction(): boolean {
    return this.nodeEnv === 'production';
  }
}

function int(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return def;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function bool(env: Env, name: string, def: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return def;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${env[name]}"`);
}

function oneOf(env: Env, name: string, values: string[], def: string): string {
  const raw = env[name]?.trim();
  if (!raw) return def;
  if (!values.includes(raw)) throw new ConfigError(name, `must be one of ${values.join(', ')}, got "${raw}"`);
  return raw;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}

/**
 * A key from the environment; production requires one that passes the secret policy. Elsewhere a missing key is generated
 * once and kept under DATA_DIR, so tokens and the audit chain survive a restart.
 */
function secretKey(env: Env, name: string, production: boolean, dataDir: string, file: string): string {
  const value = env[name]?.trim();
  if (value) {
    if (production) {
      const problem = secretKeyProblem(value);
      if (problem) throw new ConfigError(name, problem);
    } else if (value.length < 32) {
      throw new ConfigError(name, 'must be at least 32 characters');
    }
    return value;
  }
  if (production) throw new ConfigError(name, 'is required when NODE_ENV=production');
  return persistedSecret(dataDir, file);
}

function persistedSecret(dataDir: string, name: string): string {
  const file = join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
