import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { WorkflowEngine } from '../src/workflow/workflow';
import { Clock } from '../src/common/clock';
import { CallsDemoSeeder, DEMO_CALL_IDS } from '../src/calls/demo-seed';
import { dataSourceOptions } from '../src/database/data-source-options';
import { createTestApp, TestApp } from './support/app';
import { createTestDatabase } from './support/database';
import { describeWith } from './support/drivers';
import { callBody, createCall, testRules } from './support/fixtures';
import { untilBlockedBy } from './support/eventually';

describe('calls: schemes, measures, calls with rules as data', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('the demo start has the scheme, five measures, and two open demo calls with the demo criteria', async () => {
    const schemes = await t.http().get('/api/v1/schemes').set(t.auth('applicant')).expect(200);
    expect(schemes.body.items).toHaveLength(1);
    expect(schemes.body.nextCursor).toBeNull();
    const measures = schemes.body.items[0].measures as Array<{ code: string; takesApplications: boolean; allocation: string }>;
    expect(measures.map((m) => m.code).sort()).toEqual([
      'GODKJENNING',
      'INNFORING',
      'KOMPETANSENETTVERK',
      'SAMORDNET_ANSKAFFELSE',
      'STANDARDBISTAND',
    ]);
    expect(
      measures
        .filter((m) => m.takesApplications)
        .map((m) => m.code)
        .sort(),
    ).toEqual(['INNFORING', 'SAMORDNET_ANSKAFFELSE']);
    expect(measures.find((m) => m.code === 'KOMPETANSENETTVERK')!.allocation).toBe('DIRECT');

    const calls = await t.http().get('/api/v1/calls').set(t.auth('applicant')).expect(200);
    const demo = calls.body.items.filter((c: { id: string }) => Object.values(DEMO_CALL_IDS).includes(c.id as never));
    expect(
      demo.map((c: { measureCode: string; budgetOre: number; status: string; openForApplications: boolean }) => [
        c.measureCode,
        c.budgetOre,
        c.status,
        c.openForApplications,
      ]),
    ).toEqual([
      ['SAMORDNET_ANSKAFFELSE', 6_000_000_000, 'PUBLISHED', true],
      ['INNFORING', 4_000_000_000, 'PUBLISHED', true],
    ]);
    const weights = demo[0].rules.criteria.map((c: { weight: number }) => c.weight);
    expect(weights).toEqual([25, 20, 20, 15, 15, 5]);
    expect(demo[0].rules.excludedHealthRegions).toEqual(['Helse Midt-Norge']);
    expect(demo[1].rules.excludedHealthRegions).toEqual([]);

    const ks = await t.http().get('/api/v1/direct-allocations').set(t.auth('officer')).expect(200);
    expect(
      ks.body.items.map((a: { year: number; amountOre: number; organisationName: string }) => [a.year, a.amountOre, a.organisationName]),
    ).toEqual([2024, 2025, 2026, 2027, 2028].map((y) => [y, 1_500_000_000, 'KS (Kommunesektorens organisasjon)']));
  });

  it('the demo seed is idempotent: a second run adds nothing', async () => {
    await t.app.get(CallsDemoSeeder).seed();
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM call WHERE id = ANY($1)`, [Object.values(DEMO_CALL_IDS)]);
    const [{ a }] = await t.dataSource.query(`SELECT count(*)::int AS a FROM direct_allocation`);
    expect([n, a]).toEqual([2, 5]);
  });

  describeWith('DATABASE_URL', 'on PostgreSQL, processes that start together', () => {
    it('seed one database once: a seeder that meets an uncommitted demo call waits, then skips it', async () => {
      const db = await createTestDatabase();
      const ds = await new DataSource(dataSourceOptions({ databaseUrl: db.url, pgliteDir: 'memory://' })).initialize();
      const other = new Client({ connectionString: db.url });
      await other.connect();
      try {
        // another process is mid-seed: it has inserted the first demo call and not committed yet
        await other.query('BEGIN');
        await other.query(
          `INSERT INTO call (id, measure_code, technology_area, title_nb, title_nn, text_nb, text_nn, budget_ore, opens_at, closes_at, rules)
           VALUES ($1, 'SAMORDNET_ANSKAFFELSE', 'JOURNAL', 'Demo', 'Demo', '', '', 1, now(), now() + interval '1 day', '{}')`,
          [DEMO_CALL_IDS.SAMORDNET_ANSKAFFELSE],
        );
        const seeding = new CallsDemoSeeder(ds, t.config, t.app.get(WorkflowEngine), t.app.get(Clock)).seed().then(
          () => 'seeded',
          (e: Error) => e.message,
        );
        const [{ pid }] = (await other.query(`SELECT pg_backend_pid() AS pid`)).rows;
        await untilBlockedBy(other, pid);
        await other.query('COMMIT');
        expect(await seeding).toBe('seeded');
        const rows = await ds.query(`SELECT id, status FROM call ORDER BY id`);
        expect(rows).toEqual([
          { id: DEMO_CALL_IDS.SAMORDNET_ANSKAFFELSE, status: 'DRAFT' },
          { id: DEMO_CALL_IDS.INNFORING, status: 'PUBLISHED' },
        ]);
      } finally {
        await other.end();
        await ds.destroy();
        await db.drop();
      }
    });
  });

  it('only officers create calls; a draft is invisible to applicants until published', async () => {
    await t.http().post('/api/v1/calls').set(t.auth('applicant')).send(callBody()).expect(403);
    const draft = await createCall(t, {}, { publish: false });
    expect(draft).toMatchObject({ status: 'DRAFT', version: 1, openForApplications: false });
    await t.http().get(`/api/v1/calls/${draft.id}`).set(t.auth('applicant')).expect(404);
    const list = await t.http().get('/api/v1/calls').set(t.auth('applicant')).query({ limit: 100 }).expect(200);
    expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain(draft.id);
    await t.http().get(`/api/v1/calls/${draft.id}`).set(t.auth('officer')).expect(200);

    await t.http().post(`/api/v1/calls/${draft.id}/publish`).set(t.auth('applicant')).expect(403);
    const published = await t.http().post(`/api/v1/calls/${draft.id}/publish`).set(t.auth('officer')).expect(200);
    expect(published.body).toMatchObject({ status: 'PUBLISHED', version: 1, openForApplications: true });
    await t.http().get(`/api/v1/calls/${draft.id}`).set(t.auth('applicant')).expect(200);
  });

  it('a call is only for a measure that takes applications', async () => {
    const res = await t
      .http()
      .post('/api/v1/calls')
      .set(t.auth('officer'))
      .send(callBody({ measureCode: 'KOMPETANSENETTVERK', rules: testRules('INNFORING') }))
      .expect(400);
    expect(res.body.errors).toEqual([
      {
        field: 'measureCode',
        code: 'MEASURE_TAKES_NO_APPLICATIONS',
        message: 'KOMPETANSENETTVERK is not given through calls (direct); only SAMORDNET_ANSKAFFELSE and INNFORING take applications',
      },
    ]);
    await t
      .http()
      .post('/api/v1/calls')
      .set(t.auth('officer'))
      .send(callBody({ measureCode: 'NOPE' }))
      .expect(400);
  });

  it('checks the rules: payment plan sums to 100 %, no never-eligible category as eligible, window order, Oslo times', async () => {
    const rules = testRules('INNFORING', {
      paymentPlan: [
        { trigger: 'ACCEPTANCE', shareBp: 5000 },
        { trigger: 'FINAL_REPORT_APPROVED', shareBp: 4000 },
      ],
      costCategories: { eligible: [{ code: 'NORMAL_DRIFT', label: 'drift' }], ineligible: [] },
    });
    const res = await t
      .http()
      .post('/api/v1/calls')
      .set(t.auth('officer'))
      .send(callBody({ rules, opensAt: '2026-10-25T02:30', closesAt: '2026-03-29T02:30' }))
      .expect(400);
    expect(res.body.errors).toEqual([
      {
        field: 'opensAt',
        code: 'AMBIGUOUS_LOCAL_TIME',
        message:
          '2026-10-25T02:30 happens twice in Europe/Oslo (the clocks go back); add the offset, e.g. 2026-10-25T02:30:00+02:00 or 2026-10-25T02:30:00+01:00',
      },
      {
        field: 'closesAt',
        code: 'NONEXISTENT_LOCAL_TIME',
        message: '2026-03-29T02:30 does not exist in Europe/Oslo (the clocks skip that hour); choose another time',
      },
    ]);
    const again = await t
      .http()
      .post('/api/v1/calls')
      .set(t.auth('officer'))
      .send(callBody({ rules, opensAt: '2026-05-01T12:00', closesAt: '2026-04-01T12:00' }))
      .expect(400);
    expect(again.body.errors).toEqual([
      { field: 'closesAt', code: 'CLOSES_BEFORE_OPENING', message: 'the call must close after it opens' },
      {
        field: 'rules.paymentPlan',
        code: 'PAYMENT_PLAN_NOT_WHOLE',
        message: 'the payment plan shares add up to 9000 basis points; they must add up to 10000 (100 %)',
      },
      {
        field: 'rules.costCategories.eligible[0].code',
        code: 'NEVER_ELIGIBLE',
        message: 'NORMAL_DRIFT cannot be eligible: ordinary operation of the solution (normal drift) is never eligible',
      },
    ]);
    const bad = await t
      .http()
      .post('/api/v1/calls')
      .set(t.auth('officer'))
      .send(callBody({ budgetOre: 12.5, rules: { ...rules, criteria: [{ code: 'x' }] } }))
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['budgetOre', 'rules.criteria[0].code', 'rules.criteria[0].weight']),
    );
  });

  it('refuses dates that do not exist instead of rolling them over (30 February is not 2 March)', async () => {
    const rules = testRules('INNFORING');
    const badRules = await t
      .http()
      .post('/api/v1/calls')
      .set(t.auth('officer'))
      .send(
        callBody({
          rules: {
            ...rules,
            projectPeriod: { ...rules.projectPeriod, earliestStart: '2026-13-45' },
            reportSchedule: { ...rules.reportSchedule, progressReportDue: '02-30' },
          },
        }),
      )
      .expect(400);
    expect([...new Set(badRules.body.errors.map((e: { field: string }) => e.field))].sort()).toEqual([
      'rules.projectPeriod.earliestStart',
      'rules.reportSchedule.progressReportDue',
    ]);
    const badTime = await t
      .http()
      .post('/api/v1/calls')
      .set(t.auth('officer'))
      .send(callBody({ closesAt: '2030-02-30T12:00:00Z' }))
      .expect(400);
    expect(badTime.body.errors).toEqual([
      {
        field: 'closesAt',
        code: 'INVALID_DATE_TIME',
        message: '2030-02-30T12:00:00Z is not a date and time like 2026-03-01T12:00 (Oslo time) or 2026-03-01T11:00:00Z',
      },
    ]);
  });

  it('reads Oslo wall-clock times in the right offset across DST and shows both forms', async () => {
    const call = await createCall(t, { opensAt: '2026-03-01T09:00', closesAt: '2026-03-29T03:00' }, { publish: false });
    expect(call.opensAt).toBe('2026-03-01T08:00:00.000Z');
    expect(call.closesAt).toBe('2026-03-29T01:00:00.000Z');
    expect(call.closesAtOslo).toBe('2026-03-29T03:00:00+02:00');
    const explicit = await createCall(t, { opensAt: '2026-10-01T09:00', closesAt: '2026-10-25T02:30:00+01:00' }, { publish: false });
    expect(explicit.closesAt).toBe('2026-10-25T01:30:00.000Z');
  });

  it('the never-eligible list always applies, whatever the call lists', async () => {
    const call = await createCall(
      t,
      { rules: testRules('INNFORING', { costCategories: { eligible: [{ code: 'OPPLAERING', label: 'training' }], ineligible: [] } }) },
      { publish: false },
    );
    expect(call.rules.costCategories.ineligible.map((c: { code: string }) => c.code)).toEqual([
      'NORMAL_DRIFT',
      'DAGLIG_BRUKEROPPFOLGING',
      'OPPLAERING_NYANSATTE',
      'JOURNALLOSNING_KJOP',
      'LEVERANDORUTVIKLING',
      'SKATTEFORDEL',
      'NASJONAL_TILKOBLING',
      'REFUSJON_HELSETJENESTER',
    ]);
  });

  it('a draft changes in place; a published call is frozen and a change makes a new, audited version', async () => {
    const draft = await createCall(t, {}, { publish: false });
    const edited = await t.http().patch(`/api/v1/calls/${draft.id}`).set(t.auth('officer')).send({ budgetOre: 5_000_000_000 }).expect(200);
    expect(edited.body).toMatchObject({ version: 1, budgetOre: 5_000_000_000 });
    await t.http().post(`/api/v1/calls/${draft.id}/publish`).set(t.auth('officer')).expect(200);

    const noReason = await t
      .http()
      .patch(`/api/v1/calls/${draft.id}`)
      .set(t.auth('officer'))
      .send({ budgetOre: 6_000_000_000 })
      .expect(400);
    expect(noReason.body.errors[0]).toMatchObject({ field: 'changeReason', code: 'CHANGE_REASON_REQUIRED' });
    const revised = await t
      .http()
      .patch(`/api/v1/calls/${draft.id}`)
      .set(t.auth('officer'))
      .send({ budgetOre: 6_000_000_000, changeReason: 'Økt ramme etter revidert budsjett' })
      .expect(200);
    expect(revised.body).toMatchObject({ version: 2, budgetOre: 6_000_000_000, status: 'PUBLISHED' });

    const versions: Array<{ version: number; budget: string; reason: string | null }> = await t.dataSource.query(
      `SELECT version, content->>'budgetOre' AS budget, reason FROM call_version WHERE call_id = $1 ORDER BY version`,
      [draft.id],
    );
    expect(versions).toEqual([
      { version: 1, budget: '5000000000', reason: null },
      { version: 2, budget: '6000000000', reason: 'Økt ramme etter revidert budsjett' },
    ]);
    const audit: Array<{ action: string }> = await t.dataSource.query(
      `SELECT action FROM audit_event WHERE entity_type = 'call' AND entity_id = $1 ORDER BY seq`,
      [draft.id],
    );
    expect(audit.map((a) => a.action)).toEqual(['call.created', 'call.updated', 'call.publish', 'call.revised']);

    // the database keeps a published call's content frozen even against a direct update, and its versions append-only
    await expect(t.dataSource.query(`UPDATE call SET budget_ore = 1 WHERE id = $1`, [draft.id])).rejects.toThrow(/frozen/);
    await expect(t.dataSource.query(`UPDATE call_version SET reason = 'x' WHERE call_id = $1`, [draft.id])).rejects.toThrow(/append-only/);
    // and a change that changes nothing makes no version
    await t
      .http()
      .patch(`/api/v1/calls/${draft.id}`)
      .set(t.auth('officer'))
      .send({ budgetOre: 6_000_000_000, changeReason: 'ingen endring' })
      .expect(200);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM call_version WHERE call_id = $1`, [draft.id]);
    expect(n).toBe(2);
  });

  it('closing before the closing time needs a reason; a closed call cannot be changed', async () => {
    const call = await createCall(t);
    const early = await t.http().post(`/api/v1/calls/${call.id}/close`).set(t.auth('officer')).send({}).expect(400);
    expect(early.body.errors[0]).toMatchObject({ field: 'reason', code: 'CLOSE_REASON_REQUIRED' });
    const closed = await t
      .http()
      .post(`/api/v1/calls/${call.id}/close`)
      .set(t.auth('officer'))
      .send({ reason: 'Utlysningen er trukket' })
      .expect(200);
    expect(closed.body).toMatchObject({ status: 'CLOSED', openForApplications: false });
    await t.http().post(`/api/v1/calls/${call.id}/close`).set(t.auth('officer')).send({ reason: 'igjen' }).expect(409);
    const frozen = await t
      .http()
      .patch(`/api/v1/calls/${call.id}`)
      .set(t.auth('officer'))
      .send({ budgetOre: 1, changeReason: 'for sent' })
      .expect(409);
    expect(frozen.body.code).toBe('CALL_NOT_EDITABLE');
    const transitions = await t.dataSource.query(
      `SELECT from_state, to_state, event, reason FROM state_transition WHERE entity_id = $1 ORDER BY id`,
      [call.id],
    );
    expect(transitions).toEqual([
      { from_state: 'DRAFT', to_state: 'PUBLISHED', event: 'publish', reason: null },
      { from_state: 'PUBLISHED', to_state: 'CLOSED', event: 'close', reason: 'Utlysningen er trukket' },
    ]);
  });

  it('technology areas are an extensible list', async () => {
    await t
      .http()
      .post('/api/v1/technology-areas')
      .set(t.auth('applicant'))
      .send({ code: 'KI', name: { nb: 'Kunstig intelligens', nn: 'Kunstig intelligens' }, availableFromYear: 2027 })
      .expect(403);
    await t
      .http()
      .post('/api/v1/technology-areas')
      .set(t.auth('officer'))
      .send({ code: 'KI', name: { nb: 'Kunstig intelligens', nn: 'Kunstig intelligens' }, availableFromYear: 2027 })
      .expect(201);
    await t
      .http()
      .post('/api/v1/technology-areas')
      .set(t.auth('officer'))
      .send({ code: 'KI', name: { nb: 'Kunstig intelligens', nn: 'Kunstig intelligens' }, availableFromYear: 2027 })
      .expect(409);
    const areas = await t.http().get('/api/v1/technology-areas').set(t.auth('applicant')).expect(200);
    expect(areas.body.items.map((a: { code: string }) => a.code)).toEqual([
      'JOURNAL',
      'DIGITAL_HJEMMEOPPFOLGING',
      'VELFERDSTEKNOLOGI',
      'KI',
    ]);
    // paged like every list
    const first = await t.http().get('/api/v1/technology-areas').query({ limit: 3 }).set(t.auth('applicant')).expect(200);
    expect(first.body.items.map((a: { code: string }) => a.code)).toEqual(['JOURNAL', 'DIGITAL_HJEMMEOPPFOLGING', 'VELFERDSTEKNOLOGI']);
    const second = await t
      .http()
      .get('/api/v1/technology-areas')
      .query({ limit: 3, cursor: first.body.nextCursor })
      .set(t.auth('applicant'))
      .expect(200);
    expect([second.body.items.map((a: { code: string }) => a.code), second.body.nextCursor]).toEqual([['KI'], null]);
    await t.http().get('/api/v1/technology-areas').query({ cursor: 'bm90LWEtY3Vyc29y' }).set(t.auth('applicant')).expect(400);
    const call = await createCall(t, { technologyArea: 'KI' }, { publish: false });
    expect(call.technologyArea).toBe('KI');
    const unknown = await t
      .http()
      .post('/api/v1/calls')
      .set(t.auth('officer'))
      .send(callBody({ technologyArea: 'ROBOTER' }))
      .expect(400);
    expect(unknown.body.errors[0]).toMatchObject({ field: 'technologyArea', code: 'UNKNOWN_TECHNOLOGY_AREA' });
  });

  it('a direct allocation is recorded only for a measure given without competition', async () => {
    const [ks] = await t.dataSource.query(`SELECT id FROM organisation WHERE kind = 'KS'`);
    const wrong = await t
      .http()
      .post('/api/v1/direct-allocations')
      .set(t.auth('officer'))
      .send({ measureCode: 'INNFORING', organisationId: ks.id, year: 2029, amountOre: 100 })
      .expect(400);
    expect(wrong.body.errors[0]).toMatchObject({ field: 'measureCode', code: 'MEASURE_NOT_DIRECT' });
    const dup = await t
      .http()
      .post('/api/v1/direct-allocations')
      .set(t.auth('officer'))
      .send({ measureCode: 'KOMPETANSENETTVERK', organisationId: ks.id, year: 2026, amountOre: 100 })
      .expect(409);
    expect(dup.body.code).toBe('DUPLICATE');
    await t
      .http()
      .post('/api/v1/direct-allocations')
      .set(t.auth('applicant'))
      .send({ measureCode: 'KOMPETANSENETTVERK', organisationId: ks.id, year: 2029, amountOre: 100 })
      .expect(403);
  });

  it('lists with filters and pages', async () => {
    const page = await t
      .http()
      .get('/api/v1/calls')
      .set(t.auth('officer'))
      .query({ measure: 'SAMORDNET_ANSKAFFELSE', status: 'PUBLISHED', limit: 1 })
      .expect(200);
    expect(page.body.items).toHaveLength(1);
    expect(page.body.items[0].id).toBe(DEMO_CALL_IDS.SAMORDNET_ANSKAFFELSE);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await t
        .http()
        .get('/api/v1/calls')
        .set(t.auth('officer'))
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .expect(200);
      seen.push(...res.body.items.map((c) => c.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM call`);
    expect(seen).toHaveLength(n);
    expect(new Set(seen).size).toBe(n);
    await t.http().get('/api/v1/calls').set(t.auth('officer')).query({ status: 'OPEN' }).expect(400);
    await t.http().get('/api/v1/calls/not-a-uuid').set(t.auth('officer')).expect(404);
    await t.http().get('/api/v1/calls').expect(401);
  });
});
