import { QueryRunner } from 'typeorm';
import { hashPassword } from '../src/identity/passwords';
import { createTestApp, TestApp } from './support/app';
import { bearer, login } from './support/auth';
import { describeWith } from './support/drivers';
import { eventually } from './support/eventually';

/**
 * A deactivation and a password change each revoke every session and every API token of the account (that a password
 * change ends the API tokens too is shown in identity-password-change.e2e-spec.ts). Something handed out while the
 * deactivation is in flight must not survive it: a later reactivation would otherwise bring it back.
 */
describeWith('DATABASE_URL', 'identity: sign-in and token creation racing a deactivation (PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const createUser = async (email: string) =>
    (
      await t
        .http()
        .post('/api/v1/users')
        .set(t.auth('admin'))
        .send({ email, displayName: email, roles: ['officer'], password: 'Et-langt-passord-123' })
        .expect(201)
    ).body.id as string;

  /** Does what PATCH /users {active:false} does, in a transaction the test commits when it chooses. */
  const deactivateOpen = async (userId: string): Promise<QueryRunner> => {
    const qr = t.dataSource.createQueryRunner();
    await qr.connect();
    await qr.startTransaction();
    await qr.query(`SELECT id FROM app_user WHERE id = $1 FOR UPDATE`, [userId]);
    await qr.query(`UPDATE app_user SET active = false WHERE id = $1`, [userId]);
    await qr.query(
      `UPDATE auth_session SET revoked_at = now(), revoked_reason = 'user_deactivated' WHERE user_id = $1 AND revoked_at IS NULL`,
      [userId],
    );
    await qr.query(`UPDATE api_token SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [userId]);
    return qr;
  };

  /** Waits until a request of the app is blocked by the open deactivation (the race is then certain, not likely). */
  const untilBlocked = (qr: QueryRunner) =>
    eventually('a request blocked by the open deactivation', async () => {
      const [{ n }] = await qr.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      return n > 0;
    });

  const reactivate = (userId: string) => t.http().patch(`/api/v1/users/${userId}`).set(t.auth('admin')).send({ active: true }).expect(200);

  it('a sign-in that completes during the deactivation leaves no session that a reactivation would revive', async () => {
    const userId = await createUser('kappløp-innlogging@demo.local');
    const qr = await deactivateOpen(userId);
    const signIn = t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'kappløp-innlogging@demo.local', password: 'Et-langt-passord-123' })
      .then((r) => r);
    await untilBlocked(qr);
    await qr.commitTransaction();
    await qr.release();
    const res = await signIn;
    expect(res.status).toBe(401);
    expect(
      (await t.dataSource.query(`SELECT count(*)::int AS n FROM auth_session WHERE user_id = $1 AND revoked_at IS NULL`, [userId]))[0].n,
    ).toBe(0);
    await reactivate(userId);
    if (res.body.refreshToken) await t.http().post('/api/v1/auth/refresh').send({ refreshToken: res.body.refreshToken }).expect(401);
  });

  it('a sign-in with the old password that completes during a password change leaves no session', async () => {
    const userId = await createUser('kappløp-passord@demo.local');
    const newHash = await hashPassword('Et-nytt-langt-passord-456');
    const qr = t.dataSource.createQueryRunner();
    await qr.connect();
    await qr.startTransaction();
    // what PATCH /users {password} does
    await qr.query(`SELECT id FROM app_user WHERE id = $1 FOR UPDATE`, [userId]);
    await qr.query(`UPDATE user_credential SET secret_hash = $2, updated_at = now() WHERE user_id = $1 AND kind = 'password'`, [
      userId,
      newHash,
    ]);
    await qr.query(
      `UPDATE auth_session SET revoked_at = now(), revoked_reason = 'password_changed' WHERE user_id = $1 AND revoked_at IS NULL`,
      [userId],
    );
    const signIn = t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'kappløp-passord@demo.local', password: 'Et-langt-passord-123' })
      .then((r) => r);
    await untilBlocked(qr);
    await qr.commitTransaction();
    await qr.release();
    expect((await signIn).status).toBe(401);
    expect(
      (await t.dataSource.query(`SELECT count(*)::int AS n FROM auth_session WHERE user_id = $1 AND revoked_at IS NULL`, [userId]))[0].n,
    ).toBe(0);
    await login(t, 'kappløp-passord@demo.local', 'Et-nytt-langt-passord-456');
  });

  it('an API token created during the deactivation does not survive it', async () => {
    const userId = await createUser('kappløp-token@demo.local');
    const pair = await login(t, 'kappløp-token@demo.local', 'Et-langt-passord-123');
    const qr = await deactivateOpen(userId);
    const create = t
      .http()
      .post('/api/v1/api-tokens')
      .set(bearer(pair.accessToken))
      .send({ name: 'skript', scopes: ['calls:read'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() })
      .then((r) => r);
    await untilBlocked(qr);
    await qr.commitTransaction();
    await qr.release();
    const res = await create;
    expect(res.status).toBe(401);
    expect(
      (await t.dataSource.query(`SELECT count(*)::int AS n FROM api_token WHERE user_id = $1 AND revoked_at IS NULL`, [userId]))[0].n,
    ).toBe(0);
    await reactivate(userId);
    if (res.body.token) await t.http().get('/api/v1/calls').set(bearer(res.body.token)).expect(401);
  });
});
