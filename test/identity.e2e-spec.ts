import { createTestApp, TestApp } from './support/app';
import { auditRows, bearer, DEMO_PASSWORD, login } from './support/auth';
import { describeWith } from './support/drivers';
import { accountDelaySeconds, LOGIN_LIMITS } from '../src/identity/login-throttle';

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

describe('identity: sign-in, sessions, users and API tokens', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe('sign-in', () => {
    it('signs in with e-mail and password and tells the user who they are', async () => {
      const pair = await login(t, 'Applicant@Demo.local');
      expect(pair).toMatchObject({ tokenType: 'Bearer', expiresIn: t.config.accessTokenTtlSeconds });
      expect(pair.refreshToken).toMatch(/^hto_rt_[A-Za-z0-9_-]{43}$/);
      const me = await t.http().get('/api/v1/me').set(bearer(pair.accessToken)).expect(200);
      expect(me.body.user).toMatchObject({ email: 'applicant@demo.local', displayName: 'Berit Bergen' });
      expect(me.body.roles).toEqual(['applicant']);
      expect(me.body.organisations).toEqual([
        expect.objectContaining({ name: 'Bergen kommune', kind: 'MUNICIPALITY', municipalityNumber: '4601' }),
      ]);
      expect(me.body.permissions).toContain('applications:write');
      expect(me.body.permissions).not.toContain('audit:read');
      expect(me.body.via).toBe('session');
      const [row] = await auditRows(t, `action = 'auth.login' AND actor_user_id = $1`, [t.userIds.applicant]);
      expect(row).toMatchObject({ entity_type: 'user', entity_id: t.userIds.applicant, actor_roles: ['applicant'] });
    });

    it('answers an unknown e-mail and a wrong password alike, and audits both without the password', async () => {
      const address = '198.51.100.1';
      const unknown = await t
        .http()
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', address)
        .send({ email: 'nobody@demo.local', password: 'Gjett-1-gang!' })
        .expect(401);
      const wrong = await t
        .http()
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', address)
        .send({ email: 'officer@demo.local', password: 'Gjett-2-ganger!' })
        .expect(401);
      expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(unknown.body.code).toBe('INVALID_CREDENTIALS');
      expect({ ...unknown.body, instance: undefined, requestId: undefined }).toEqual({
        ...wrong.body,
        instance: undefined,
        requestId: undefined,
      });

      const failed = await auditRows(t, `action = 'auth.login_failed'`);
      expect(failed.map((r) => [r.actor_label, r.diff?.reason.after, r.client_address])).toEqual([
        ['nobody@demo.local', 'UNKNOWN_EMAIL', address],
        ['officer@demo.local', 'WRONG_PASSWORD', address],
      ]);
      expect(failed[1].entity_id).toBe(t.userIds.officer);
      expect(JSON.stringify(failed)).not.toMatch(/Gjett/);
      const stored = await t.dataSource.query(`SELECT * FROM failed_login`);
      expect(stored).toHaveLength(2);
      expect(JSON.stringify(stored)).not.toMatch(/Gjett/);
    });

    it('refuses malformed input with problem details naming the field', async () => {
      const res = await t.http().post('/api/v1/auth/login').send({ email: 'not-an-email', password: '' }).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'password']);
    });
    it('refuses an access token that belongs to no sign-in session, even when correctly signed', async () => {
      const { JwtService } = await import('@nestjs/jwt');
      const forged = t.app.get(JwtService).sign({ sub: t.userIds.admin, typ: 'access' });
      const res = await t.http().get('/api/v1/me').set(bearer(forged)).expect(401);
      expect(res.body.code).toBe('INVALID_TOKEN');
      const unknownSession = t.app
        .get(JwtService)
        .sign({ sub: t.userIds.admin, typ: 'access', sid: '00000000-0000-4000-8000-000000000000' });
      await t.http().get('/api/v1/me').set(bearer(unknownSession)).expect(401);
    });
  });

  describe('refresh tokens', () => {
    it('rotates on use: the new pair works, the old refresh token does not', async () => {
      const first = await login(t, 'approver@demo.local');
      const second = (await t.http().post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)).body;
      expect(second.refreshToken).not.toBe(first.refreshToken);
      await t.http().get('/api/v1/me').set(bearer(second.accessToken)).expect(200);
      const third = (await t.http().post('/api/v1/auth/refresh').send({ refreshToken: second.refreshToken }).expect(200)).body;
      await t.http().get('/api/v1/me').set(bearer(third.accessToken)).expect(200);
    });

    it('revokes the whole session family when a rotated refresh token is used again', async () => {
      const first = await login(t, 'assessor@demo.local');
      const second = (await t.http().post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)).body;
      await t.http().get('/api/v1/me').set(bearer(second.accessToken)).expect(200);

      // a thief replays the token the client already traded in
      const replay = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(401);
      expect(replay.body.code).toBe('INVALID_REFRESH_TOKEN');

      // the newest refresh token and the session's access tokens are dead as well
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken: second.refreshToken }).expect(401);
      await t.http().get('/api/v1/me').set(bearer(second.accessToken)).expect(401);
      await t.http().get('/api/v1/me').set(bearer(first.accessToken)).expect(401);
      // other sessions of the same user are untouched
      const other = await login(t, 'assessor@demo.local');
      await t.http().get('/api/v1/me').set(bearer(other.accessToken)).expect(200);

      const [reuse] = await auditRows(t, `action = 'auth.refresh_token_reused'`);
      expect(reuse).toMatchObject({ entity_type: 'session', actor_label: 'assessor@demo.local' });
    });

    it('logs out: the refresh token and the session’s access token stop working', async () => {
      const pair = await login(t, 'auditor@demo.local');
      await t.http().post('/api/v1/auth/logout').send({ refreshToken: pair.refreshToken }).expect(204);
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(401);
      await t.http().get('/api/v1/me').set(bearer(pair.accessToken)).expect(401);
      await t.http().post('/api/v1/auth/logout').send({ refreshToken: pair.refreshToken }).expect(204);
      expect(await auditRows(t, `action = 'auth.logout' AND actor_user_id = $1`, [t.userIds.auditor])).toHaveLength(1);
    });

    it('stores only hashes of refresh tokens', async () => {
      const pair = await login(t, 'evaluator@demo.local');
      const rows: Array<{ token_hash: string }> = await t.dataSource.query(`SELECT token_hash FROM refresh_token`);
      expect(rows.length).toBeGreaterThan(0);
      expect(JSON.stringify(rows)).not.toContain(pair.refreshToken.slice(7));
    });
  });

  describe('login rate limit', () => {
    it('five wrong passwords from five addresses do not keep the owner out: the sixth address signs in', async () => {
      for (let i = 0; i < 5; i++) {
        await t
          .http()
          .post('/api/v1/auth/login')
          .set('X-Forwarded-For', `203.0.113.${i + 1}`)
          .send({ email: 'assessor2@demo.local', password: `feil-${i}` })
          .expect(401);
      }
      await login(t, 'assessor2@demo.local', DEMO_PASSWORD, '203.0.113.6');
    });

    it(`holds one account and address after ${LOGIN_LIMITS.perAccountAndAddress} failures, with Retry-After, and not the account elsewhere`, async () => {
      for (let i = 0; i < LOGIN_LIMITS.perAccountAndAddress; i++) {
        await t
          .http()
          .post('/api/v1/auth/login')
          .set('X-Forwarded-For', '203.0.113.30')
          .send({ email: 'assessor2@demo.local', password: `feil-${i}` })
          .expect(401);
      }
      // even the right password is refused from that address while held
      const locked = await t
        .http()
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', '203.0.113.30')
        .send({ email: 'assessor2@demo.local', password: DEMO_PASSWORD })
        .expect(429);
      expect(locked.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(locked.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
      const retryAfter = Number(locked.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(LOGIN_LIMITS.windowSeconds - 60);
      expect(retryAfter).toBeLessThanOrEqual(LOGIN_LIMITS.windowSeconds);
      // another account from that address, and the account from another address, are fine
      await login(t, 'officer@demo.local', DEMO_PASSWORD, '203.0.113.30');
      await login(t, 'assessor2@demo.local', DEMO_PASSWORD, '203.0.113.31');
    });

    it('slows an account guessed at from many addresses with a growing delay instead of locking it', async () => {
      const { freeFailures } = LOGIN_LIMITS.account;
      const guess = (i: number) =>
        t
          .http()
          .post('/api/v1/auth/login')
          .set('X-Forwarded-For', `198.18.0.${i + 1}`)
          .send({ email: 'approver@demo.local', password: `feil-${i}` });
      for (let i = 0; i < freeFailures; i++) await guess(i).expect(401);
      const delays: number[] = [];
      for (let i = freeFailures; i < freeFailures + 4; i++) {
        // the last guess was just now, however slowly this machine answered it
        await t.dataSource.query(`UPDATE failed_login SET occurred_at = now() WHERE email = 'approver@demo.local'`);
        const held = await guess(i).expect(429);
        delays.push(Number(held.headers['retry-after']));
        // the wait passes (moved back in time rather than waited for), and the next guess is checked and counted
        await t.dataSource.query(
          `UPDATE failed_login SET occurred_at = occurred_at - make_interval(secs => $1) WHERE email = 'approver@demo.local'`,
          [LOGIN_LIMITS.account.maxDelaySeconds],
        );
        await guess(i).expect(401);
      }
      expect(delays).toEqual([1, 2, 4, 8].map((d) => accountDelaySeconds(freeFailures) * d));
      expect(accountDelaySeconds(100)).toBe(LOGIN_LIMITS.account.maxDelaySeconds);
      // once the delay has passed, the owner signs in from a new address too
      await t.dataSource.query(
        `UPDATE failed_login SET occurred_at = occurred_at - make_interval(secs => $1) WHERE email = 'approver@demo.local'`,
        [LOGIN_LIMITS.account.maxDelaySeconds],
      );
      await login(t, 'approver@demo.local', DEMO_PASSWORD, '198.18.1.1');
    });

    it(`locks an address after ${LOGIN_LIMITS.perAddress} failures across accounts`, async () => {
      const address = '192.0.2.50';
      for (let i = 0; i < LOGIN_LIMITS.perAddress; i++) {
        await t
          .http()
          .post('/api/v1/auth/login')
          .set('X-Forwarded-For', address)
          .send({ email: `sprayed-${i}@example.org`, password: 'Sommer2024!' })
          .expect(401);
      }
      const locked = await t
        .http()
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', address)
        .send({ email: 'officer@demo.local', password: DEMO_PASSWORD })
        .expect(429);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      // the same account from elsewhere is fine: the address is locked, not the account
      await login(t, 'officer@demo.local', DEMO_PASSWORD, '192.0.2.51');
    });

    it('clears an account’s failures on success, so a typo or two does not add up over the day', async () => {
      for (let i = 0; i < LOGIN_LIMITS.perAccountAndAddress - 1; i++) {
        await t
          .http()
          .post('/api/v1/auth/login')
          .set('X-Forwarded-For', '192.0.2.60')
          .send({ email: 'applicant2@demo.local', password: 'typo' })
          .expect(401);
      }
      await login(t, 'applicant2@demo.local', DEMO_PASSWORD, '192.0.2.60');
      await t
        .http()
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', '192.0.2.60')
        .send({ email: 'applicant2@demo.local', password: 'typo' })
        .expect(401);
      await login(t, 'applicant2@demo.local', DEMO_PASSWORD, '192.0.2.60');
    });
  });

  describe('users', () => {
    let bergen: string;
    let oslo: string;
    beforeAll(async () => {
      const orgs: Array<{ id: string; municipality_number: string }> = await t.dataSource.query(
        `SELECT id, municipality_number FROM organisation WHERE municipality_number IN ('4601', '0301')`,
      );
      bergen = orgs.find((o) => o.municipality_number === '4601')!.id;
      oslo = orgs.find((o) => o.municipality_number === '0301')!.id;
    });

    it('lets the admin create a user with several roles and organisations, who can then sign in', async () => {
      const res = await t
        .http()
        .post('/api/v1/users')
        .set(t.auth('admin'))
        .send({
          email: 'Kari.Nordmann@Bergen.kommune.no',
          displayName: 'Kari Nordmann',
          roles: ['applicant', 'evaluator'],
          organisationIds: [bergen, oslo],
          password: 'et-langt-passord-123',
          preferredLanguage: 'nn',
        })
        .expect(201);
      expect(res.body).toMatchObject({
        email: 'kari.nordmann@bergen.kommune.no',
        roles: ['applicant', 'evaluator'],
        active: true,
        hasPassword: true,
        preferredLanguage: 'nn',
      });
      expect([...res.body.organisationIds].sort()).toEqual([bergen, oslo].sort());
      expect(res.body).not.toHaveProperty('password');
      const pair = await login(t, 'kari.nordmann@bergen.kommune.no', 'et-langt-passord-123');
      const me = await t.http().get('/api/v1/me').set(bearer(pair.accessToken)).expect(200);
      expect(me.body.permissions).toEqual(expect.arrayContaining(['applications:write', 'insights:read']));

      const [created] = await auditRows(t, `action = 'user.created' AND entity_id = $1`, [res.body.id]);
      expect(created.actor_user_id).toBe(t.userIds.admin);
      expect(created.diff).toMatchObject({
        roles: { before: null, after: ['applicant', 'evaluator'] },
        credentialChanged: { after: 'password' },
      });
      expect(JSON.stringify(created)).not.toContain('et-langt-passord-123');

      await t
        .http()
        .post('/api/v1/users')
        .set(t.auth('admin'))
        .send({ email: 'kari.nordmann@bergen.kommune.no', displayName: 'Kari 2', roles: ['officer'] })
        .expect(409);
      const listed = await t.http().get('/api/v1/users').query({ role: 'evaluator' }).set(t.auth('admin')).expect(200);
      expect(listed.body.items.map((u: { email: string }) => u.email)).toEqual(['evaluator@demo.local', 'kari.nordmann@bergen.kommune.no']);
      await t.http().get(`/api/v1/users/${res.body.id}`).set(t.auth('admin')).expect(200);
    });

    it('refuses an applicant without an organisation, unknown organisations and unknown roles, by field', async () => {
      const none = await t
        .http()
        .post('/api/v1/users')
        .set(t.auth('admin'))
        .send({ email: 'a@x.no', displayName: 'A', roles: ['applicant'] })
        .expect(400);
      expect(none.body.errors).toEqual([expect.objectContaining({ field: 'organisationIds', code: 'APPLICANT_NEEDS_ORGANISATION' })]);
      const unknown = await t
        .http()
        .post('/api/v1/users')
        .set(t.auth('admin'))
        .send({
          email: 'a@x.no',
          displayName: 'A',
          roles: ['applicant'],
          organisationIds: [bergen, '00000000-0000-4000-8000-000000000000'],
        })
        .expect(400);
      expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'organisationIds[1]', code: 'UNKNOWN_ORGANISATION' })]);
      const role = await t
        .http()
        .post('/api/v1/users')
        .set(t.auth('admin'))
        .send({ email: 'a@x.no', displayName: 'A', roles: ['superuser'], password: 'kort' })
        .expect(400);
      expect(role.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['password', 'roles']);
    });

    it('deactivates instead of deleting: the user’s sessions and API tokens stop working at once', async () => {
      const created = await t
        .http()
        .post('/api/v1/users')
        .set(t.auth('admin'))
        .send({ email: 'leaving@demo.local', displayName: 'Snart Borte', roles: ['officer'], password: 'et-langt-passord-456' })
        .expect(201);
      const pair = await login(t, 'leaving@demo.local', 'et-langt-passord-456');
      const token = (
        await t
          .http()
          .post('/api/v1/api-tokens')
          .set(bearer(pair.accessToken))
          .send({ name: 'skript', scopes: ['calls:read'], expiresAt: inDays(30) })
          .expect(201)
      ).body.token;
      await t.http().get('/api/v1/me').set(bearer(pair.accessToken)).expect(200);

      const res = await t.http().patch(`/api/v1/users/${created.body.id}`).set(t.auth('admin')).send({ active: false }).expect(200);
      expect(res.body.active).toBe(false);
      await t.http().get('/api/v1/me').set(bearer(pair.accessToken)).expect(401);
      await t.http().get('/api/v1/calls').set(bearer(token)).expect(401);
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(401);
      const refused = await t
        .http()
        .post('/api/v1/auth/login')
        .send({ email: 'leaving@demo.local', password: 'et-langt-passord-456' })
        .expect(401);
      expect(refused.body.code).toBe('INVALID_CREDENTIALS');

      // reactivation does not bring back what was handed out before
      await t.http().patch(`/api/v1/users/${created.body.id}`).set(t.auth('admin')).send({ active: true }).expect(200);
      await t.http().get('/api/v1/me').set(bearer(pair.accessToken)).expect(401);
      await t.http().get('/api/v1/calls').set(bearer(token)).expect(401);
      await login(t, 'leaving@demo.local', 'et-langt-passord-456');
      expect((await t.dataSource.query(`SELECT count(*)::int AS n FROM app_user WHERE id = $1`, [created.body.id]))[0].n).toBe(1);
      expect(
        (await auditRows(t, `entity_id = $1 AND action IN ('user.deactivated', 'user.updated')`, [created.body.id])).map((r) => r.action),
      ).toEqual(['user.deactivated', 'user.updated']);
    });

    it('changes roles with effect on the next request, and a new password ends the sessions', async () => {
      const created = await t
        .http()
        .post('/api/v1/users')
        .set(t.auth('admin'))
        .send({ email: 'promoted@demo.local', displayName: 'Per Forfremmet', roles: ['assessor'], password: 'et-langt-passord-789' })
        .expect(201);
      const pair = await login(t, 'promoted@demo.local', 'et-langt-passord-789');
      await t.http().get('/api/v1/audit').set(bearer(pair.accessToken)).expect(403);
      await t
        .http()
        .patch(`/api/v1/users/${created.body.id}`)
        .set(t.auth('admin'))
        .send({ roles: ['assessor', 'auditor'] })
        .expect(200);
      await t.http().get('/api/v1/audit').set(bearer(pair.accessToken)).expect(200);
      await t.http().patch(`/api/v1/users/${created.body.id}`).set(t.auth('admin')).send({ password: 'et-nytt-passord-000' }).expect(200);
      await t.http().get('/api/v1/audit').set(bearer(pair.accessToken)).expect(401);
      await t.http().post('/api/v1/auth/login').send({ email: 'promoted@demo.local', password: 'et-langt-passord-789' }).expect(401);
      await login(t, 'promoted@demo.local', 'et-nytt-passord-000');
    });

    it('keeps at least one active admin: the last one cannot deactivate or demote themselves, and nothing is written', async () => {
      const before = await auditRows(t);
      const res = await t.http().patch(`/api/v1/users/${t.userIds.admin}`).set(t.auth('admin')).send({ active: false }).expect(409);
      expect(res.body.code).toBe('LAST_ADMIN');
      await t
        .http()
        .patch(`/api/v1/users/${t.userIds.admin}`)
        .set(t.auth('admin'))
        .send({ roles: ['auditor'] })
        .expect(409);
      await t.http().get('/api/v1/me').set(t.auth('admin')).expect(200);
      expect(await auditRows(t)).toEqual(before);
    });

    it('is for admins only; the refusal is audited', async () => {
      const res = await t.http().get('/api/v1/users').set(t.auth('officer')).expect(403);
      expect(res.body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
      const rows = await auditRows(t, `action = 'access.denied' AND actor_user_id = $1`, [t.userIds.officer]);
      expect(rows[rows.length - 1]).toMatchObject({
        entity_type: 'route',
        entity_id: 'GET /api/v1/users',
        diff: { permission: { after: 'users:manage' } },
      });
      await t.http().get('/api/v1/users/not-a-uuid').set(t.auth('admin')).expect(404);
    });

    it('stores passwords as salted argon2id hashes (OWASP parameters), for created and demo users alike', async () => {
      const password = 'et-langt-passord-argon';
      const hashOf = async (userId: string): Promise<string> =>
        (await t.dataSource.query(`SELECT secret_hash FROM user_credential WHERE user_id = $1 AND kind = 'password'`, [userId]))[0]
          .secret_hash;
      const created = [];
      for (const email of ['argon-a@demo.local', 'argon-b@demo.local']) {
        created.push(
          (
            await t
              .http()
              .post('/api/v1/users')
              .set(t.auth('admin'))
              .send({ email, displayName: 'Argon Testesen', roles: ['approver'], password })
              .expect(201)
          ).body.id as string,
        );
      }
      const [a, b] = [await hashOf(created[0]), await hashOf(created[1])];
      const demo = await hashOf(t.userIds.officer);
      for (const hash of [a, b, demo]) {
        expect(hash.startsWith('$argon2id$')).toBe(true);
        // PHC string: $argon2id$v=19$<params in any order>$<salt>$<hash>
        const [, , version, params, salt, digest] = hash.split('$');
        expect(version).toBe('v=19');
        expect(Object.fromEntries(params.split(',').map((kv) => kv.split('=')))).toEqual({ m: '19456', t: '2', p: '1' });
        expect([salt.length, digest.length]).toEqual([22, 43]); // 16-byte salt, 32-byte hash, unpadded base64
      }
      expect(a).not.toContain(password);
      expect(a).not.toBe(b); // same password, own salt
      await login(t, 'argon-a@demo.local', password);
    });
  });

  describe('personal API tokens', () => {
    it('shows the secret once, stores a hash, and restricts the token to its scopes', async () => {
      const created = await t
        .http()
        .post('/api/v1/api-tokens')
        .set(t.auth('evaluator'))
        .send({ name: 'evaluering', scopes: ['insights:read', 'consortia:read'], expiresAt: inDays(90) })
        .expect(201);
      const { token, id } = created.body;
      expect(token).toMatch(/^hto_pat_[A-Za-z0-9_-]{43}$/);
      expect(created.body).toMatchObject({
        name: 'evaluering',
        scopes: ['insights:read', 'consortia:read'],
        status: 'active',
        hint: token.slice(0, 12),
        lastUsedAt: null,
      });

      const listed = await t.http().get('/api/v1/api-tokens').set(t.auth('evaluator')).expect(200);
      expect(listed.body.items).toEqual([expect.objectContaining({ id, hint: token.slice(0, 12) })]);
      expect(JSON.stringify(listed.body)).not.toContain(token);
      const stored = await t.dataSource.query(`SELECT * FROM api_token WHERE id = $1`, [id]);
      expect(JSON.stringify(stored)).not.toContain(token);

      await t.http().get('/api/v1/consortia').set(bearer(token)).expect(200);
      // the owner may read /me, the token was not given that scope
      const denied = await t.http().get('/api/v1/me').set(bearer(token)).expect(403);
      expect(denied.body.detail).toMatch(/not scoped for me:read/);
      // a token never mints tokens
      await t
        .http()
        .post('/api/v1/api-tokens')
        .set(bearer(token))
        .send({ name: 'x', scopes: ['insights:read'], expiresAt: inDays(1) })
        .expect(403);
      const [usedRow] = await t.dataSource.query(`SELECT last_used_at FROM api_token WHERE id = $1`, [id]);
      expect(usedRow.last_used_at).not.toBeNull();
      const [deniedRow] = await auditRows(t, `action = 'access.denied' AND actor_token_id = $1 AND entity_id = 'GET /api/v1/me'`, [id]);
      expect(deniedRow.diff).toMatchObject({ code: { after: 'TOKEN_SCOPE' } });
    });

    it('audits the creation of a token with what it may do, never its secret', async () => {
      const expiresAt = inDays(30);
      const created = await t
        .http()
        .post('/api/v1/api-tokens')
        .set(t.auth('approver'))
        .send({ name: 'saksliste-eksport', scopes: ['applications:read', 'cases:journal'], expiresAt })
        .expect(201);
      const { id, token } = created.body;
      const rows = await auditRows(t, `action = 'api_token.created' AND entity_id = $1`, [id]);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ entity_type: 'api_token', actor_user_id: t.userIds.approver, actor_token_id: null });
      expect(rows[0].diff).toEqual({
        userId: { before: null, after: t.userIds.approver },
        name: { before: null, after: 'saksliste-eksport' },
        hint: { before: null, after: token.slice(0, 12) },
        scopes: { before: null, after: ['applications:read', 'cases:journal'] },
        expiresAt: { before: null, after: created.body.expiresAt },
      });
      const [{ token_hash }] = await t.dataSource.query(`SELECT token_hash FROM api_token WHERE id = $1`, [id]);
      const written = JSON.stringify(rows[0]);
      // the hint is the prefix and 4 characters; nothing past it, nor the stored hash
      for (const secret of [token, token.slice(12), token.slice(-20), token_hash]) expect(written).not.toContain(secret);
    });

    it('narrows to the owner’s current roles: a scope the owner loses stops working', async () => {
      const user = await t
        .http()
        .post('/api/v1/users')
        .set(t.auth('admin'))
        .send({ email: 'analyst@demo.local', displayName: 'Ana Lytiker', roles: ['evaluator'], password: 'et-langt-passord-abc' })
        .expect(201);
      const pair = await login(t, 'analyst@demo.local', 'et-langt-passord-abc');
      const { token } = (
        await t
          .http()
          .post('/api/v1/api-tokens')
          .set(bearer(pair.accessToken))
          .send({ name: 'x', scopes: ['consortia:read'], expiresAt: inDays(10) })
          .expect(201)
      ).body;
      await t.http().get('/api/v1/consortia').set(bearer(token)).expect(200);
      await t
        .http()
        .patch(`/api/v1/users/${user.body.id}`)
        .set(t.auth('admin'))
        .send({ roles: ['assessor'] })
        .expect(200);
      await t.http().get('/api/v1/consortia').set(bearer(token)).expect(403);
    });

    it('refuses scopes the owner lacks, token management as a scope, and missing or too long expiry', async () => {
      const notMine = await t
        .http()
        .post('/api/v1/api-tokens')
        .set(t.auth('evaluator'))
        .send({ name: 'x', scopes: ['insights:read', 'users:manage'], expiresAt: inDays(1) })
        .expect(400);
      expect(notMine.body.errors).toEqual([expect.objectContaining({ field: 'scopes[1]', code: 'SCOPE_NOT_ALLOWED' })]);
      const minting = await t
        .http()
        .post('/api/v1/api-tokens')
        .set(t.auth('evaluator'))
        .send({ name: 'x', scopes: ['api-tokens:manage'], expiresAt: inDays(1) })
        .expect(400);
      expect(minting.body.errors[0].field).toBe('scopes');
      const long = await t
        .http()
        .post('/api/v1/api-tokens')
        .set(t.auth('evaluator'))
        .send({ name: 'x', scopes: ['insights:read'], expiresAt: inDays(400) })
        .expect(400);
      expect(long.body.errors).toEqual([expect.objectContaining({ field: 'expiresAt', code: 'INVALID_EXPIRY' })]);
      const past = await t
        .http()
        .post('/api/v1/api-tokens')
        .set(t.auth('evaluator'))
        .send({ name: 'x', scopes: ['insights:read'], expiresAt: inDays(-1) })
        .expect(400);
      expect(past.body.errors[0].field).toBe('expiresAt');
      const missing = await t
        .http()
        .post('/api/v1/api-tokens')
        .set(t.auth('evaluator'))
        .send({ name: 'x', scopes: ['insights:read'] })
        .expect(400);
      expect(missing.body.errors[0].field).toBe('expiresAt');
    });

    it('stops working when revoked or expired; others’ tokens are not found', async () => {
      const a = (
        await t
          .http()
          .post('/api/v1/api-tokens')
          .set(t.auth('officer'))
          .send({ name: 'a', scopes: ['calls:read'], expiresAt: inDays(5) })
          .expect(201)
      ).body;
      const b = (
        await t
          .http()
          .post('/api/v1/api-tokens')
          .set(t.auth('officer'))
          .send({ name: 'b', scopes: ['calls:read'], expiresAt: inDays(5) })
          .expect(201)
      ).body;
      await t.http().get('/api/v1/calls').set(bearer(a.token)).expect(200);

      await t.http().delete(`/api/v1/api-tokens/${a.id}`).set(t.auth('approver')).expect(404);
      await t.http().get('/api/v1/api-tokens').query({ userId: t.userIds.officer }).set(t.auth('approver')).expect(404);
      await t.http().delete(`/api/v1/api-tokens/${a.id}`).set(t.auth('officer')).expect(204);
      await t.http().get('/api/v1/calls').set(bearer(a.token)).expect(401);
      expect(await auditRows(t, `action = 'api_token.revoked' AND entity_id = $1`, [a.id])).toHaveLength(1);

      // an admin may revoke anyone's (a leaked token cannot wait for its owner) and list them
      const listed = await t.http().get('/api/v1/api-tokens').query({ userId: t.userIds.officer }).set(t.auth('admin')).expect(200);
      expect(listed.body.items.map((x: { name: string; status: string }) => [x.name, x.status])).toEqual([
        ['b', 'active'],
        ['a', 'revoked'],
      ]);

      await t.dataSource.query(
        `UPDATE api_token SET created_at = now() - interval '10 days', expires_at = now() - interval '1 second' WHERE id = $1`,
        [b.id],
      );
      await t.http().get('/api/v1/calls').set(bearer(b.token)).expect(401);
      await t
        .http()
        .get('/api/v1/calls')
        .set(bearer('hto_pat_' + 'x'.repeat(43)))
        .expect(401);
    });

    it('pages through tokens with the cursor', async () => {
      for (let i = 0; i < 3; i++)
        await t
          .http()
          .post('/api/v1/api-tokens')
          .set(t.auth('auditor'))
          .send({ name: `p${i}`, scopes: ['audit:read'], expiresAt: inDays(5) })
          .expect(201);
      const first = await t.http().get('/api/v1/api-tokens').query({ limit: 2 }).set(t.auth('auditor')).expect(200);
      const second = await t
        .http()
        .get('/api/v1/api-tokens')
        .query({ limit: 2, cursor: first.body.nextCursor })
        .set(t.auth('auditor'))
        .expect(200);
      expect([...first.body.items, ...second.body.items].map((x: { name: string }) => x.name)).toEqual(['p2', 'p1', 'p0']);
      expect(second.body.nextCursor).toBeNull();
    });
  });
});

describeWith('DATABASE_URL', 'identity: the login rate limit holds across API processes', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await createTestApp();
    // a second process on the same database
    b = await createTestApp({ env: { DATABASE_URL: a.config.databaseUrl } });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('counts failures made through either process', async () => {
    for (let i = 0; i < LOGIN_LIMITS.perAccountAndAddress; i++) {
      const app = i % 2 ? a : b;
      await app
        .http()
        .post('/api/v1/auth/login')
        .send({ email: 'officer@demo.local', password: `feil-${i}` })
        .expect(401);
    }
    await a.http().post('/api/v1/auth/login').send({ email: 'officer@demo.local', password: DEMO_PASSWORD }).expect(429);
    await b.http().post('/api/v1/auth/login').send({ email: 'officer@demo.local', password: DEMO_PASSWORD }).expect(429);
  });
});
