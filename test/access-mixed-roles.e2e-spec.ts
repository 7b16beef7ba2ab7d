import { randomUUID } from 'node:crypto';
import { defineWorkflow, WorkflowEngine } from '../src/workflow/workflow';
import { createTestApp, TestApp } from './support/app';
import { login } from './support/auth';
import { describeWith } from './support/drivers';
import { Actor } from '../src/common/actor';

describe('access control: mixed roles, refresh races, the workflow helper', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const bergen = async () => (await t.dataSource.query(`SELECT id FROM organisation WHERE municipality_number = '4601'`))[0].id as string;

  describe('an applicant who also holds another role', () => {
    let oslo: { id: string; name: string };
    let own: { id: string };
    const userWith = async (roles: string[], email: string) => {
      const res = await t
        .http()
        .post('/api/v1/users')
        .set(t.auth('admin'))
        .send({ email, displayName: email, roles, organisationIds: [await bergen()] })
        .expect(201);
      return { Authorization: `Bearer ${await t.tokenForUser(res.body.id)}` };
    };

    beforeAll(async () => {
      oslo = (
        await t
          .http()
          .post('/api/v1/consortia')
          .set(t.auth('applicant2'))
          .send({ name: 'Oslo og omegn', leadMunicipality: '0301', members: ['0301', '3201'] })
          .expect(201)
      ).body;
      own = (
        await t
          .http()
          .post('/api/v1/consortia')
          .set(t.auth('applicant'))
          .send({ name: 'Bergen og omegn', leadMunicipality: '4601', members: ['4601', '4631'] })
          .expect(201)
      ).body;
    });

    it('applicant + assessor: the assessor role grants no consortium access, so other consortia stay unknown (404)', async () => {
      const auth = await userWith(['applicant', 'assessor'], 'soker-fagkyndig@demo.local');
      await t.http().get(`/api/v1/consortia/${oslo.id}`).set(auth).expect(404);
      await t.http().patch(`/api/v1/consortia/${oslo.id}`).set(auth).send({ name: 'Overtatt' }).expect(404);
      const list = await t.http().get('/api/v1/consortia').set(auth).expect(200);
      expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([own.id]);
      await t.http().get(`/api/v1/consortia/${own.id}`).set(auth).expect(200);
    });

    it('applicant + evaluator: may read every consortium (as evaluator) but change only its own (as applicant)', async () => {
      const auth = await userWith(['applicant', 'evaluator'], 'soker-evaluator@demo.local');
      await t.http().get(`/api/v1/consortia/${oslo.id}`).set(auth).expect(200);
      const patch = await t.http().patch(`/api/v1/consortia/${oslo.id}`).set(auth).send({ name: 'Overtatt' }).expect(403);
      expect(patch.body.code).toBe('NOT_YOUR_CONSORTIUM');
      const create = await t
        .http()
        .post('/api/v1/consortia')
        .set(auth)
        .send({ name: 'Ikke min', leadMunicipality: '0301', members: ['0301', '3203'] })
        .expect(403);
      expect(create.body.code).toBe('NOT_YOUR_CONSORTIUM');
      expect((await t.http().get(`/api/v1/consortia/${oslo.id}`).set(t.auth('applicant2')).expect(200)).body.name).toBe('Oslo og omegn');
      await t.http().patch(`/api/v1/consortia/${own.id}`).set(auth).send({ name: 'Bergen og nabokommuner' }).expect(200);
    });

    it('applicant + officer: the officer role changes any consortium', async () => {
      const auth = await userWith(['applicant', 'officer'], 'soker-saksbehandler@demo.local');
      await t.http().patch(`/api/v1/consortia/${oslo.id}`).set(auth).send({ name: 'Oslo og omegn (rettet)' }).expect(200);
    });
  });

  describe('the workflow helper', () => {
    const flow = defineWorkflow({
      entityType: 'review_case',
      table: 'review_case',
      states: ['OPEN', 'DONE'] as const,
      transitions: { finish: { from: ['OPEN'], to: 'DONE', roles: ['officer'] } },
    });
    let engine: WorkflowEngine;
    let officer: Actor;
    beforeAll(async () => {
      engine = t.app.get(WorkflowEngine);
      officer = { userId: t.userIds.officer, email: 'officer@demo.local', roles: ['officer'], organisationIds: [], via: 'session' };
      await t.dataSource.query(
        `CREATE TABLE review_case (id uuid PRIMARY KEY, status text NOT NULL, note text, updated_at timestamptz NOT NULL DEFAULT now())`,
      );
    });

    it('answers 404 for an id that is not a UUID (not a 400 from the database)', async () => {
      await expect(t.dataSource.transaction((m) => engine.transition(m, flow, 'not-a-uuid', 'finish', officer))).rejects.toMatchObject({
        status: 404,
        code: 'NOT_FOUND',
      });
    });

    it('refuses extra columns that are not plain identifiers, or that would overwrite the state or the id', async () => {
      const id = randomUUID();
      await t.dataSource.query(`INSERT INTO review_case (id, status) VALUES ($1, 'OPEN')`, [id]);
      for (const set of [{ 'note = NULL, status': 'DONE' }, { 'note"': 'x' }, { status: 'OPEN' }, { id: randomUUID() }]) {
        await expect(t.dataSource.transaction((m) => engine.transition(m, flow, id, 'finish', officer, { set }))).rejects.toThrow(/column/);
      }
      expect((await t.dataSource.query(`SELECT status FROM review_case WHERE id = $1`, [id]))[0].status).toBe('OPEN');
      await t.dataSource.transaction((m) => engine.transition(m, flow, id, 'finish', officer, { set: { note: 'ferdig' } }));
      expect((await t.dataSource.query(`SELECT status, note FROM review_case WHERE id = $1`, [id]))[0]).toEqual({
        status: 'DONE',
        note: 'ferdig',
      });
    });
  });

  describeWith('DATABASE_URL', 'refresh races on PostgreSQL', () => {
    it('lets exactly one of several concurrent refreshes of the same token succeed, and treats the others as reuse', async () => {
      const pair = await login(t, 'officer@demo.local');
      const results = await Promise.all(
        Array.from({ length: 5 }, () => t.http().post('/api/v1/auth/refresh').send({ refreshToken: pair.refreshToken })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401]);
      // the losers presented a token that had just been used: the whole session is revoked, the winner's new pair included
      const winner = results.find((r) => r.status === 200)!.body;
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken: winner.refreshToken }).expect(401);
      await t
        .http()
        .get('/api/v1/me')
        .set({ Authorization: `Bearer ${winner.accessToken}` })
        .expect(401);
    });
  });
});
