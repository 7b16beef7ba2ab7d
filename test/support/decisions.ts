import { TestApp } from './app';
import { Auth, MunicipalityPool, submittedApplication } from './fixtures';

/**
 * Factories for decisions and grants (issue 11), through the real API except where noted.
 *
 * `assessedApplication` gives a submitted application that passed the formal check and is ASSESSED. With `scores`,
 * two demo assessors score it through the API (so it has a real place in the ranking); without, its state is set to
 * ASSESSED in SQL: a shortcut for tests about decisions only (the budget, the letter), where the assessment is not
 * what is tested.
 */
export async function assessedApplication(
  t: TestApp,
  opts: {
    pool: MunicipalityPool;
    call?: { id: string; measureCode: string };
    members?: string[];
    requestedOre?: number;
    /** One score per demo criterion for each of the two assessors (weights 25, 20, 20, 15, 15, 5). */
    scores?: number[];
  },
) {
  const s = await submittedApplication(t, {
    pool: opts.pool,
    call: opts.call,
    members: opts.members,
    // the own contribution covers the rest of the 2 000 000 kr of eligible costs, so the financing adds up
    draft:
      opts.requestedOre !== undefined
        ? { requestedAmountOre: opts.requestedOre, ownContributionOre: 200_000_000 - opts.requestedOre }
        : undefined,
  });
  const officer = t.auth('officer');
  await t.http().post(`/api/v1/applications/${s.application.id}/formal-check`).set(officer).send({ outcome: 'eligible' }).expect(200);
  if (opts.scores) {
    for (const role of ['assessor', 'assessor2'] as const) {
      const a = await t
        .http()
        .post(`/api/v1/applications/${s.application.id}/assignments`)
        .set(officer)
        .send({ assessorId: t.userIds[role] });
      if (a.status !== 201) throw new Error(`assign: ${a.status} ${JSON.stringify(a.body)}`);
      const auth = t.auth(role);
      await t.http().post(`/api/v1/assignments/${a.body.id}/declaration`).set(auth).send({ conflict: false }).expect(200);
      const scores = opts.scores.map((v, i) => ({ criterion: CRITERIA[i], score: v, rationale: 'Begrunnet' }));
      await t.http().put(`/api/v1/assignments/${a.body.id}/scores`).set(auth).send({ scores }).expect(200);
      await t
        .http()
        .post(`/api/v1/assignments/${a.body.id}/complete`)
        .set(auth)
        .send({ recommendation: 'FUND', comment: 'Godt begrunnet.' })
        .expect(200);
    }
  } else {
    await t.dataSource.query(`UPDATE application SET status = 'ASSESSED' WHERE id = $1`, [s.application.id]);
  }
  return s;
}

export const CRITERIA = ['BEHOV_FORANKRING', 'BREDDE', 'STANDARDER', 'GJENNOMFORING', 'GEVINST', 'DELING'];

/** A user with both officer and approver roles (a small directorate's section head), for separation-of-duties tests. */
export async function officerApprover(t: TestApp): Promise<{ userId: string; auth: Auth }> {
  const [user] = await t.dataSource.query(
    `INSERT INTO app_user (email, display_name, roles) VALUES ($1, 'Seksjonsleder Dobbel', ARRAY['officer','approver']) RETURNING id`,
    [`both-${Math.random().toString(36).slice(2)}@test.local`],
  );
  return { userId: user.id, auth: { Authorization: `Bearer ${await t.tokenForUser(user.id)}` } };
}

/** Drafts (with the body given), proposes as the officer, and returns the proposed decision. */
export async function proposedDecision(
  t: TestApp,
  applicationId: string,
  body: Record<string, unknown> = {},
  officer: Auth = t.auth('officer'),
) {
  const d = await t.http().post(`/api/v1/applications/${applicationId}/decisions`).set(officer).send(body);
  if (d.status !== 201) throw new Error(`draft: ${d.status} ${JSON.stringify(d.body)}`);
  const p = await t.http().post(`/api/v1/decisions/${d.body.id}/propose`).set(officer);
  if (p.status !== 200) throw new Error(`propose: ${p.status} ${JSON.stringify(p.body)}`);
  return p.body as { id: string; status: string; amountOre: number; outcome: string; callId: string; applicationId: string };
}

/** Municipalities whose written language (målform) is nynorsk or bokmål, outside the regions a call may exclude. */
export async function municipalitiesWritingIn(
  t: TestApp,
  language: 'Nynorsk' | 'Bokmål',
  n: number,
  exclude: string[] = [],
): Promise<string[]> {
  const rows: Array<{ number: string }> = await t.dataSource.query(
    `SELECT number FROM municipality WHERE written_language = $1 AND health_region <> 'Helse Midt-Norge' AND NOT (number = ANY($3))
      ORDER BY number DESC LIMIT $2`,
    [language, n, exclude],
  );
  return rows.map((r) => r.number);
}
