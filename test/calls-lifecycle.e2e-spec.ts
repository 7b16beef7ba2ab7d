import Bull from 'bull';
import { CALLS_QUEUE, CLOSE_DUE_EVERY_MS } from '../src/calls/call.scheduler';
import { CallsService } from '../src/calls/calls.service';
import { QueuePort } from '../src/queue/queue.port';
import { createTestApp, TestApp } from './support/app';
import { describeWith } from './support/drivers';
import { eventually } from './support/eventually';
import {
  applicantFor,
  completeDraft,
  createCall,
  createConsortium,
  createDraft,
  MunicipalityPool,
  setClock,
  submittedApplication,
} from './support/fixtures';

const DAY_MS = 86400_000;

/** A call after its closing time: closed by the system, and archived by an officer once no case under it is open. */
describe('calls: closing at the closing time, and archiving', () => {
  let t: TestApp;
  let pool: MunicipalityPool;
  let calls: CallsService;
  beforeAll(async () => {
    t = await createTestApp();
    pool = await MunicipalityPool.create(t, { excludeRegions: ['Helse Midt-Norge'] });
    calls = t.app.get(CallsService);
  });
  afterAll(() => t.close());

  const status = async (id: string) => (await t.http().get(`/api/v1/calls/${id}`).set(t.auth('officer')).expect(200)).body;
  const closed = (id: string) =>
    eventually(`call ${id} to close`, async () => (await status(id)).status === 'CLOSED', { timeoutMs: 15000 });
  const closingIn = (ms: number) => createCall(t, { closesAt: new Date(Date.now() + ms).toISOString() });

  it('closes a published call once its closing time has passed, as the system, once', async () => {
    const call = await closingIn(DAY_MS);
    const later = await closingIn(10 * DAY_MS);
    const closesAt = new Date(call.closesAt);

    // at the closing instant itself submissions are still accepted: not closed yet
    let restore = setClock(t, closesAt);
    try {
      expect(await calls.closeDue()).not.toContain(call.id);
    } finally {
      restore();
    }
    expect((await status(call.id)).status).toBe('PUBLISHED');
    // (the app's own scheduled run may close it first in this window; either way it is closed once)
    restore = setClock(t, new Date(closesAt.getTime() + 1000));
    try {
      await calls.closeDue();
      // (if the app's own run held the row just then, this run skipped it and that one commits it a moment later)
      await closed(call.id);
      expect(await status(call.id)).toMatchObject({ status: 'CLOSED', openForApplications: false });
      expect(await calls.closeDue()).not.toContain(call.id);
    } finally {
      restore();
    }
    expect((await status(later.id)).status).toBe('PUBLISHED');

    const audit = await t.dataSource.query(
      `SELECT actor_user_id, actor_label, diff FROM audit_event WHERE entity_id = $1 AND action = 'call.close'`,
      [call.id],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_user_id: null, actor_label: 'system' });
    const transitions = await t.dataSource.query(
      `SELECT from_state, to_state, event, actor_user_id, reason FROM state_transition WHERE entity_id = $1`,
      [call.id],
    );
    expect(transitions).toContainEqual({
      from_state: 'PUBLISHED',
      to_state: 'CLOSED',
      event: 'close',
      actor_user_id: null,
      reason: 'the closing time has passed',
    });
  });

  it('runs as a queued job in the worker', async () => {
    const call = await closingIn(DAY_MS);
    const restore = setClock(t, new Date(Date.now() + 2 * DAY_MS));
    try {
      const queue = t.app.get(QueuePort);
      await queue.add(CALLS_QUEUE, 'close-due', {});
      // not queue.drain(): the repeatable schedule always has its next run waiting
      await closed(call.id);
    } finally {
      restore();
    }
  });

  it('reopens a closed call with a later closing time as a new version, for officers, with a reason', async () => {
    const call = await closingIn(DAY_MS);
    const members = pool.take(2);
    const user = await applicantFor(t, members[0]);
    const consortium = await createConsortium(t, user.auth, members[0], members);
    const draft = await createDraft(t, user.auth, completeDraft(call.id, consortium.id));
    const reopen = (body: Record<string, unknown>, auth = t.auth('officer')) =>
      t.http().post(`/api/v1/calls/${call.id}/reopen`).set(auth).send(body);
    const reason = 'Søknadsportalen var nede den siste dagen før fristen.';

    const open = await reopen({ closesAt: new Date(Date.now() + 5 * DAY_MS).toISOString(), reason }).expect(409);
    expect(open.body.code).toBe('INVALID_STATE_TRANSITION');

    const afterDeadline = new Date(new Date(call.closesAt).getTime() + 3600_000);
    let restore = setClock(t, afterDeadline);
    let newClose: Date;
    try {
      await calls.closeDue();
      await closed(call.id);
      const late = await t.http().post(`/api/v1/applications/${draft.id}/submit`).set(user.auth).expect(422);
      expect(late.body.errors.map((e: { code: string }) => e.code)).toEqual(['DEADLINE_PASSED']);

      await reopen({ closesAt: new Date(afterDeadline.getTime() - 60_000).toISOString(), reason }).expect(400);
      await reopen({ closesAt: 'neste fredag', reason }).expect(400);
      await reopen({ closesAt: new Date(afterDeadline.getTime() + DAY_MS).toISOString() }).expect(400);
      await reopen({ closesAt: new Date(afterDeadline.getTime() + DAY_MS).toISOString(), reason }, user.auth).expect(403);

      newClose = new Date(afterDeadline.getTime() + 2 * DAY_MS);
      const res = await reopen({ closesAt: newClose.toISOString(), reason }).expect(200);
      expect(res.body).toMatchObject({
        status: 'PUBLISHED',
        version: call.version + 1,
        closesAt: newClose.toISOString(),
        openForApplications: true,
      });
      const versions = await t.dataSource.query(
        `SELECT version, reason, content->>'closesAt' AS closes_at FROM call_version WHERE call_id = $1 ORDER BY version`,
        [call.id],
      );
      expect(versions).toEqual([
        { version: call.version, reason: null, closes_at: call.closesAt },
        { version: call.version + 1, reason, closes_at: newClose.toISOString() },
      ]);
      const [audit] = await t.dataSource.query(
        `SELECT actor_user_id, diff FROM audit_event WHERE entity_id = $1 AND action = 'call.reopen'`,
        [call.id],
      );
      expect(audit.actor_user_id).toBe(t.userIds.officer);
      expect(JSON.stringify(audit.diff)).toContain(newClose.toISOString());

      // the draft can be submitted again until the new closing time
      await t.http().post(`/api/v1/applications/${draft.id}/submit`).set(user.auth).expect(200);
    } finally {
      restore();
    }
    // and at the new closing time the call closes again by itself
    restore = setClock(t, new Date(newClose.getTime() + 1000));
    try {
      await calls.closeDue();
      await closed(call.id);
    } finally {
      restore();
    }
  });

  it('archives a closed call only when no application under it is still in progress', async () => {
    const call = await createCall(t);
    const { application, applicant } = await submittedApplication(t, { pool, call });
    const archive = (auth = t.auth('officer')) => t.http().post(`/api/v1/calls/${call.id}/archive`).set(auth);

    const published = await archive().expect(409);
    expect(published.body.code).toBe('INVALID_STATE_TRANSITION');
    await t.http().post(`/api/v1/calls/${call.id}/close`).set(t.auth('officer')).send({ reason: 'Budsjettet er brukt opp.' }).expect(200);

    const open = await archive().expect(409);
    expect(open.body.code).toBe('CALL_HAS_OPEN_CASES');
    expect(open.body.errors).toEqual([
      { field: 'applications', code: 'APPLICATIONS_IN_PROGRESS', message: `applications still in progress: ${application.caseNumber}` },
    ]);
    expect((await status(call.id)).status).toBe('CLOSED');

    await archive(applicant.auth).expect(403);
    await t
      .http()
      .post(`/api/v1/applications/${application.id}/withdraw`)
      .set(applicant.auth)
      .send({ reason: 'Prosjektet er utsatt.' })
      .expect(200);
    const archived = await archive().expect(200);
    expect(archived.body.status).toBe('ARCHIVED');
    const audit = await t.dataSource.query(`SELECT actor_user_id FROM audit_event WHERE entity_id = $1 AND action = 'call.archive'`, [
      call.id,
    ]);
    expect(audit).toEqual([{ actor_user_id: t.userIds.officer }]);
    await archive().expect(409);
  });

  describeWith('REDIS_URL', 'the schedule on Redis', () => {
    it('is one repeatable job every minute, whichever process added it', async () => {
      const queue = new Bull(CALLS_QUEUE, process.env.REDIS_URL!, { prefix: t.config.queuePrefix });
      try {
        const jobs = await queue.getRepeatableJobs();
        expect(jobs.map((j) => ({ name: j.name, id: j.id, every: Number(j.every) }))).toEqual([
          { name: 'close-due', id: 'calls.close-due', every: CLOSE_DUE_EVERY_MS },
        ]);
      } finally {
        await queue.close();
      }
    });
  });

  describeWith('DATABASE_URL', 'two workers at once on PostgreSQL', () => {
    it('closes each due call once when two runs overlap', async () => {
      const due = await Promise.all(Array.from({ length: 6 }, () => closingIn(DAY_MS)));
      const restore = setClock(t, new Date(Date.now() + 2 * DAY_MS));
      try {
        const [a, b] = await Promise.all([calls.closeDue(), calls.closeDue()]);
        const ids = due.map((c) => c.id);
        expect(a.filter((id) => b.includes(id))).toEqual([]);
        for (const c of due) await closed(c.id);
        const counts = await t.dataSource.query(
          `SELECT count(*)::int AS n FROM state_transition WHERE event = 'close' AND entity_id = ANY($1::uuid[])`,
          [ids],
        );
        expect(counts[0].n).toBe(6);
      } finally {
        restore();
      }
    });
  });
});
