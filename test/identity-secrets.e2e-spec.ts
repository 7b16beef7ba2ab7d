import { createTestApp, TestApp } from './support/app';
import { bearer, login } from './support/auth';

/**
 * Runs the app at debug log level with its log stream captured (pino writes to process.stdout.write when that
 * has been replaced), exercises every path that handles a secret, then searches the logs and every table.
 */
describe('secrets never reach the logs or the audit trail', () => {
  let t: TestApp;
  const captured: string[] = [];
  const originalStdout = process.stdout.write;
  const originalStderr = process.stderr.write;
  const secrets: Record<string, string> = {
    demoPassword: 'Demo-hemmelighet-7391',
    newUserPassword: 'Nytt-passord-for-Kari-5512',
    wrongPassword: 'Feil-gjetning-8827',
  };

  beforeAll(async () => {
    const capture = (chunk: unknown) => {
      captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return true;
    };
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
    t = await createTestApp({ env: { LOG_LEVEL: 'debug', DEMO_PASSWORD: secrets.demoPassword } });

    const first = await login(t, 'officer@demo.local', secrets.demoPassword);
    secrets.accessToken = first.accessToken;
    secrets.refreshToken = first.refreshToken;
    const second = (await t.http().post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)).body;
    secrets.rotatedAccessToken = second.accessToken;
    secrets.rotatedRefreshToken = second.refreshToken;
    await t.http().get('/api/v1/me').set(bearer(second.accessToken)).expect(200);
    // reuse of the rotated token: the family is revoked
    await t.http().post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(401);

    await t.http().post('/api/v1/auth/login').send({ email: 'officer@demo.local', password: secrets.wrongPassword }).expect(401);
    await t.http().post('/api/v1/auth/login').send({ email: 'nobody@demo.local', password: secrets.wrongPassword }).expect(401);

    const user = await t
      .http()
      .post('/api/v1/users')
      .set(t.auth('admin'))
      .send({ email: 'kari@demo.local', displayName: 'Kari', roles: ['evaluator'], password: secrets.newUserPassword })
      .expect(201);
    const kari = await login(t, 'kari@demo.local', secrets.newUserPassword);
    secrets.kariRefreshToken = kari.refreshToken;
    const token = await t
      .http()
      .post('/api/v1/api-tokens')
      .set(bearer(kari.accessToken))
      .send({ name: 'skript', scopes: ['insights:read'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() })
      .expect(201);
    secrets.apiToken = token.body.token;
    await t.http().get('/api/v1/me').set(bearer(token.body.token)).expect(403);
    await t.http().delete(`/api/v1/api-tokens/${token.body.id}`).set(bearer(kari.accessToken)).expect(204);
    await t
      .http()
      .patch(`/api/v1/users/${user.body.id}`)
      .set(t.auth('admin'))
      .send({ password: `${secrets.newUserPassword}-2` })
      .expect(200);
    await t.http().post('/api/v1/auth/logout').send({ refreshToken: kari.refreshToken }).expect(204);
  });

  afterAll(async () => {
    await t?.close();
    process.stdout.write = originalStdout;
    process.stderr.write = originalStderr;
  });

  it('captured the request logs (the search below would otherwise prove nothing)', () => {
    const logs = captured.join('');
    expect(logs).toMatch(/"url":"\/api\/v1\/auth\/login"/);
    expect(logs).toMatch(/"url":"\/api\/v1\/api-tokens"/);
    // the bearer header was logged, and redacted
    expect(logs).toMatch(/"authorization":"\[REDACTED\]"/);
  });

  it('finds no password or token value in the logs', () => {
    const logs = captured.join('');
    for (const [name, value] of Object.entries(secrets)) {
      expect({ name, found: logs.includes(value) }).toEqual({ name, found: false });
    }
  });

  it('finds no password or token value in any table, the audit trail included', async () => {
    const tables: Array<{ table_name: string }> = await t.dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const dump = (
      await Promise.all(tables.map(async ({ table_name }) => JSON.stringify(await t.dataSource.query(`SELECT * FROM "${table_name}"`))))
    ).join('\n');
    expect(dump).toContain('auth.login_failed');
    for (const [name, value] of Object.entries(secrets)) {
      expect({ name, found: dump.includes(value) }).toEqual({ name, found: false });
    }
    // password changes are recorded as such, without the value
    const [changed] = await t.dataSource.query(`SELECT diff FROM audit_event WHERE action = 'user.updated'`);
    expect(changed.diff).toEqual({ credentialChanged: { before: null, after: 'password' } });
  });
});
