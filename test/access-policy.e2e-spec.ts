import { ApplicationPolicy } from '../src/applications/application.policy';
import { createTestApp, TestApp } from './support/app';
import {
  applicantOfOrganisation,
  Auth,
  createCall,
  createDraft,
  completeDraft,
  MunicipalityPool,
  submittedApplication,
} from './support/fixtures';

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

    it("a member's applicant who is not the lead's reads, and is refused a change with consent's 403 before its body is read", async () => {
      const [{ lead_organisation_id: lead }] = await t.dataSource.query(`SELECT lead_organisation_id FROM consortium WHERE id = $1`, [
        consortium.id,
      ]);
      const [{ organisation_id: memberOrg }] = await t.dataSource.query(
        `SELECT organisation_id FROM consortium_member WHERE consortium_id = $1 AND organisation_id <> $2 LIMIT 1`,
        [consortium.id, lead],
      );
      const member = (await applicantOfOrganisation(t, memberOrg)).auth;
      await t.http().get(`/api/v1/applications/${app.id}`).set(member).expect(200);
      for (const body of [{ title: 42, unknownField: true }, { title: 'Overtatt' }]) {
        const res = await t.http().patch(`/api/v1/applications/${app.id}`).set(member).send(body).expect(403);
        expect(res.body.code).toBe('ONLY_LEAD_ACTS_FOR_CONSORTIUM');
        const c = await t.http().patch(`/api/v1/consortia/${consortium.id}`).set(member).send(body).expect(403);
        expect(c.body.code).toBe('ONLY_LEAD_ACTS_FOR_CONSORTIUM');
      }
      const w = await t.http().post(`/api/v1/applications/${app.id}/withdraw`).set(member).send({ reason: 7 }).expect(403);
      expect(w.body.code).toBe('ONLY_LEAD_ACTS_FOR_CONSORTIUM');
    });
  });
});
