import { Client } from 'pg';
import { CaseJournal } from '../src/applications/case-journal.service';
import { createTestApp, TestApp } from './support/app';
import { describeWith } from './support/drivers';
import { untilBlockedBy } from './support/eventually';
import {
  applicantFor,
  Auth,
  completeDraft,
  createCall,
  createConsortium,
  createDraft,
  MunicipalityPool,
  submittedApplication,
} from './support/fixtures';

/** Case numbers and "one application per municipality per call" under concurrent submissions. */
describe('applications: concurrent submissions', () => {
  let t: TestApp;
  let pool: MunicipalityPool;
  beforeAll(async () => {
    t = await createTestApp();
    pool = await MunicipalityPool.create(t, { excludeRegions: ['Helse Midt-Norge'] });
  });
  afterAll(() => t.close());

  async function draftFor(
    call: { id: string },
    members = pool.take(2),
    title = 'Samtidig søknad',
  ): Promise<{ id: string; auth: Auth; members: string[] }> {
    const user = await applicantFor(t, members[0]);
    const consortium = await createConsortium(t, user.auth, members[0], members);
    const draft = await createDraft(t, user.auth, completeDraft(call.id, consortium.id, 'INNFORING', { title }));
    return { id: draft.id, auth: user.auth, members };
  }
  const submit = (d: { id: string; auth: Auth }) => t.http().post(`/api/v1/applications/${d.id}/submit`).set(d.auth);

  it('50 concurrent submissions in one call get 50 distinct, gap-free case numbers, even when some roll back after taking one', async () => {
    const call = await createCall(t);
    const drafts: Array<{ id: string; auth: Auth; members: string[] }> = [];
    for (let i = 0; i < 50; i++) drafts.push(await draftFor(call, pool.take(2), i % 7 === 3 ? 'Krasjer etter nummer' : 'Samtidig søknad'));

    // a failure after the number is taken (here: journalling) rolls the number back with everything else
    const journal = t.app.get(CaseJournal);
    const record = journal.record.bind(journal);
    const spy = jest.spyOn(journal, 'record').mockImplementation(async (m, caseNumber, e) => {
      if (e.title.includes('Krasjer etter nummer')) throw new Error('simulated crash after the case number was taken');
      return record(m, caseNumber, e);
    });
    const first = await Promise.all(drafts.map(submit));
    spy.mockRestore();
    const crashed = drafts.filter((_, i) => first[i].status === 500);
    expect(crashed).toHaveLength(7);
    expect(first.filter((r) => r.status === 200)).toHaveLength(43);
    const retried = await Promise.all(crashed.map(submit));
    expect(retried.map((r) => r.status)).toEqual(crashed.map(() => 200));

    const numbers = [...first.filter((r) => r.status === 200), ...retried].map((r) => r.body.caseNumber as string);
    const year = new Date().getUTCFullYear();
    expect(new Set(numbers).size).toBe(50);
    expect(numbers.sort()).toEqual(Array.from({ length: 50 }, (_, i) => `${year}/${String(i + 1).padStart(5, '0')}`));
    const [{ last_number }] = await t.dataSource.query(`SELECT last_number FROM case_number_counter WHERE year = $1`, [year]);
    expect(last_number).toBe(50);
    // every case has its inbound entry -1, and no journal entry belongs to a rolled-back number
    const entries: Array<{ case_number: string; seq: number }> = await t.dataSource.query(
      `SELECT case_number, seq FROM journal_entry WHERE case_number = ANY($1)`,
      [numbers],
    );
    expect(entries).toHaveLength(50);
    expect(new Set(entries.map((e) => `${e.case_number}-${e.seq}`)).size).toBe(50);
  });

  it('the same municipality in two applications of one call, submitted at once: exactly one succeeds', async () => {
    const call = await createCall(t);
    for (let round = 0; round < 5; round++) {
      const [shared, a, b] = pool.take(3);
      const one = await draftFor(call, [a, shared]);
      const two = await draftFor(call, [b, shared]);
      const results = await Promise.all([submit(one), submit(two)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 422]);
      const winner = results.find((r) => r.status === 200)!;
      const loser = results.find((r) => r.status === 422)!;
      const loserDraft = results[0] === loser ? one : two;
      const view = await t.http().get(`/api/v1/applications/${loserDraft.id}`).set(loserDraft.auth).expect(200);
      const index = view.body.content.consortium.members.findIndex((m: { municipalityNumber: string }) => m.municipalityNumber === shared);
      const name = view.body.content.consortium.members[index].name.replace(/ kommune$/, '');
      expect(loser.body.errors).toEqual([
        {
          field: `consortium.members[${index}]`,
          code: 'MUNICIPALITY_ALREADY_APPLIED',
          message: `${name} (${shared}) is already a member of application ${winner.body.caseNumber} in this call`,
        },
      ]);
      expect(view.body).toMatchObject({ status: 'DRAFT', caseNumber: null });
      const held = await t.dataSource.query(
        `SELECT application_id FROM application_municipality WHERE call_id = $1 AND municipality_number = $2`,
        [call.id, shared],
      );
      expect(held).toEqual([{ application_id: winner.body.id }]);
    }
  });

  describeWith('DATABASE_URL', 'on PostgreSQL, the database decides a race the validation could not see', () => {
    it('a submission blocked by an uncommitted holder of its municipality waits, then is refused naming it', async () => {
      const call = await createCall(t);
      const holder = await submittedApplication(t, { pool, call });
      const [shared, other] = pool.take(2);
      const racer = await draftFor(call, [other, shared]);

      // another submission, mid-transaction, holds the municipality but has not committed: validation cannot see it
      const client = new Client({ connectionString: t.config.databaseUrl });
      await client.connect();
      try {
        await client.query('BEGIN');
        await client.query(`INSERT INTO application_municipality (call_id, municipality_number, application_id) VALUES ($1, $2, $3)`, [
          call.id,
          shared,
          holder.application.id,
        ]);
        const pending = submit(racer).then((r) => r);
        // wait until the racer is blocked by this transaction (its insert of the same municipality waits for our outcome)
        const [{ pid }] = (await client.query(`SELECT pg_backend_pid() AS pid`)).rows;
        await untilBlockedBy(client, pid);
        await client.query('COMMIT');
        const res = await pending;
        expect(res.status).toBe(422);
        expect(res.body.errors).toEqual([
          expect.objectContaining({
            code: 'MUNICIPALITY_ALREADY_APPLIED',
            message: expect.stringContaining(`(${shared}) is already a member of application ${holder.application.caseNumber}`),
          }),
        ]);
      } finally {
        await client.end();
      }
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM application WHERE id = $1 AND case_number IS NULL`, [
        racer.id,
      ]);
      expect(n).toBe(1);
    });

    it('two submissions sharing two municipalities, listed in opposite orders, wait for each other instead of deadlocking', async () => {
      const call = await createCall(t);
      const holder = await submittedApplication(t, { pool, call });
      // two municipalities whose names sort the other way round from their numbers: the consortium lists them by name
      const candidates: Array<{ number: string; name: string }> = await t.dataSource.query(
        `SELECT municipality_number AS number, name FROM organisation WHERE municipality_number = ANY($1) ORDER BY name`,
        [pool.take(12)],
      );
      const byName = candidates.map((c) => c.number);
      const [first, second] = byName.flatMap((a, i) =>
        byName
          .slice(i + 1)
          .filter((b) => b < a)
          .map((b) => [a, b]),
      )[0];
      const racer = await draftFor(call, [first, second]);
      const listed = (
        await t.http().get(`/api/v1/applications/${racer.id}`).set(racer.auth).expect(200)
      ).body.content.consortium.members.map((m: { municipalityNumber: string }) => m.municipalityNumber);
      expect(listed).toEqual([first, second]);

      // another submission holds `second` and, once the racer waits for it, takes `first` too
      const client = new Client({ connectionString: t.config.databaseUrl });
      await client.connect();
      try {
        const hold = (n: string) =>
          client.query(`INSERT INTO application_municipality (call_id, municipality_number, application_id) VALUES ($1, $2, $3)`, [
            call.id,
            n,
            holder.application.id,
          ]);
        await client.query('BEGIN');
        await hold(second);
        const pending = submit(racer).then((r) => r);
        const [{ pid }] = (await client.query(`SELECT pg_backend_pid() AS pid`)).rows;
        await untilBlockedBy(client, pid);
        await hold(first);
        await client.query('COMMIT');
        const res = await pending;
        expect([
          res.status,
          res.body.errors?.map((e: { code: string; message: string }) => [e.code, e.message.includes(holder.application.caseNumber)]),
        ]).toEqual([
          422,
          [
            ['MUNICIPALITY_ALREADY_APPLIED', true],
            ['MUNICIPALITY_ALREADY_APPLIED', true],
          ],
        ]);
      } finally {
        await client.end();
      }
    });
  });
});
