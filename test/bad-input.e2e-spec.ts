import { createTestApp, TestApp } from './support/app';
import { createCall, createConsortium, createDraft } from './support/fixtures';

/** Input a client can send on purpose or by mistake: always a 4xx problem naming what is wrong, never a 500. */
describe('bad input is a 4xx problem, never a 500', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const cursor = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString('base64url');
  const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString();
  const expectProblem = (res: { status: number; headers: Record<string, string>; body: { status?: number } }, status = 400) => {
    expect({ status: res.status, type: res.headers['content-type'] }).toEqual({
      status,
      type: expect.stringMatching(/^application\/problem\+json/),
    });
    expect(res.body.status).toBe(status);
  };
  const fields = (res: { body: { errors?: Array<{ field: string; code: string }> } }) =>
    (res.body.errors ?? []).map((e) => `${e.field}:${e.code}`);

  it('a hand-made cursor whose values have the wrong type', async () => {
    for (const [path, role] of [
      ['/api/v1/api-tokens', 'officer'],
      ['/api/v1/consortia', 'officer'],
    ] as const) {
      for (const key of [
        ['not a time', 'not a uuid'],
        [{}, null],
      ]) {
        const res = await t
          .http()
          .get(path)
          .query({ cursor: cursor(key) })
          .set(t.auth(role));
        expectProblem(res);
      }
    }
    expectProblem(
      await t
        .http()
        .get('/api/v1/audit')
        .query({ cursor: cursor(['1e99']) })
        .set(t.auth('auditor')),
    );
    // short lists paged in memory, and an application's versions (keyed by a whole number)
    for (const key of [[{}], [null], ['JOURNAL', 'extra']]) {
      expectProblem(
        await t
          .http()
          .get('/api/v1/technology-areas')
          .query({ cursor: cursor(key) })
          .set(t.auth('officer')),
      );
    }
    const call = await createCall(t);
    const consortium = await createConsortium(t, t.auth('applicant'), '4601', ['4601', '4631']);
    const draft = await createDraft(t, t.auth('applicant'), { callId: call.id, consortiumId: consortium.id, title: 'Markørprøve' });
    const versions = (key: unknown[]) =>
      t
        .http()
        .get(`/api/v1/applications/${draft.id}/versions`)
        .query({ cursor: cursor(key) })
        .set(t.auth('officer'));
    for (const key of [['abc'], [1.5], [null], [{}]]) expectProblem(await versions(key));
  });

  it('any hand-made cursor on any list: a page or a 400, never a 500', async () => {
    const lists = [
      ['/api/v1/municipalities', 'officer'],
      ['/api/v1/organisations', 'officer'],
      ['/api/v1/consortia', 'officer'],
      ['/api/v1/calls', 'officer'],
      ['/api/v1/applications', 'officer'],
      ['/api/v1/users', 'admin'],
      ['/api/v1/api-tokens', 'officer'],
      ['/api/v1/audit', 'auditor'],
      ['/api/v1/notifications', 'officer'],
      ['/api/v1/me/notifications', 'officer'],
      ['/api/v1/schemes', 'officer'],
      ['/api/v1/technology-areas', 'officer'],
      ['/api/v1/direct-allocations', 'officer'],
      ['/api/v1/me/assignments', 'officer'],
    ] as const;
    const keys: unknown[][] = [
      [{}],
      [null],
      ['x'],
      [-1],
      [1e308],
      ['x', 'y'],
      [1, 2],
      ['2025-01-01T00:00:00Z', 'not-a-uuid'],
      [[1], [2]],
      ['2025-13-45T99:00:00Z', '00000000-0000-4000-8000-000000000000'],
      [1, 2, 3],
    ];
    for (const [path, role] of lists) {
      for (const key of keys) {
        const res = await t
          .http()
          .get(path)
          .query({ cursor: cursor(key) })
          .set(t.auth(role));
        const seen = { path, key: JSON.stringify(key), status: res.status };
        expect(seen).toEqual({ ...seen, status: res.status < 300 ? 200 : 400 });
        if (res.status === 200) expect(Array.isArray(res.body.items)).toBe(true);
        else expectProblem(res);
      }
    }
  });

  it('ISO 8601 forms the database cannot read (week dates) in audit filters and token expiry', async () => {
    const audit = await t.http().get('/api/v1/audit').query({ from: '2025-W01', to: '2025-W02-3' }).set(t.auth('auditor'));
    expectProblem(audit);
    expect(fields(audit).sort()).toEqual(['from:IS_ISO8601', 'to:IS_ISO8601']);
    const token = await t
      .http()
      .post('/api/v1/api-tokens')
      .set(t.auth('officer'))
      .send({ name: 'skript', scopes: ['calls:read'], expiresAt: '2026-W50' });
    expectProblem(token);
    expect(fields(token)).toEqual(['expiresAt:IS_ISO8601']);
    // the forms people use still work
    await t.http().get('/api/v1/audit').query({ from: '2025-03-01', to: '2030-03-01T12:00:00+01:00' }).set(t.auth('auditor')).expect(200);
  });

  it('blank names: refused by field, not by a database constraint nor stored empty', async () => {
    const res = await t
      .http()
      .post('/api/v1/api-tokens')
      .set(t.auth('officer'))
      .send({ name: '   ', scopes: ['calls:read'], expiresAt: tomorrow() });
    expectProblem(res);
    expect(fields(res)).toEqual(['name:MATCHES']);
    const created = await t
      .http()
      .post('/api/v1/users')
      .set(t.auth('admin'))
      .send({ email: 'blank@demo.local', displayName: '  ', roles: ['officer'] });
    expect(fields(created)).toEqual(['displayName:MATCHES']);
    const renamed = await t.http().patch(`/api/v1/users/${t.userIds.officer}`).set(t.auth('admin')).send({ displayName: '\t' });
    expect(fields(renamed)).toEqual(['displayName:MATCHES']);
  });

  it('text the database cannot store as sent: NUL characters and broken surrogate pairs, in body, query and field names', async () => {
    const user = await t
      .http()
      .post('/api/v1/users')
      .set(t.auth('admin'))
      .send({ email: 'nul@demo.local', displayName: 'Kari\u0000Nordmann', roles: ['officer'] });
    expectProblem(user);
    expect(fields(user)).toEqual(['displayName:INVALID_TEXT']);
    const consortium = await t
      .http()
      .post('/api/v1/consortia')
      .set(t.auth('applicant'))
      .send({ name: 'Vest\u0000', leadMunicipality: '4601', members: ['4601', '4631'] });
    expect(fields(consortium)).toEqual(['name:INVALID_TEXT']);
    // JSON may carry an unpaired surrogate as an escape; PostgreSQL would quietly store U+FFFD instead
    const surrogate = await t
      .http()
      .post('/api/v1/users')
      .set(t.auth('admin'))
      .set('Content-Type', 'application/json')
      .send('{"email":"halv@demo.local","displayName":"Ola \\ud83d","roles":["officer"]}');
    expect(fields(surrogate)).toEqual(['displayName:INVALID_TEXT']);
    const key = await t
      .http()
      .post('/api/v1/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"email":"a@demo.local","password":"x","\\u0000":1}');
    expect(fields(key)).toEqual(['\u0000:INVALID_TEXT']);
    const query = await t.http().get('/api/v1/users').query({ q: 'a\u0000' }).set(t.auth('admin'));
    expect(fields(query)).toEqual(['q:INVALID_TEXT']);
    expect(
      (await t.dataSource.query(`SELECT count(*)::int AS n FROM app_user WHERE email IN ('nul@demo.local', 'halv@demo.local')`))[0].n,
    ).toBe(0);
  });

  it('absurdly nested JSON (which would overflow the stack while being converted)', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const res = await t
      .http()
      .post('/api/v1/users')
      .set(t.auth('admin'))
      .set('Content-Type', 'application/json')
      .send(`{"email":"a@demo.local","displayName":"x","roles":${deep}}`);
    expectProblem(res);
    expect(res.body.errors[0]).toMatchObject({ field: expect.stringMatching(/^roles(\[0\])+$/), code: 'TOO_DEEPLY_NESTED' });
    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .set('Content-Type', 'application/json')
      .send(`{"email":"a@demo.local","password":"x","extra":${deep}}`);
    expectProblem(login);
  });

  it('still accepts ordinary non-ASCII text, emoji included', async () => {
    const res = await t
      .http()
      .post('/api/v1/users')
      .set(t.auth('admin'))
      .send({ email: 'aase@demo.local', displayName: 'Åse Ødegård 😀', roles: ['officer'] })
      .expect(201);
    expect(res.body.displayName).toBe('Åse Ødegård 😀');
  });
});
