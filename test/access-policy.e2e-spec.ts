import { ApplicationPolicy } from '../src/applications/application.policy';
import { createTestApp, TestApp } from './support/app';
import { describeWith } from './support/drivers';
import {
  Auth,
  createCall,
  createConsortium,
  createDraft,
  completeDraft,
  MunicipalityPool,
  pdfBytes,
  setClock,
  submittedApplication,
} from './support/fixtures';

/** Polls a condition (no fixed sleep): resolves once it holds, fails after `ms`. */
async function until(what: string, condition: () => Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('one access policy per resource, and what comes next', () => {
  let t: TestApp;
  let pool: MunicipalityPool;
  beforeAll(async () => {
    t = await createTestApp();
    pool = await MunicipalityPool.create(t);
  });
  afterAll(() => t.close());

  it('an assessor reads an application only through an active assignment after declaring no conflict (a grant a higher module registers)', async () => {
    // what assessment/ registers at onModuleInit, over its own table, by SQL text
    await t.dataSource.query(
      `CREATE TABLE test_assignment (application_id uuid NOT NULL, assessor_id uuid NOT NULL, active boolean NOT NULL, conflict text NOT NULL)`,
    );
    t.app
      .get(ApplicationPolicy)
      .grant(
        'read',
        'assessor',
        (a, actor, bind) =>
          `EXISTS (SELECT 1 FROM test_assignment x WHERE x.application_id = ${a}.id AND x.assessor_id = ${bind(actor.userId)} AND x.active AND x.conflict = 'NONE')`,
      );
    const { application } = await submittedApplication(t, { pool });
    const other = await submittedApplication(t, { pool });
    const assessor = t.auth('assessor');
    const listed = async () =>
      (await t.http().get('/api/v1/applications').set(assessor).expect(200)).body.items.map((a: { id: string }) => a.id);

    await t.http().get(`/api/v1/applications/${application.id}`).set(assessor).expect(404);
    expect(await listed()).toEqual([]);
    await t.dataSource.query(`INSERT INTO test_assignment VALUES ($1, $2, true, 'UNDECLARED')`, [application.id, t.userIds.assessor]);
    await t.http().get(`/api/v1/applications/${application.id}`).set(assessor).expect(404);

    await t.dataSource.query(`UPDATE test_assignment SET conflict = 'NONE'`);
    const seen = await t.http().get(`/api/v1/applications/${application.id}`).set(assessor).expect(200);
    // reading was granted, personal data was not
    expect(seen.body.personalDataWithheld).toBe(true);
    expect(seen.body.content.contactPersons).toEqual([]);
    expect(await listed()).toEqual([application.id]);
    await t.http().get(`/api/v1/applications/${other.application.id}`).set(t.auth('assessor2')).expect(404);
    await t.http().get(`/api/v1/applications/${application.id}`).set(t.auth('assessor2')).expect(404);

    await t.dataSource.query(`UPDATE test_assignment SET active = false`);
    await t.http().get(`/api/v1/applications/${application.id}`).set(assessor).expect(404);
    expect(await listed()).toEqual([]);
  });

  it('an evaluator reads applications without personal data; officers and the applicant see the contact persons', async () => {
    const { application, applicant } = await submittedApplication(t, { pool });
    const evaluator = await t.http().get(`/api/v1/applications/${application.id}`).set(t.auth('evaluator')).expect(200);
    expect(evaluator.body.personalDataWithheld).toBe(true);
    expect(evaluator.body.content.contactPersons).toEqual([]);
    expect(JSON.stringify(evaluator.body)).not.toMatch(/@/);
    const version = await t.http().get(`/api/v1/applications/${application.id}/versions/1`).set(t.auth('evaluator')).expect(200);
    expect(version.body).toMatchObject({ personalDataWithheld: true, content: { contactPersons: [] } });
    // the hash names the stored version, so it is the same for every reader
    expect(version.body.contentSha256).toBe(evaluator.body.contentSha256);

    for (const auth of [t.auth('officer'), applicant.auth]) {
      const full = await t.http().get(`/api/v1/applications/${application.id}`).set(auth).expect(200);
      expect(full.body.personalDataWithheld).toBeUndefined();
      expect(full.body.content.contactPersons.length).toBeGreaterThan(0);
      expect(full.body.content.contactPersons[0].email).toMatch(/@/);
      expect(full.body.contentSha256).toBe(evaluator.body.contentSha256);
    }
  });

  describe("another applicant's request is a 404 whatever its body (access is checked before the body)", () => {
    let app: { id: string };
    let consortium: { id: string };
    let owner: Auth;
    beforeAll(async () => {
      const s = await submittedApplication(t, { pool });
      consortium = s.consortium;
      owner = s.applicant.auth;
      const call = await createCall(t);
      app = await createDraft(t, owner, completeDraft(call.id, consortium.id));
    });

    it('PATCH of a draft with an invalid body: 404 for a stranger, 400 for the owner', async () => {
      const invalid = { title: 42, budgetLines: 'many', unknownField: true };
      const stranger = await t.http().patch(`/api/v1/applications/${app.id}`).set(t.auth('applicant2')).send(invalid).expect(404);
      expect(stranger.body.code).toBe('NOT_FOUND');
      const valid = await t.http().patch(`/api/v1/applications/${app.id}`).set(t.auth('applicant2')).send({ title: 'Kapret' }).expect(404);
      expect({ ...stranger.body, instance: undefined, requestId: undefined }).toEqual({
        ...valid.body,
        instance: undefined,
        requestId: undefined,
      });
      await t.http().patch(`/api/v1/applications/${app.id}`).set(owner).send(invalid).expect(400);
    });

    it('withdraw, versions and the consortium PATCH with invalid input: 404 for a stranger too', async () => {
      await t.http().post(`/api/v1/applications/${app.id}/withdraw`).set(t.auth('applicant2')).send({ reason: 7, extra: 1 }).expect(404);
      await t.http().get(`/api/v1/applications/${app.id}/versions/abc`).set(t.auth('applicant2')).expect(404);
      await t.http().get(`/api/v1/applications/${app.id}/versions?limit=-1`).set(t.auth('applicant2')).expect(404);
      await t.http().patch(`/api/v1/consortia/${consortium.id}`).set(t.auth('applicant2')).send({ members: 'x' }).expect(404);
      await t.http().patch(`/api/v1/consortia/${consortium.id}`).set(owner).send({ members: 'x' }).expect(400);
    });
  });

  it('audit entries, edits and attachment removals take their time from the Clock', async () => {
    const consortium = await createConsortium(t, t.auth('applicant'), '4601', ['4601', ...pool.take(1)]);
    const call = await createCall(t);
    const draft = await createDraft(t, t.auth('applicant'), completeDraft(call.id, consortium.id));
    const uploaded = await t
      .http()
      .post(`/api/v1/applications/${draft.id}/attachments`)
      .set(t.auth('applicant'))
      .attach('file', pdfBytes(), 'plan.pdf')
      .expect(201);
    // a submitted attachment is only marked removed from the draft (one never submitted is deleted)
    await t.http().post(`/api/v1/applications/${draft.id}/submit`).set(t.auth('applicant')).expect(200);
    await t.http().post(`/api/v1/applications/${draft.id}/return`).set(t.auth('officer')).send({ reason: 'Mangler vedlegg' }).expect(200);
    const at = '2031-02-03T04:05:06.000Z';
    const restore = setClock(t, at);
    try {
      const edited = await t.http().patch(`/api/v1/applications/${draft.id}`).set(t.auth('applicant')).send({}).expect(200);
      expect(edited.body.updatedAt).toBe(at);
      await t.http().delete(`/api/v1/applications/${draft.id}/attachments/${uploaded.body.id}`).set(t.auth('applicant')).expect(204);
    } finally {
      restore();
    }
    const [removed] = await t.dataSource.query(`SELECT removed_at FROM application_attachment WHERE id = $1`, [uploaded.body.id]);
    expect(new Date(removed.removed_at).toISOString()).toBe(at);
    const audited = await t.dataSource.query(
      `SELECT action, occurred_at FROM audit_event WHERE entity_id = $1 AND action IN ('application.updated', 'application.attachment_removed') ORDER BY seq`,
      [draft.id],
    );
    expect(audited.map((r: { action: string; occurred_at: Date }) => [r.action, new Date(r.occurred_at).toISOString()])).toEqual([
      ['application.updated', at],
      ['application.attachment_removed', at],
    ]);
  });
});

describeWith('DATABASE_URL', 'consortium changes read the row under its lock', () => {
  let t: TestApp;
  let pool: MunicipalityPool;
  beforeAll(async () => {
    t = await createTestApp();
    pool = await MunicipalityPool.create(t);
  });
  afterAll(() => t.close());

  it('two concurrent PATCHes changing different fields both survive', async () => {
    const [lead, second, added] = pool.take(3);
    const auth = t.auth('officer');
    const c = await createConsortium(t, auth, lead, [lead, second], 'Før');
    // hold the row so both requests are in flight at once, then let them go one after the other
    const blocker = t.dataSource.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    try {
      await blocker.query(`SELECT id FROM consortium WHERE id = $1 FOR UPDATE`, [c.id]);
      const renamed = t
        .http()
        .patch(`/api/v1/consortia/${c.id}`)
        .set(auth)
        .send({ name: 'Nytt navn' })
        .then((r) => r);
      const grown = t
        .http()
        .patch(`/api/v1/consortia/${c.id}`)
        .set(auth)
        .send({ members: [lead, second, added] })
        .then((r) => r);
      await until('both requests wait for the row lock', async () => {
        const [{ n }] = await t.dataSource.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%consortium%'`,
        );
        return n === 2;
      });
      await blocker.commitTransaction();
      expect((await renamed).status).toBe(200);
      expect((await grown).status).toBe(200);
    } finally {
      if (blocker.isTransactionActive) await blocker.rollbackTransaction();
      await blocker.release();
    }
    const after = (await t.http().get(`/api/v1/consortia/${c.id}`).set(auth).expect(200)).body;
    expect(after.name).toBe('Nytt navn');
    expect(after.members.map((m: { municipalityNumber: string }) => m.municipalityNumber).sort()).toEqual([lead, second, added].sort());
    expect(after.version).toBe((c as unknown as { version: number }).version + 2);
  });
});
