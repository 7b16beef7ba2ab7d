import { createTestApp, TestApp } from './support/app';
import {
  applicantFor,
  completeDraft,
  createCall,
  createConsortium,
  createDraft,
  MunicipalityPool,
  setClock,
  testRules,
  THIS_YEAR,
} from './support/fixtures';

/**
 * The deadline is Oslo wall-clock time, and the clock is the app's injectable Clock. Cases, with why each is clear:
 * - an ordinary summer deadline (CEST, UTC+2);
 * - 2026-03-29 03:00, the first minute after the spring-forward gap (02:00–02:59 does not exist): it is 01:00 UTC,
 *   so 00:59:59 UTC (01:59:59 CET) is in time and 01:00:01 UTC is late. Reading it as UTC+1 would move it an hour;
 * - 2026-10-25 12:00, the fall-back day after the change (CET, UTC+1): reading it as UTC+2 would move it an hour;
 * - 2026-10-25 02:30 happens twice that night; a deadline there must carry its offset, +01:00 naming the second.
 */
describe('applications: the submission deadline in Europe/Oslo', () => {
  let t: TestApp;
  let pool: MunicipalityPool;
  let restore: (() => void) | undefined;
  beforeAll(async () => {
    t = await createTestApp();
    pool = await MunicipalityPool.create(t, { excludeRegions: ['Helse Midt-Norge'] });
  });
  afterEach(() => restore?.());
  afterAll(() => t.close());

  const at = (iso: string) => {
    restore?.();
    restore = setClock(t, iso);
  };

  /** A call closing at `closesAt`, with two drafts ready; everything prepared a week before the deadline. */
  async function callClosingAt(closesAt: string, expectedUtc: string) {
    at(new Date(new Date(expectedUtc).getTime() - 7 * 86400000).toISOString());
    const call = await createCall(t, { opensAt: new Date(new Date(expectedUtc).getTime() - 30 * 86400000).toISOString(), closesAt });
    expect(call.closesAt).toBe(expectedUtc);
    const drafts = [];
    for (let i = 0; i < 2; i++) {
      const members = pool.take(2);
      const user = await applicantFor(t, members[0]);
      const consortium = await createConsortium(t, user.auth, members[0], members);
      const draft = await createDraft(t, user.auth, completeDraft(call.id, consortium.id));
      drafts.push({ id: draft.id, auth: user.auth });
    }
    return { call, before: drafts[0], after: drafts[1] };
  }

  const submitAt = async (when: string, d: { id: string; auth: { Authorization: string } }) => {
    at(when);
    return t.http().post(`/api/v1/applications/${d.id}/submit`).set(d.auth);
  };

  it('an ordinary deadline: one second before is accepted, one second after is refused and nothing is numbered', async () => {
    const { before, after } = await callClosingAt('2026-06-15T12:00', '2026-06-15T10:00:00.000Z');
    const ok = await submitAt('2026-06-15T09:59:59Z', before);
    expect(ok.status).toBe(200);
    expect(ok.body.submittedAt).toBe('2026-06-15T09:59:59.000Z');
    const late = await submitAt('2026-06-15T10:00:01Z', after);
    expect(late.status).toBe(422);
    expect(late.body.detail).toBe(
      'The application cannot be submitted: the deadline was 2026-06-15 12:00 Oslo time; the call no longer accepts submissions.',
    );
    expect(late.body.errors).toEqual([
      {
        field: 'call.closesAt',
        code: 'DEADLINE_PASSED',
        message: 'the deadline was 2026-06-15 12:00 Oslo time; the call no longer accepts submissions',
      },
    ]);
    const view = await t.http().get(`/api/v1/applications/${after.id}`).set(after.auth).expect(200);
    expect(view.body).toMatchObject({ status: 'DRAFT', caseNumber: null });
    // the validation endpoint tells the same by then
    const v = await t.http().get(`/api/v1/applications/${after.id}/validation`).set(after.auth).expect(200);
    expect(v.body.problems.map((p: { code: string }) => p.code)).toEqual(['DEADLINE_PASSED']);
  });

  it('spring forward: a deadline of 03:00 on 2026-03-29 is 01:00 UTC (CEST), not 02:00', async () => {
    const { before, after } = await callClosingAt('2026-03-29T03:00', '2026-03-29T01:00:00.000Z');
    expect((await submitAt('2026-03-29T00:59:59Z', before)).status).toBe(200); // 01:59:59 CET, the last second before the gap
    const late = await submitAt('2026-03-29T01:00:01Z', after); // 03:00:01 CEST
    expect(late.status).toBe(422);
    expect(late.body.errors[0]).toMatchObject({
      code: 'DEADLINE_PASSED',
      message: 'the deadline was 2026-03-29 03:00 Oslo time; the call no longer accepts submissions',
    });
  });

  it('fall back: a deadline of 12:00 on 2026-10-25 is 11:00 UTC (CET), not 10:00', async () => {
    const { before, after } = await callClosingAt('2026-10-25T12:00', '2026-10-25T11:00:00.000Z');
    expect((await submitAt('2026-10-25T10:59:59Z', before)).status).toBe(200);
    expect((await submitAt('2026-10-25T11:00:01Z', after)).status).toBe(422);
  });

  it('the repeated hour: 02:30+01:00 is the second 02:30 of the night; the first 02:30 (CEST) is still in time', async () => {
    const { before, after } = await callClosingAt('2026-10-25T02:30:00+01:00', '2026-10-25T01:30:00.000Z');
    // 01:29:59 UTC is 02:29:59 CET, after the wall clock first showed 02:30 (at 00:30 UTC, CEST)
    expect((await submitAt('2026-10-25T01:29:59Z', before)).status).toBe(200);
    expect((await submitAt('2026-10-25T01:30:01Z', after)).status).toBe(422);
  });

  it('a resubmission after New Year keeps the grant share of the year the application was first submitted', async () => {
    const y = THIS_YEAR;
    const call = await createCall(t, {
      closesAt: `${y + 1}-01-15T12:00`,
      rules: testRules('INNFORING', {
        grantShareByYear: [
          { year: y, maxShareBp: 5000 },
          { year: y + 1, maxShareBp: 4000 },
        ],
      }),
    });
    const members = pool.take(2);
    const user = await applicantFor(t, members[0]);
    const consortium = await createConsortium(t, user.auth, members[0], members);
    const draft = await createDraft(t, user.auth, completeDraft(call.id, consortium.id)); // asks for 50 %
    expect((await submitAt(`${y}-12-31T12:00:00Z`, { id: draft.id, auth: user.auth })).status).toBe(200);
    await t.http().post(`/api/v1/applications/${draft.id}/return`).set(t.auth('officer')).send({ reason: 'Mangler signatur' }).expect(200);
    await t.http().patch(`/api/v1/applications/${draft.id}`).set(user.auth).send({ purpose: 'Bedre samhandling, signert.' }).expect(200);
    const again = await submitAt(`${y + 1}-01-02T12:00:00Z`, { id: draft.id, auth: user.auth });
    expect([again.status, again.body.errors]).toEqual([200, undefined]);
    expect(again.body).toMatchObject({ status: 'SUBMITTED', version: 2 });
  });

  it("the case number's year is the Oslo year of the submission: 23:30 UTC on New Year's Eve is next year", async () => {
    const { before } = await callClosingAt('2027-01-15T12:00', '2027-01-15T11:00:00.000Z');
    const res = await submitAt('2026-12-31T23:30:00Z', before);
    expect(res.status).toBe(200);
    expect(res.body.caseNumber).toBe('2027/00001');
  });
});
