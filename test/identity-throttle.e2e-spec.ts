import { LOGIN_LIMITS } from '../src/identity/login-throttle';
import { createTestApp, TestApp } from './support/app';
import { DEMO_PASSWORD, login } from './support/auth';

/** Guesses sent all at once must not get past the limit that holds for guesses sent one after another. */
describe('identity: the login rate limit holds against a burst of parallel guesses', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const attempt = (email: string, password: string, address: string) =>
    t.http().post('/api/v1/auth/login').set('X-Forwarded-For', address).send({ email, password });
  const statuses = (rs: Array<{ status: number }>) => rs.map((r) => r.status);
  const count = (xs: number[], x: number) => xs.filter((y) => y === x).length;

  it(`checks no more than ${LOGIN_LIMITS.perAccountAndAddress} passwords of one account from one address, however many arrive together`, async () => {
    const burst = statuses(
      await Promise.all(Array.from({ length: 12 }, (_, i) => attempt('assessor@demo.local', `gjetning-${i}`, '198.51.100.150'))),
    );
    expect(count(burst, 401)).toBe(LOGIN_LIMITS.perAccountAndAddress);
    expect(count(burst, 429)).toBe(12 - LOGIN_LIMITS.perAccountAndAddress);
    // the pair is held, the account is not: its owner signs in from elsewhere
    await login(t, 'assessor@demo.local', DEMO_PASSWORD, '198.51.100.151');
  });

  it(`checks no more than ${LOGIN_LIMITS.account.freeFailures} passwords of one account from many addresses at once; the owner still signs in from an address it used before`, async () => {
    await login(t, 'evaluator@demo.local', DEMO_PASSWORD, '198.51.100.250');
    const burst = statuses(
      await Promise.all(Array.from({ length: 25 }, (_, i) => attempt('evaluator@demo.local', `gjetning-${i}`, `198.51.100.${i + 1}`))),
    );
    expect(count(burst, 401)).toBe(LOGIN_LIMITS.account.freeFailures);
    expect(count(burst, 429)).toBe(25 - LOGIN_LIMITS.account.freeFailures);
    // a new address waits the account's delay (the right password included, or the 429 would tell it was right) …
    const waited = await attempt('evaluator@demo.local', DEMO_PASSWORD, '198.51.100.200').expect(429);
    expect(Number(waited.headers['retry-after'])).toBeLessThanOrEqual(LOGIN_LIMITS.account.firstDelaySeconds);
    // … while the owner, at an address the account signed in from before, is not held up by the guesses
    await login(t, 'evaluator@demo.local', DEMO_PASSWORD, '198.51.100.250');
  });

  it(`checks no more than ${LOGIN_LIMITS.perAddress} passwords from one address, however many arrive together`, async () => {
    const burst = statuses(
      await Promise.all(Array.from({ length: 40 }, (_, i) => attempt(`spray-${i}@example.org`, 'Sommer2024!', '192.0.2.77'))),
    );
    expect(count(burst, 401)).toBe(LOGIN_LIMITS.perAddress);
    expect(count(burst, 429)).toBe(40 - LOGIN_LIMITS.perAddress);
  });

  it('a refused (429) attempt does not extend the lock: the pair opens when the counted failures leave the window', async () => {
    for (let i = 0; i < LOGIN_LIMITS.perAccountAndAddress; i++) await attempt('auditor@demo.local', `feil-${i}`, '203.0.113.7').expect(401);
    await attempt('auditor@demo.local', 'enda-en-gjetning', '203.0.113.7').expect(429);
    await t.dataSource.query(
      `UPDATE failed_login SET occurred_at = occurred_at - make_interval(secs => $1) WHERE email = 'auditor@demo.local'`,
      [LOGIN_LIMITS.windowSeconds],
    );
    await login(t, 'auditor@demo.local', DEMO_PASSWORD, '203.0.113.7');
  });

  it('under the limit, a burst is answered normally: the right password signs in, the wrong ones are 401', async () => {
    const results = await Promise.all([
      attempt('approver@demo.local', 'feil', '203.0.113.20'),
      attempt('approver@demo.local', DEMO_PASSWORD, '203.0.113.21'),
      attempt('approver@demo.local', 'feil', '203.0.113.22'),
    ]);
    expect(statuses(results).sort()).toEqual([200, 401, 401]);
  });
});
