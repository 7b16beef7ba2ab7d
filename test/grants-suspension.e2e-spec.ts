import { NotificationScheduler } from '../src/notifications/notification.scheduler';
import { createTestApp, TestApp } from './support/app';
import { municipalitiesWritingIn, officerApprover } from './support/decisions';
import { eventually } from './support/eventually';
import { MunicipalityPool, setClock } from './support/fixtures';
import { pay, tranchesOf, validAccount, validOrganisationNumber } from './support/payments';
import { activeGrant, grantReports } from './support/reports';
import { ReceivedMail, SmtpTestServer, startSmtpServer } from './support/smtp';

const KR = 100;

/**
 * Issue 14, "must show" 4 and 6: suspension blocks attestation with a clear problem, both it and its lifting confirmed
 * by a second person and told to the consortium (journal U + mail in its language); termination cancels the unpaid
 * tranches and computes the reclaim from the final statement on a worked example; forsinkelsesrente on a reclaim
 * repaid late across the change of rate on 1 July 2025. Through the real routes, with a real SMTP server.
 */
describe('grants: suspension, termination and interest on late reclaims', () => {
  let t: TestApp;
  let smtp: SmtpTestServer;
  let pool: MunicipalityPool;
  let nynorsk: string[];
  const officer = () => t.auth('officer');
  const approver = () => t.auth('approver');

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp({ env: { SMTP_URL: smtp.url, NOTIFY_BACKOFF_MS: '40', NOTIFY_RELAY_INTERVAL_MS: '200' } });
    nynorsk = await municipalitiesWritingIn(t, 'Nynorsk', 2);
    pool = await MunicipalityPool.create(t, { excludeRegions: ['Helse Midt-Norge'], reserved: nynorsk });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const journal = async (caseNumber: string) =>
    (
      await t
        .http()
        .get(`/api/v1/cases/${encodeURIComponent(caseNumber)}/journal`)
        .set(officer())
        .expect(200)
    ).body.entries as Array<{ direction: string; documentType: string; title: string; entryNumber: string }>;

  const mailTo = (address: string, subject: RegExp) =>
    eventually(`a mail to ${address}: ${subject}`, async () => smtp.to(address).find((m) => subject.test(m.subject)), {
      explain: () => smtp.to(address).map((m) => m.subject),
    }) as Promise<ReceivedMail>;

  it('suspension: proposed by an officer, confirmed by another person; no attestation while suspended; lifted likewise', async () => {
    const g = await activeGrant(t, { pool, members: nynorsk, projectStart: '2027-07-01', projectEnd: '2029-12-31' });
    await t
      .http()
      .put(`/api/v1/grants/${g.grantId}/payee`)
      .set(g.applicant.auth)
      .send({ organisationNumber: validOrganisationNumber(), account: validAccount() })
      .expect(200);
    const [first] = await tranchesOf(t, g.grantId);
    expect(first.status).toBe('PAYABLE');
    const reasons = 'Prosjektet har stått stille i et halvt år.\n\nFramdriftsrapporten viser at vilkåra ikkje er følgde.';

    // an officer who is also an approver proposes: the same person cannot confirm (four eyes), a plain officer may not
    const both = await officerApprover(t);
    const proposed = await t.http().post(`/api/v1/grants/${g.grantId}/status-changes`).set(both.auth).send({ kind: 'SUSPEND', reasons });
    expect(proposed.status).toBe(201);
    expect(proposed.body).toMatchObject({ kind: 'SUSPEND', status: 'PROPOSED', proposedBy: both.userId, letter: null });
    const decide = (auth: Record<string, string>, body: object) =>
      t.http().post(`/api/v1/grants/${g.grantId}/status-changes/${proposed.body.id}/decision`).set(auth).send(body);
    const self = await decide(both.auth, { confirm: true });
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('SEPARATION_OF_DUTIES');
    expect((await decide(officer(), { confirm: true })).status).toBe(403);
    // nothing moved on a refusal, and the database holds the four eyes too
    expect((await t.http().get(`/api/v1/grants/${g.grantId}`).set(officer())).body.status).toBe('ACTIVE');
    await expect(
      t.dataSource.query(`UPDATE grant_status_change SET decided_by = proposed_by WHERE id = $1`, [proposed.body.id]),
    ).rejects.toThrow(/grant_status_change_four_eyes/);

    const confirmed = await decide(approver(), { confirm: true, note: 'Stans er rett.' });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'CONFIRMED', decidedBy: t.userIds.approver, letter: { language: 'nn' } });
    expect((await t.http().get(`/api/v1/grants/${g.grantId}`).set(g.applicant.auth)).body.status).toBe('SUSPENDED');

    // no attestation while suspended: a 409 that names the suspension
    const attest = await t.http().post(`/api/v1/payments/${first.id}/attest`).set(officer()).send({});
    expect(attest.status).toBe(409);
    expect(attest.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(attest.body).toMatchObject({ code: 'GRANT_SUSPENDED', grantStatus: 'SUSPENDED' });
    expect(attest.body.detail).toMatch(/suspended since \d{4}-\d{2}-\d{2}/);
    expect(attest.body.reasons).toBe(reasons);

    // the consortium is told: an outgoing journal entry with the letter, and a mail in nynorsk with the PDF
    const entries = await journal(g.caseNumber);
    const letter = entries.find((e) => e.direction === 'U' && e.documentType === 'STANS');
    expect(letter?.title).toMatch(/^Vedtak om stans av tilskot – /);
    expect(letter?.entryNumber).toBe(confirmed.body.letter.entryNumber);
    const mail = await mailTo(g.contact, new RegExp(`^Tilskotet i sak ${g.caseNumber} er stansa`));
    expect(mail.text).toContain('Helsedirektoratet har vedteke å stanse tilskotet');
    expect(mail.attachments.map((a) => a.contentType)).toEqual(['application/pdf']);

    // lifting: proposed, a refusal first (rejected), then confirmed by the approver
    const lift = await t
      .http()
      .post(`/api/v1/grants/${g.grantId}/status-changes`)
      .set(officer())
      .send({ kind: 'LIFT_SUSPENSION', reasons: 'Ny framdriftsplan er godkjend.' });
    expect(lift.status).toBe(201);
    const again = await t
      .http()
      .post(`/api/v1/grants/${g.grantId}/status-changes`)
      .set(officer())
      .send({ kind: 'TERMINATE', reasons: 'x' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('STATUS_CHANGE_PENDING');
    const lifted = await t
      .http()
      .post(`/api/v1/grants/${g.grantId}/status-changes/${lift.body.id}/decision`)
      .set(approver())
      .send({ confirm: true });
    expect(lifted.status).toBe(200);
    expect((await t.http().get(`/api/v1/grants/${g.grantId}`).set(officer())).body.status).toBe('ACTIVE');
    await mailTo(g.contact, new RegExp(`^Stansen av tilskotet i sak ${g.caseNumber} er oppheva`));
    expect((await t.http().post(`/api/v1/payments/${first.id}/attest`).set(officer()).send({})).status).toBe(200);

    // each a transition with audit entries; the consortium sees what was decided, another consortium nothing
    const transitions: Array<{ event: string }> = await t.dataSource.query(
      `SELECT event FROM state_transition WHERE entity_type = 'grant' AND entity_id = $1 ORDER BY id`,
      [g.grantId],
    );
    expect(transitions.map((x) => x.event)).toEqual(['accept', 'suspend', 'lift_suspension']);
    const audit: Array<{ action: string }> = await t.dataSource.query(
      `SELECT action FROM audit_event WHERE entity_id = ANY($1::text[]) ORDER BY seq`,
      [[g.grantId, proposed.body.id, lift.body.id]],
    );
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['grant_status_change.propose', 'grant_status_change.confirm', 'grant.suspend', 'grant.lift_suspension']),
    );
    const seen = await t.http().get(`/api/v1/grants/${g.grantId}/status-changes`).set(g.applicant.auth).expect(200);
    expect(seen.body.items.map((c: { kind: string }) => c.kind)).toEqual(['SUSPEND', 'LIFT_SUSPENSION']);
    const other = await t.http().get(`/api/v1/grants/${g.grantId}/status-changes`).set(t.auth('applicant2'));
    expect(other.status).toBe(404);
  });

  it('termination: unpaid tranches cancelled, the final statement asked for, and the reclaim computed from it (worked example)', async () => {
    // the grant: 1 000 000 kr of 2 000 000 kr eligible costs at 50 %, paid 50/30/20 %
    const g = await activeGrant(t, { pool, projectStart: '2027-07-01', projectEnd: '2029-12-31' });
    await t
      .http()
      .put(`/api/v1/grants/${g.grantId}/payee`)
      .set(g.applicant.auth)
      .send({ organisationNumber: validOrganisationNumber(), account: validAccount() })
      .expect(200);
    const [first, second, third] = await tranchesOf(t, g.grantId);
    // tranche 1: 500 000 kr paid; tranches 2 (300 000 kr) and 3 (200 000 kr) still planned
    await pay(t, first.id, g.call.id);
    const proposed = await t
      .http()
      .post(`/api/v1/grants/${g.grantId}/status-changes`)
      .set(officer())
      .send({ kind: 'TERMINATE', reasons: 'Samarbeidet er oppløst, og prosjektet blir ikke gjennomført.', statementDueOn: '2099-03-01' });
    expect(proposed.status).toBe(201);
    const confirmed = await t
      .http()
      .post(`/api/v1/grants/${g.grantId}/status-changes/${proposed.body.id}/decision`)
      .set(approver())
      .send({ confirm: true });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'CONFIRMED', statementDueOn: '2099-03-01', letter: { language: 'nb' } });

    const grant = (await t.http().get(`/api/v1/grants/${g.grantId}`).set(officer())).body;
    expect(grant.status).toBe('TERMINATED');
    const byId = new Map(grant.ledger.tranches.map((x: { paymentId: string; status: string }) => [x.paymentId, x.status]));
    expect([byId.get(first.id), byId.get(second.id), byId.get(third.id)]).toEqual(['PAID', 'CANCELLED', 'CANCELLED']);
    const reports = await grantReports(t, g.grantId);
    expect(reports.filter((r) => r.kind !== 'AD_HOC').every((r) => r.status === 'CANCELLED')).toBe(true);
    const statement = reports.find((r) => r.id === confirmed.body.statementReportId)!;
    expect(statement).toMatchObject({ kind: 'AD_HOC', status: 'DRAFT', dueOn: '2099-03-01' });
    expect((await journal(g.caseNumber)).some((e) => e.direction === 'U' && e.documentType === 'HEVING')).toBe(true);
    await mailTo(g.contact, new RegExp(`^Tilskuddet i sak ${g.caseNumber} er hevet`));
    // the terminated grant pays nothing more
    expect((await t.http().post(`/api/v1/payments/${second.id}/attest`).set(officer()).send({})).status).toBe(409);

    // the statement asks for the final report's financial statement: without it, it cannot be submitted
    const answers = [
      { question: 0, text: 'Forprosjektet er gjennomført; innføringen blir ikke gjort.' },
      { question: 1, text: 'Prosessendring i 2027.' },
    ];
    await t.http().put(`/api/v1/reports/${statement.id}`).set(g.applicant.auth).send({ answers }).expect(200);
    const bare = await t.http().post(`/api/v1/reports/${statement.id}/submit`).set(g.applicant.auth);
    expect(bare.status).toBe(422);
    expect(JSON.stringify(bare.body)).toContain('FINANCIAL_STATEMENT_REQUIRED');
    // 700 000 kr of eligible costs incurred: 350 000 kr own contribution, 350 000 kr of the grant used
    await t
      .http()
      .put(`/api/v1/reports/${statement.id}`)
      .set(g.applicant.auth)
      .send({
        answers,
        actuals: [{ costCategory: 'PROSESSENDRING', year: 2027, amountOre: 70_000_000 }],
        financialStatement: {
          totalEligibleCostsOre: 70_000_000,
          ownContributionOre: 35_000_000,
          otherPublicFundingOre: 0,
          grantUsedOre: 35_000_000,
        },
      })
      .expect(200);
    await t.http().post(`/api/v1/reports/${statement.id}/submit`).set(g.applicant.auth).expect(200);
    await t.http().post(`/api/v1/reports/${statement.id}/review`).set(officer()).send({ outcome: 'APPROVE' }).expect(200);

    // the settlement, as the final settlement computes it (settlement.ts):
    //   final grant  = min(granted 1 000 000 kr, 50 % × 700 000 kr = 350 000 kr)  = 350 000 kr = 35 000 000 øre
    //   paid         = tranche 1                                                  = 500 000 kr = 50 000 000 øre
    //   reclaim      = min(paid, paid − final grant) = 500 000 − 350 000            = 150 000 kr = 15 000 000 øre
    const after = (await t.http().get(`/api/v1/grants/${g.grantId}`).set(officer())).body;
    expect(after.ledger.settlement).toMatchObject({
      eligibleCostsOre: 70_000_000,
      finalGrantOre: 35_000_000,
      reclaimOre: 15_000_000,
    });
    expect(after.ledger.reclaims).toEqual([expect.objectContaining({ kind: 'SETTLEMENT', status: 'PROPOSED', amountOre: 15_000_000 })]);
    expect(after.status).toBe('TERMINATED');
  });

  it('forsinkelsesrente: a reclaim repaid late accrues interest per half-year rate, shown on the reclaim and in the reminder', async () => {
    const g = await activeGrant(t, { pool, projectStart: '2027-07-01', projectEnd: '2029-12-31' });
    await t
      .http()
      .put(`/api/v1/grants/${g.grantId}/payee`)
      .set(g.applicant.auth)
      .send({ organisationNumber: validOrganisationNumber(), account: validAccount() })
      .expect(200);
    const [first] = await tranchesOf(t, g.grantId);
    await pay(t, first.id, g.call.id);

    // raised 1 June 2025, 100 000 kr due 15 June 2025
    let restore = setClock(t, '2025-06-01T10:00:00Z');
    const raised = await t
      .http()
      .post(`/api/v1/grants/${g.grantId}/reclaims`)
      .set(officer())
      .send({ amountOre: 100_000 * KR, kind: 'MISUSE', reasons: 'Midler brukt til drift.', dueOn: '2025-06-15' });
    restore();
    expect(raised.status).toBe(201);
    expect(raised.body.interest).toMatchObject({ accruedOre: 0, outstandingOre: 0, totalOutstandingOre: 10_000_000 });

    // 20 July 2025, not repaid:
    //   16–30 June: 15 days × 10 000 000 øre × 12.5 %  / 365 = 51 369.86 øre
    //   1–20 July:  20 days × 10 000 000 øre × 12.25 % / 365 = 67 123.29 øre
    //   total 118 493.15 → 118 493 øre (1 184,93 kr); 10 118 493 øre pays it off that day
    restore = setClock(t, '2025-07-20T10:00:00Z');
    try {
      const shown = await t.http().get(`/api/v1/reclaims/${raised.body.id}`).set(g.applicant.auth).expect(200);
      expect(shown.body.interest).toMatchObject({
        asOf: '2025-07-20',
        rateBp: 1225,
        accruedOre: 118_493,
        outstandingOre: 118_493,
        totalOutstandingOre: 10_118_493,
        rateCarriedForward: false,
      });
      expect(shown.body.interest.periods.map((p: { from: string; to: string; rateBp: number }) => [p.from, p.to, p.rateBp])).toEqual([
        ['2025-06-16', '2025-06-30', 1250],
        ['2025-07-01', '2025-07-20', 1225],
      ]);

      // the demand reminder carries the interest to the day
      await t.app.get(NotificationScheduler).runReminders(new Date('2025-07-20T10:00:00Z'));
      const [reminder] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM notification WHERE event = 'reclaim.reminder' AND entity_id = $1`,
        [raised.body.id],
      );
      expect(reminder.n).toBeGreaterThan(0);
      const mail = await mailTo(g.contact, new RegExp(`^Påminnelse: tilbakebetaling i sak ${g.caseNumber}`));
      expect(mail.text).toContain('1\u00a0184,93\u00a0kr');
      expect(mail.text).toContain('12,25 %');

      // more than principal and interest is refused; the exact sum settles it, principal and interest apart
      const over = await t
        .http()
        .post(`/api/v1/reclaims/${raised.body.id}/repayments`)
        .set(officer())
        .send({ amountOre: 10_118_494, receivedOn: '2025-07-20' });
      expect(over.status).toBe(422);
      expect(over.body).toMatchObject({ code: 'REPAYMENT_ABOVE_OUTSTANDING', outstandingOre: 10_118_493, interestOre: 118_493 });
      const paid = await t
        .http()
        .post(`/api/v1/reclaims/${raised.body.id}/repayments`)
        .set(officer())
        .send({ amountOre: 10_118_493, receivedOn: '2025-07-20' });
      expect(paid.status).toBe(200);
      expect(paid.body).toMatchObject({ status: 'REPAID', repaidOre: 10_000_000, outstandingOre: 0 });
      expect(paid.body.repayments).toEqual([expect.objectContaining({ amountOre: 10_000_000, interestOre: 118_493 })]);
      expect(paid.body.interest).toMatchObject({ accruedOre: 118_493, paidOre: 118_493, outstandingOre: 0 });
      const [row] = await t.dataSource.query(
        `SELECT amount_ore::text AS principal, interest_ore::text AS interest FROM reclaim_repayment WHERE reclaim_id = $1`,
        [raised.body.id],
      );
      expect(row).toEqual({ principal: '10000000', interest: '118493' });
    } finally {
      restore();
    }
  });
});
