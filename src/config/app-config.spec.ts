import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, Env } from './app-config';

const dataDir = () => mkdtempSync(join(tmpdir(), 'hto-config-'));

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
    [{ NODE_ENV: 'production', SEED_DEMO: 'true', JWT_SECRET: 'x'.repeat(40) }, 'SEED_DEMO'],
    [{ PROCESS_ROLE: 'both' }, 'PROCESS_ROLE'],
  ])('refuses %j with a message naming %s', (env, variable) => {
    expect(() => new AppConfig({ DATA_DIR: dataDir(), ...env })).toThrow(new RegExp(`^Invalid configuration: ${variable} `));
  });

  it('never seeds demo users in production, and splits API and worker by role', () => {
    const prod = new AppConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', JWT_SECRET: 'x'.repeat(40) });
    expect(prod.seedDemo).toBe(false);
    const worker = new AppConfig({ DATA_DIR: dataDir(), PROCESS_ROLE: 'worker' });
    expect([worker.runApi, worker.runWorker]).toEqual([false, true]);
    expect(new AppConfig({ DATA_DIR: dataDir() }, { role: 'api' }).runWorker).toBe(false);
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
