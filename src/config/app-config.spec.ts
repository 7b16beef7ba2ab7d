import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, Env } from './app-config';

const dataDir = () => mkdtempSync(join(tmpdir(), 'hto-config-'));
// two keys as `openssl rand -base64 48` makes them
const KEY_A = 'q8Vb1Zk4mT9xR2wL6yN0pC3sF7hJ5dG8aE1uI4oK9vB2nM6tX0zQ3rW7yH5jL8cD';
const KEY_B = 'Zr7Ue2Lq9Xk4Wm1Tn6Pb3Hv8Jc5Sd0Fg2Ay7Ko4Ni9Mw1Bt6Ex3Rh8Cu5Gj0Vl2Q';
const PROD = { NODE_ENV: 'production', DATABASE_URL: 'postgres://hto_app@db/x', JWT_SECRET: KEY_A, AUDIT_HMAC_KEY: KEY_B };

describe('AppConfig', () => {
  it('defaults to the embedded mode with a generated, persisted JWT secret', () => {
    const dir = dataDir();
    const c = new AppConfig({ DATA_DIR: dir });
    expect(c).toMatchObject({ port: 3000, embeddedDatabase: true, seedDemo: true, runApi: true, runWorker: true });
    expect(c.redisUrl).toBeUndefined();
    expect(c.pgliteDir).toBe(join(dir, 'pglite'));
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8')).toBe(c.jwtSecret);
    expect(new AppConfig({ DATA_DIR: dir }).jwtSecret).toBe(c.jwtSecret);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'http://localhost' }, 'REDIS_URL'],
    [{ SMTP_URL: 'smtp//broken' }, 'SMTP_URL'],
    [{ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x' }, 'JWT_SECRET'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ SEED_DEMO: 'maybe' }, 'SEED_DEMO'],
    [{ ...PROD, SEED_DEMO: 'true' }, 'SEED_DEMO'],
    [{ ...PROD, JWT_SECRET: 'x'.repeat(40) }, 'JWT_SECRET'],
    [{ ...PROD, JWT_SECRET: 'change-me-to-a-long-random-secret-of-48-chars-or-more' }, 'JWT_SECRET'],
    [{ ...PROD, JWT_SECRET: 'test-secret-that-is-long-enough-0123456789' }, 'JWT_SECRET'],
    [{ ...PROD, AUDIT_HMAC_KEY: undefined }, 'AUDIT_HMAC_KEY'],
    [{ ...PROD, AUDIT_HMAC_KEY: 'abcabcabcabcabcabcabcabcabcabcabcabc' }, 'AUDIT_HMAC_KEY'],
    [{ ...PROD, AUDIT_HMAC_KEY: KEY_A }, 'AUDIT_HMAC_KEY'],
    [{ AUDIT_HMAC_KEY: 'short' }, 'AUDIT_HMAC_KEY'],
    [{ ...PROD, DATABASE_URL: 'postgres://hto:hto@postgres:5432/hto' }, 'DATABASE_URL'],
    [{ ...PROD, DATABASE_MIGRATION_URL: 'postgres://hto:hto@postgres:5432/hto' }, 'DATABASE_MIGRATION_URL'],
    [{ ...PROD, SMTP_URL: 'smtp://user:pass@mail:25' }, 'SMTP_URL'],
    [{ DATABASE_MIGRATION_URL: 'postgres://owner@db/x' }, 'DATABASE_MIGRATION_URL'],
    [{ DATABASE_URL: 'postgres://app@db/x', DATABASE_APP_ROLE: 'app' }, 'DATABASE_APP_ROLE'],
    [
      { DATABASE_URL: 'postgres://app@db/x', DATABASE_MIGRATION_URL: 'postgres://o@db/x', DATABASE_APP_ROLE: 'a; DROP' },
      'DATABASE_APP_ROLE',
    ],
    [{ PROCESS_ROLE: 'both' }, 'PROCESS_ROLE'],
  ])('refuses %j with a message naming %s', (env, variable) => {
    expect(() => new AppConfig({ DATA_DIR: dataDir(), ...env })).toThrow(new RegExp(`^Invalid configuration: ${variable} `));
  });

  it('never seeds demo users in production, and splits API and worker by role', () => {
    const prod = new AppConfig(PROD);
    expect(prod.seedDemo).toBe(false);
    expect([prod.jwtSecret, prod.auditHmacKey]).toEqual([KEY_A, KEY_B]);
    const worker = new AppConfig({ DATA_DIR: dataDir(), PROCESS_ROLE: 'worker' });
    expect([worker.runApi, worker.runWorker]).toEqual([false, true]);
    expect(new AppConfig({ DATA_DIR: dataDir() }, { role: 'api' }).runWorker).toBe(false);
  });
});

describe('AppConfig: database roles and the audit key', () => {
  it('generates and keeps an audit key under DATA_DIR outside production, apart from the JWT secret', () => {
    const dir = dataDir();
    const c = new AppConfig({ DATA_DIR: dir });
    expect(readFileSync(join(dir, 'audit-hmac-key'), 'utf8')).toBe(c.auditHmacKey);
    expect(c.auditHmacKey).not.toBe(c.jwtSecret);
    expect(new AppConfig({ DATA_DIR: dir }).auditHmacKey).toBe(c.auditHmacKey);
  });

  it('migrates as DATABASE_URL unless told otherwise, and grants to the serving user when the owner is another', () => {
    const one = new AppConfig({ DATA_DIR: dataDir(), DATABASE_URL: 'postgres://hto@db/x' });
    expect([one.databaseMigrationUrl, one.databaseAppRole]).toEqual(['postgres://hto@db/x', undefined]);
    const two = new AppConfig({
      DATA_DIR: dataDir(),
      DATABASE_URL: 'postgres://hto_app:pw1@db/x',
      DATABASE_MIGRATION_URL: 'postgres://hto@db/x',
    });
    expect([two.databaseMigrationUrl, two.databaseAppRole]).toEqual(['postgres://hto@db/x', 'hto_app']);
    const named = new AppConfig({
      DATA_DIR: dataDir(),
      DATABASE_URL: 'postgres://hto_app@db/x',
      DATABASE_MIGRATION_URL: 'postgres://hto@db/x',
      DATABASE_APP_ROLE: 'hto_serving',
    });
    expect(named.databaseAppRole).toBe('hto_serving');
  });
});

describe('documented configuration', () => {
  it('every variable AppConfig reads is in .env.example and in the README table', () => {
    const read = new Set<string>();
    const env = new Proxy({ DATA_DIR: mkdtempSync(join(tmpdir(), 'hto-cfg-')) } as Env, {
      get(target, key) {
        if (typeof key === 'string') read.add(key);
        return target[key as string];
      },
    });
    new AppConfig(env);
    const root = join(__dirname, '..', '..');
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const undocumented = [...read].filter((v) => !new RegExp(`^#? ?${v}=`, 'm').test(example) || !readme.includes(`| \`${v}\` |`));
    expect(read.size).toBeGreaterThan(15);
    expect(undocumented).toEqual([]);
  });
});
