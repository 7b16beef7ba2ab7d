import { createTestApp, TestApp } from './support/app';
import { auditRows, bearer, login } from './support/auth';

/** A new password is how a user (or an admin for them) ends a suspected compromise: nothing issued before it may keep working. */
describe('identity: a password change ends every credential of the user', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
  let n = 0;
  /** A user with a password, one signed-in session and one API token. */
  const userWithCredentials = async () => {
    const email = `passordbytte-${++n}@demo.local`;
    const password = `Et-langt-passord-${n}-abc`;
    const { id } = (
      await t
        .http()
        .post('/api/v1/users')
        .set(t.auth('admin'))
        .send({ email, displayName: `Bytter ${n}`, roles: ['evaluator'], password })
        .expect(201)
    ).body;
    const session = await login(t, email, password);
    const token = (
      await t
        .http()
        .post('/api/v1/api-tokens')
        .set(bearer(session.accessToken))
        .send({ name: 'skript', scopes: ['calls:read'], expiresAt: inDays(30) })
        .expect(201)
    ).body.token as string;
    await t.http().get('/api/v1/calls').set(bearer(token)).expect(200);
    return { id: id as string, email, password, session, token };
  };

  it('an admin reset revokes the sessions and the API tokens', async () => {
    const u = await userWithCredentials();
    await t.http().patch(`/api/v1/users/${u.id}`).set(t.auth('admin')).send({ password: 'Et-nytt-passord-fra-admin' }).expect(200);
    await t.http().get('/api/v1/me').set(bearer(u.session.accessToken)).expect(401);
    await t.http().post('/api/v1/auth/refresh').send({ refreshToken: u.session.refreshToken }).expect(401);
    await t.http().get('/api/v1/calls').set(bearer(u.token)).expect(401);
    const [row] = await t.dataSource.query(`SELECT revoked_at FROM api_token WHERE user_id = $1`, [u.id]);
    expect(row.revoked_at).not.toBeNull();
    await login(t, u.email, 'Et-nytt-passord-fra-admin');
  });

  it('changing one’s own password revokes every session (this one too) and every API token', async () => {
    const u = await userWithCredentials();
    const other = await login(t, u.email, u.password, '198.51.100.40');
    await t
      .http()
      .post('/api/v1/me/password')
      .set(bearer(u.session.accessToken))
      .send({ currentPassword: u.password, newPassword: 'Mitt-eget-nye-passord' })
      .expect(204);
    for (const s of [u.session, other]) {
      await t.http().get('/api/v1/me').set(bearer(s.accessToken)).expect(401);
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken: s.refreshToken }).expect(401);
    }
    await t.http().get('/api/v1/calls').set(bearer(u.token)).expect(401);
    await t.http().post('/api/v1/auth/login').send({ email: u.email, password: u.password }).expect(401);
    await login(t, u.email, 'Mitt-eget-nye-passord');
    expect((await auditRows(t, `action = 'user.password_changed' AND entity_id = $1`, [u.id])).length).toBe(1);
  });

  it('refuses a wrong current password (403, audited, nothing revoked), an API token, and a too-short new password', async () => {
    const u = await userWithCredentials();
    const wrong = await t
      .http()
      .post('/api/v1/me/password')
      .set(bearer(u.session.accessToken))
      .send({ currentPassword: 'ikke-passordet', newPassword: 'Mitt-eget-nye-passord' })
      .expect(403);
    expect(wrong.body.code).toBe('WRONG_CURRENT_PASSWORD');
    expect(await auditRows(t, `action = 'auth.password_change_failed' AND entity_id = $1`, [u.id])).toHaveLength(1);
    await t.http().get('/api/v1/me').set(bearer(u.session.accessToken)).expect(200);
    await t.http().get('/api/v1/calls').set(bearer(u.token)).expect(200);

    const scoped = (
      await t
        .http()
        .post('/api/v1/api-tokens')
        .set(bearer(u.session.accessToken))
        .send({ name: 'med me', scopes: ['me:read'], expiresAt: inDays(30) })
        .expect(201)
    ).body.token as string;
    const byToken = await t
      .http()
      .post('/api/v1/me/password')
      .set(bearer(scoped))
      .send({ currentPassword: u.password, newPassword: 'Mitt-eget-nye-passord' })
      .expect(403);
    expect(byToken.body.code).toBe('SESSION_REQUIRED');

    const short = await t
      .http()
      .post('/api/v1/me/password')
      .set(bearer(u.session.accessToken))
      .send({ currentPassword: u.password, newPassword: 'kort' })
      .expect(400);
    expect(short.body.errors.map((e: { field: string }) => e.field)).toEqual(['newPassword']);
    await login(t, u.email, u.password);
  });
});
