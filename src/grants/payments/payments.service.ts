import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CaseJournal } from '../../applications/case-journal.service';
import { AuditService } from '../../audit/audit.service';
import { maxShareFor, PAYMENT_TRIGGERS } from '../../calls/call-rules';
import { Actor } from '../../common/actor';
import { Clock } from '../../common/clock';
import { osloDate } from '../../common/legal-deadline';
import { formatBpNorwegian, formatKroner, FULL_BP, splitByBp, sumOre } from '../../common/money';
import { isBankAccount, isOrganisationNumber, normaliseAccount } from '../../common/norwegian-ids';
import { osloYear } from '../../common/oslo-time';
import { decodeCursor, Page, pageLimit, PageQuery, toPage } from '../../common/pagination';
import { DomainError, FieldProblem } from '../../common/problem';
import { IdempotentRequest, IdempotentResult, once } from '../../database/idempotency';
import { sqlOre } from '../../database/sql-numbers';
import { WorkflowErrors } from '../../workflow/workflow.errors';
import { WorkflowEngine } from '../../workflow/workflow';
import { GrantPaymentLine } from '../entities/grant.entity';
import { GrantEvents, ReportApproved } from '../grant-events';
import { GrantPolicy } from '../grant.policy';
import { GrantWorkflow } from '../grant.workflow';
import { ReportsService } from '../reports/reports.service';
import { onePayment, paymentView, PaymentRowView } from './ledger';
import { PaymentPolicy } from './payment.policy';
import { PaymentWorkflow, SETTLED_PAYMENT_STATES } from './payment.workflow';
import { PaymentErrors as E } from './payments.errors';
import {
  activePayee,
  adjustPaymentAmount,
  callRulesAndFirstSubmission,
  decidePayeeRow,
  decidePlanChangeRow,
  grantIdOfPayment,
  hasAttestedPayment,
  hasPaymentNotIn,
  hasProposedPlanChange,
  hasReclaimNotIn,
  insertPayee,
  insertPlanChange,
  insertReissuedPayment,
  insertSettlement,
  insertSettlementReclaim,
  isSettled,
  lastAttempt,
  leadOrganisation,
  lockGrantRow,
  lockLivePayments,
  lockProposedPlanChange,
  nextReclaimNumber,
  overdueReportsOfGrant,
  paidAndReclaimedOre,
  paidAndRepaidOre,
  paymentPage,
  pendingPayee,
  planChangeRow,
  plannedPaymentsWaitingOn,
  reportedEligibleCostsOre,
  setPaymentPlan,
  supersedeActivePayee,
  supersedePendingPayee,
  unattestedPayments,
} from './payments.queries';
import { SETTLED_RECLAIM_STATES } from './reclaim.workflow';
import { settle } from './settlement';
import { suspendedProblem } from '../grant-suspended';
import { insertTranches, paymentReference } from './tranches';

/** The grant's row, locked: every change to its money starts here, so concurrent ones queue on one lock. */
export interface LockedGrant {
  id: string;
  status: string;
  callId: string;
  consortiumId: string;
  applicationId: string;
  caseNumber: string;
  amountOre: number;
  paymentPlan: GrantPaymentLine[];
  decisionId: string;
}

export async function lockGrant(m: EntityManager, grantId: string): Promise<LockedGrant | null> {
  const g = await lockGrantRow(m, grantId);
  return g
    ? {
        id: g.id,
        status: g.status,
        callId: g.call_id,
        consortiumId: g.consortium_id,
        applicationId: g.application_id,
        caseNumber: g.case_number,
        amountOre: sqlOre(g.amount_ore),
        paymentPlan: g.payment_plan,
        decisionId: g.decision_id,
      }
    : null;
}

/** The grant a payment belongs to, locked before the payment (always in that order: grant, then payment). */
async function lockGrantOfPayment(m: EntityManager, paymentId: string): Promise<LockedGrant> {
  const grantId = await grantIdOfPayment(m, paymentId);
  const g = grantId ? await lockGrant(m, grantId) : null;
  if (!g) throw DomainError.notFound('Payment', paymentId);
  return g;
}

export interface PayeeInput {
  organisationNumber: string;
  account: string;
}

/**
 * Tranches and their payments: made payable when their condition holds, attested by an officer, approved by someone
 * else, and marked paid, failed or returned as the bank reports; the payee; changes of the plan before the first
 * payment; the final settlement; and the grant's completion. Every mutating step takes an optional idempotency key,
 * stored in the same transaction as the change.
 */
@Injectable()
export class PaymentsService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly engine: WorkflowEngine,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly events: GrantEvents,
    private readonly journal: CaseJournal,
    private readonly policy: PaymentPolicy,
    private readonly grantPolicy: GrantPolicy,
    private readonly reports: ReportsService,
  ) {}

  onModuleInit() {
    this.events.onAccepted((m, e) => this.conditionHolds(m, e.grantId, 'ACCEPTANCE', e.at));
    this.events.onReportApproved((m, e) => this.reportApproved(m, e));
    // the reports' approvals, in their transaction: a progress or final report approved is a tranche's condition
    this.reports.onApproved(async (m, e) => {
      if (e.kind === 'AD_HOC') return;
      const eligibleCostsOre = e.kind === 'FINAL' ? await reportedEligibleCostsOre(m, e.reportId, e.version) : null;
      await this.events.reportApproved(m, {
        grantId: e.grantId,
        kind: e.kind,
        reportId: e.reportId,
        eligibleCostsOre,
        actor: 'system',
        at: e.at,
      });
    });
    // overdue as the reports define it: still a draft after its due day
    this.events.provideOverdueReports(async (m, grantId, today) => {
      const rows = await overdueReportsOfGrant(m, grantId, today);
      return rows.map((r) => ({ reportId: r.id, title: r.title, dueOn: r.due_on }));
    });
  }

  // ---------------------------------------------------------------- conditions, settlement, completion

  /** The tranches waiting on this condition become payable. */
  async conditionHolds(m: EntityManager, grantId: string, trigger: (typeof PAYMENT_TRIGGERS)[number], at: Date): Promise<void> {
    await lockGrant(m, grantId);
    const ids = await plannedPaymentsWaitingOn(m, grantId, trigger);
    for (const id of ids) {
      await this.engine.transition(m, PaymentWorkflow, id, 'make_payable', 'system', { at, reason: conditionText[trigger] });
    }
  }

  private async reportApproved(m: EntityManager, e: ReportApproved): Promise<void> {
    if (e.kind === 'PROGRESS') return this.conditionHolds(m, e.grantId, 'PROGRESS_REPORT_APPROVED', e.at);
    await this.conditionHolds(m, e.grantId, 'FINAL_REPORT_APPROVED', e.at);
    if (e.eligibleCostsOre !== undefined && e.eligibleCostsOre !== null) {
      await this.settleFinal(m, e.grantId, e.eligibleCostsOre, e.reportId, e.at);
    }
    await this.completeIfDone(m, e.grantId, e.at);
  }

  /**
   * The final settlement: the share of the eligible costs reported, never above the grant. Tranches not yet attested
   * are cut to what is due (a tranche cut to nothing is cancelled); if more was paid than is due, a reclaim for the
   * difference is proposed for an officer to confirm.
   */
  async settleFinal(m: EntityManager, grantId: string, eligibleCostsOre: number, reportId: string | null, at: Date): Promise<void> {
    const g = await lockGrant(m, grantId);
    if (!g) throw new Error(`grant ${grantId} does not exist`);
    if (await isSettled(m, grantId)) return;
    const shareBp = await grantShareBp(m, g);
    const live = await lockLivePayments(m, grantId);
    const s = settle({
      grantedOre: g.amountOre,
      shareBp,
      eligibleCostsOre,
      tranches: live.map((r) => ({ paymentId: r.id, tranche: Number(r.tranche), status: r.status, amountOre: sqlOre(r.amount_ore) })),
    });
    for (const o of s.open) {
      if (o.toOre === o.fromOre) continue;
      const reason = `final settlement: ${o.toOre} øre due of ${o.fromOre} øre (final grant ${s.finalGrantOre} øre)`;
      await adjustPaymentAmount(m, o.paymentId, o.toOre, reason, at);
      if (o.toOre === 0) await this.engine.transition(m, PaymentWorkflow, o.paymentId, 'cancel', 'system', { at, reason });
    }
    await insertSettlement(m, {
      grantId,
      reportId,
      eligibleCostsOre,
      shareBp,
      grantedOre: g.amountOre,
      finalGrantOre: s.finalGrantOre,
      paidBeforeOre: s.committedOre,
      lastTrancheOre: s.lastTrancheOre,
      reclaimOre: s.reclaimOre,
      at,
    });
    let reclaimId: string | null = null;
    if (s.reclaimOre > 0) {
      reclaimId = await insertSettlementReclaim(m, {
        grantId,
        number: await nextReclaimNumber(m, grantId),
        amountOre: s.reclaimOre,
        reasons:
          `Sluttoppgjør: endelig tilskudd er ${kr(s.finalGrantOre)} (${percentNb(shareBp)} av rapporterte tilskuddsberettigede ` +
          `kostnader på ${kr(eligibleCostsOre)}), mens ${kr(s.committedOre)} er utbetalt. For mye utbetalt: ${kr(s.reclaimOre)}.`,
        at,
      });
    }
    await this.audit.record(m, {
      action: 'grant.settle',
      entityType: 'grant',
      entityId: grantId,
      before: { grantedOre: g.amountOre },
      after: {
        eligibleCostsOre,
        shareBp,
        finalGrantOre: s.finalGrantOre,
        paidBeforeOre: s.committedOre,
        lastTrancheOre: s.lastTrancheOre,
        reclaimOre: s.reclaimOre,
        reclaimId,
      },
      actor: null,
      actorLabel: 'system',
    });
    await this.journal.record(m, g.caseNumber, {
      direction: 'N',
      documentType: 'NOTAT',
      title:
        s.reclaimOre > 0
          ? `Sluttoppgjør: endelig tilskudd ${kr(s.finalGrantOre)}, for mye utbetalt ${kr(s.reclaimOre)} foreslås krevd tilbake`
          : `Sluttoppgjør: endelig tilskudd ${kr(s.finalGrantOre)}, siste utbetaling ${kr(s.lastTrancheOre)}`,
      at,
    });
  }

  /**
   * Completes the grant once its final report is approved (settled), every tranche is paid or cancelled and every
   * reclaim settled; the case journal gets the closing entry. Called after each step that could be the last.
   */
  async completeIfDone(m: EntityManager, grantId: string, at: Date): Promise<boolean> {
    const g = await lockGrant(m, grantId);
    if (!g || g.status !== 'ACTIVE') return false;
    if (!(await isSettled(m, grantId))) return false;
    if (await hasPaymentNotIn(m, grantId, SETTLED_PAYMENT_STATES)) return false;
    if (await hasReclaimNotIn(m, grantId, SETTLED_RECLAIM_STATES)) return false;
    await this.engine.transition(m, GrantWorkflow, grantId, 'complete', 'system', {
      at,
      reason: 'final report approved, every tranche paid or cancelled, every reclaim settled',
    });
    const t = await paidAndRepaidOre(m, grantId);
    await this.journal.record(m, g.caseNumber, {
      direction: 'N',
      documentType: 'AVSLUTNING',
      title: `Tilskuddssaken er avsluttet: utbetalt ${kr(t.paid)}, tilbakebetalt ${kr(t.repaid)}`,
      at,
    });
    return true;
  }

  // ---------------------------------------------------------------- the payment's steps

  async attest(actor: Actor, id: string, idem?: IdempotentRequest): Promise<IdempotentResult<PaymentRowView>> {
    return this.step(actor, id, 'attest', idem, async (m, g, at) => {
      if (g.status === 'SUSPENDED') throw await suspendedProblem(m, g.id);
      if (g.status !== 'ACTIVE') throw grantNotActive(g);
      const today = osloDate(at).toString();
      const [overdue] = await this.events.overdueReports(m, g.id, today);
      if (overdue) {
        throw new DomainError(
          422,
          E.REPORT_OVERDUE,
          `The grant's report "${overdue.title}" was due ${overdue.dueOn} and has not been submitted: no payment is attested while a report is overdue.`,
          undefined,
          { report: overdue.title, reportId: overdue.reportId, dueOn: overdue.dueOn },
        );
      }
      const payee = await activePayee(m, g.id);
      if (!payee) {
        throw DomainError.unprocessable(
          E.NO_PAYEE,
          "No payee is registered for the grant: the lead municipality's organisation number and account must be registered first.",
        );
      }
      await this.engine.transition(m, PaymentWorkflow, id, 'attest', actor, {
        at,
        set: {
          attested_by: actor.userId,
          attested_at: at.toISOString(),
          payee_organisation_number: payee.organisation_number,
          payee_account: payee.account,
        },
        details: { before: {}, after: { organisationNumber: payee.organisation_number, account: payee.account } },
      });
    });
  }

  async approve(actor: Actor, id: string, idem?: IdempotentRequest): Promise<IdempotentResult<PaymentRowView>> {
    return this.step(actor, id, 'approve', idem, async (m, g, at) => {
      if (g.status !== 'ACTIVE') throw grantNotActive(g);
      await this.engine.transition(m, PaymentWorkflow, id, 'approve', actor, {
        at,
        set: { approved_by: actor.userId, approved_at: at.toISOString() },
      });
    });
  }

  /** The approver sends an attested payment back to the officer (it is payable again and must be attested anew). */
  async sendBack(actor: Actor, id: string, reason: string, idem?: IdempotentRequest): Promise<IdempotentResult<PaymentRowView>> {
    return this.step(actor, id, 'approve', idem, async (m, _g, at) => {
      await this.engine.transition(m, PaymentWorkflow, id, 'send_back', actor, {
        at,
        reason,
        set: { attested_by: null, attested_at: null, payee_organisation_number: null, payee_account: null },
      });
    });
  }

  async markPaid(
    actor: Actor,
    id: string,
    dto: { paidOn?: string; bankReference?: string },
    idem?: IdempotentRequest,
  ): Promise<IdempotentResult<PaymentRowView>> {
    return this.step(actor, id, 'attest', idem, async (m, g, at) => {
      const paidOn = dto.paidOn ?? osloDate(at).toString();
      checkNotFuture('paidOn', paidOn, at);
      await this.engine.transition(m, PaymentWorkflow, id, 'mark_paid', actor, {
        at,
        set: { paid_on: paidOn, bank_reference: dto.bankReference ?? null },
        details: { before: {}, after: { paidOn, bankReference: dto.bankReference ?? null } },
      });
      await this.completeIfDone(m, g.id, at);
    });
  }

  async markFailed(actor: Actor, id: string, reason: string, idem?: IdempotentRequest): Promise<IdempotentResult<PaymentRowView>> {
    return this.step(actor, id, 'attest', idem, async (m, _g, at) => {
      await this.engine.transition(m, PaymentWorkflow, id, 'mark_failed', actor, { at, reason, set: { failure_reason: reason } });
    });
  }

  /**
   * The cause of a failure is fixed (a corrected account, say): the payment is payable again and goes through
   * attestation and approval anew, by the payee registered now.
   */
  async retry(actor: Actor, id: string, note: string, idem?: IdempotentRequest): Promise<IdempotentResult<PaymentRowView>> {
    return this.step(actor, id, 'attest', idem, async (m, _g, at) => {
      await this.engine.transition(m, PaymentWorkflow, id, 'retry', actor, {
        at,
        reason: note,
        set: {
          attested_by: null,
          attested_at: null,
          approved_by: null,
          approved_at: null,
          payee_organisation_number: null,
          payee_account: null,
          export_id: null,
        },
      });
    });
  }

  /**
   * The bank returned a payment after it was marked paid: it is RETURNED with the reason, and the tranche gets a new
   * payment, payable again, with the next attempt's reference. Refused if the reclaims raised would then exceed what is
   * paid.
   */
  async markReturned(
    actor: Actor,
    id: string,
    dto: { reason: string; returnedOn?: string },
    idem?: IdempotentRequest,
  ): Promise<IdempotentResult<PaymentRowView>> {
    return this.step(actor, id, 'attest', idem, async (m, g, at) => {
      const returnedOn = dto.returnedOn ?? osloDate(at).toString();
      checkNotFuture('returnedOn', returnedOn, at);
      await this.engine.transition(m, PaymentWorkflow, id, 'mark_returned', actor, {
        at,
        reason: dto.reason,
        set: { returned_on: returnedOn, return_reason: dto.reason },
      });
      const b = await paidAndReclaimedOre(m, g.id);
      if (b.reclaimed > b.paid) {
        throw DomainError.conflict(
          E.RETURN_BELOW_RECLAIMED,
          `With this payment returned, ${b.paid} øre would be paid but ${b.reclaimed} øre is reclaimed: settle or dismiss the reclaims first.`,
        );
      }
      const old = (await onePayment(m, id))!;
      const next = (await lastAttempt(m, g.id, old.tranche)) + 1;
      const createdId = await insertReissuedPayment(m, {
        grantId: g.id,
        callId: g.callId,
        tranche: old.tranche,
        attempt: next,
        trigger: old.trigger,
        shareBp: old.shareBp,
        plannedOre: old.plannedOre,
        amountOre: old.amountOre,
        adjustmentReason: old.adjustmentReason,
        reference: paymentReference(g.caseNumber, old.tranche, next),
        at,
      });
      await this.audit.record(m, {
        action: 'payment.reissue',
        entityType: 'payment',
        entityId: createdId,
        before: null,
        after: { status: 'PAYABLE', replaces: id, tranche: old.tranche, attempt: next, amountOre: old.amountOre },
        actor,
      });
    });
  }

  /**
   * One step on one payment: the grant locked first, then (by the workflow engine) the payment, all inside the key's
   * transaction; the answer is the payment as it is after the step.
   */
  private async step(
    actor: Actor,
    id: string,
    level: 'attest' | 'approve',
    idem: IdempotentRequest | undefined,
    work: (m: EntityManager, g: LockedGrant, at: Date) => Promise<void>,
  ): Promise<IdempotentResult<PaymentRowView>> {
    return this.dataSource.transaction(async (m) => {
      const at = this.clock.now();
      return once(m, idem, at, async () => {
        await this.policy.assert(m, actor, id, level);
        const g = await lockGrantOfPayment(m, id);
        await work(m, g, at);
        return { status: 200, body: (await onePayment(m, id))! };
      });
    });
  }

  // ---------------------------------------------------------------- reading

  async get(actor: Actor, id: string): Promise<PaymentRowView> {
    const m = this.dataSource.manager;
    await this.policy.assert(m, actor, id, 'read');
    return (await onePayment(m, id))!;
  }

  /** Payments by state (ATTESTED: what awaits approval; APPROVED: what the next export takes), call or grant. */
  async list(actor: Actor, q: PageQuery & { status?: string; callId?: string; grantId?: string }): Promise<Page<PaymentRowView>> {
    const limit = pageLimit(q);
    const after = decodeCursor(q.cursor, ['timestamp', 'uuid']);
    const params: unknown[] = [];
    const bind = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = [this.policy.filter(actor, 'read').sql('p', bind)];
    if (q.status) where.push(`p.status = ${bind(q.status)}`);
    if (q.callId) where.push(`p.call_id = ${bind(q.callId)}::uuid`);
    if (q.grantId) where.push(`p.grant_id = ${bind(q.grantId)}::uuid`);
    if (after) where.push(`(p.updated_at, p.id) < (${bind(after[0])}::timestamptz, ${bind(after[1])}::uuid)`);
    const rows = await paymentPage(this.dataSource.manager, where, params, limit);
    const page = toPage(rows, limit, (r) => [r.at, r.id]);
    return { items: page.items.map(paymentView), nextCursor: page.nextCursor };
  }

  // ---------------------------------------------------------------- the payee

  /**
   * The lead municipality registers its organisation number and account. The first registration takes effect at once;
   * a change waits for an officer's confirmation (a changed account is a common route for fraud). Both are audited.
   */
  async registerPayee(
    actor: Actor,
    grantId: string,
    dto: PayeeInput,
    idem?: IdempotentRequest,
  ): Promise<IdempotentResult<{ status: 'ACTIVE' | 'PENDING'; organisationNumber: string; account: string }>> {
    return this.dataSource.transaction(async (m) => {
      const at = this.clock.now();
      return once(m, idem, at, async () => {
        await this.grantPolicy.assert(m, actor, grantId, 'accept');
        const g = (await lockGrant(m, grantId))!;
        const status = await this.putPayee(m, g, dto, actor, at);
        return { status: 200, body: { status, organisationNumber: dto.organisationNumber, account: normaliseAccount(dto.account) } };
      });
    });
  }

  /** In the caller's transaction (the grant locked): register the payee, as on its own route or with the acceptance. */
  async putPayee(m: EntityManager, g: LockedGrant, dto: PayeeInput, actor: Actor, at: Date): Promise<'ACTIVE' | 'PENDING'> {
    if (!['AWAITING_ACCEPTANCE', 'ACTIVE'].includes(g.status)) throw grantNotActive(g);
    const payee = await checkPayee(m, g, dto);
    const active = await activePayee(m, g.id);
    if (active && active.organisation_number === payee.organisationNumber && active.account === payee.account) return 'ACTIVE';
    // a newer request replaces one still waiting
    await supersedePendingPayee(m, g.id);
    const status = active ? 'PENDING' : 'ACTIVE';
    await insertPayee(m, {
      grantId: g.id,
      status,
      organisationNumber: payee.organisationNumber,
      account: payee.account,
      registeredBy: actor.userId,
      at,
    });
    await this.audit.record(m, {
      action: active ? 'payee.change_requested' : 'payee.register',
      entityType: 'grant',
      entityId: g.id,
      before: active ? { organisationNumber: active.organisation_number, account: active.account } : null,
      after: { organisationNumber: payee.organisationNumber, account: payee.account, status },
      actor,
    });
    return status;
  }

  /** An officer confirms (or refuses) the payee change the lead municipality asked for. */
  async decidePayee(
    actor: Actor,
    grantId: string,
    confirm: boolean,
    note: string | undefined,
    idem?: IdempotentRequest,
  ): Promise<IdempotentResult<{ status: 'ACTIVE' | 'REJECTED'; organisationNumber: string; account: string }>> {
    return this.dataSource.transaction(async (m) => {
      const at = this.clock.now();
      return once(m, idem, at, async () => {
        await this.grantPolicy.assert(m, actor, grantId, 'manage');
        await lockGrant(m, grantId);
        const pending = await pendingPayee(m, grantId);
        if (!pending) throw DomainError.conflict(E.NO_PENDING_PAYEE, 'No change of payee awaits confirmation on this grant.');
        if (pending.registered_by === actor.userId) {
          throw DomainError.forbidden('You asked for this change of payee: another person must confirm it.', E.PAYEE_SELF_CONFIRM);
        }
        const active = await activePayee(m, grantId);
        if (confirm) await supersedeActivePayee(m, grantId);
        await decidePayeeRow(m, pending.id, confirm ? 'ACTIVE' : 'REJECTED', actor.userId, at, note ?? null);
        await this.audit.record(m, {
          action: confirm ? 'payee.confirm' : 'payee.reject',
          entityType: 'grant',
          entityId: grantId,
          before: active ? { organisationNumber: active.organisation_number, account: active.account } : null,
          after: {
            organisationNumber: pending.organisation_number,
            account: pending.account,
            status: confirm ? 'ACTIVE' : 'REJECTED',
            note,
          },
          actor,
        });
        return {
          status: 200,
          body: {
            status: confirm ? ('ACTIVE' as const) : ('REJECTED' as const),
            organisationNumber: pending.organisation_number,
            account: pending.account,
          },
        };
      });
    });
  }

  // ---------------------------------------------------------------- the plan

  /** An officer proposes another payment plan for the grant, before its first payment, with a reason. */
  async proposePlan(
    actor: Actor,
    grantId: string,
    dto: { lines: Array<{ trigger: string; shareBp: number }>; reason: string },
    idem?: IdempotentRequest,
  ): Promise<IdempotentResult<PlanChangeView>> {
    return this.dataSource.transaction(async (m) => {
      const at = this.clock.now();
      return once(m, idem, at, async () => {
        await this.grantPolicy.assert(m, actor, grantId, 'manage');
        const g = (await lockGrant(m, grantId))!;
        if (!['AWAITING_ACCEPTANCE', 'ACTIVE'].includes(g.status)) throw grantNotActive(g);
        checkPlan(dto.lines);
        await assertPlanOpen(m, grantId);
        if (await hasProposedPlanChange(m, grantId))
          throw DomainError.conflict(E.PLAN_CHANGE_PENDING, 'A change of this plan already awaits the approver.');
        const amounts = splitByBp(
          g.amountOre,
          dto.lines.map((l) => l.shareBp),
        );
        const plan = dto.lines.map((l, i) => ({ trigger: l.trigger, shareBp: l.shareBp, amountOre: amounts[i] }));
        const changeId = await insertPlanChange(m, { grantId, plan, reason: dto.reason, proposedBy: actor.userId, at });
        await this.audit.record(m, {
          action: 'payment_plan.propose',
          entityType: 'grant',
          entityId: grantId,
          before: { paymentPlan: g.paymentPlan },
          after: { paymentPlan: plan, reason: dto.reason, changeId },
          actor,
        });
        return { status: 201, body: await planChangeView(m, changeId) };
      });
    });
  }

  /** The approver confirms (someone other than the officer who proposed it) or refuses the proposed plan. */
  async decidePlan(
    actor: Actor,
    grantId: string,
    confirm: boolean,
    note: string | undefined,
    idem?: IdempotentRequest,
  ): Promise<IdempotentResult<PlanChangeView>> {
    return this.dataSource.transaction(async (m) => {
      const at = this.clock.now();
      return once(m, idem, at, async () => {
        await this.grantPolicy.assert(m, actor, grantId, 'read');
        const g = (await lockGrant(m, grantId))!;
        const change = await lockProposedPlanChange(m, grantId);
        if (!change) throw DomainError.conflict(E.NO_PLAN_CHANGE, 'No change of the payment plan awaits confirmation on this grant.');
        if (change.proposed_by === actor.userId) {
          throw DomainError.forbidden(
            'You proposed this change of the payment plan: someone else must confirm it.',
            WorkflowErrors.SEPARATION_OF_DUTIES,
          );
        }
        if (confirm) {
          await assertPlanOpen(m, grantId);
          const old = await unattestedPayments(m, grantId);
          for (const paymentId of old) {
            await this.engine.transition(m, PaymentWorkflow, paymentId, 'cancel', actor, {
              at,
              reason: `new payment plan: ${change.reason}`,
            });
          }
          await insertTranches(m, g, change.plan, at);
          await setPaymentPlan(m, grantId, change.plan, at);
          if (g.status === 'ACTIVE') await this.conditionHolds(m, grantId, 'ACCEPTANCE', at);
        }
        await decidePlanChangeRow(m, change.id, confirm ? 'CONFIRMED' : 'REJECTED', actor.userId, at, note ?? null);
        await this.audit.record(m, {
          action: confirm ? 'payment_plan.confirm' : 'payment_plan.reject',
          entityType: 'grant',
          entityId: grantId,
          before: { paymentPlan: g.paymentPlan },
          after: { paymentPlan: confirm ? change.plan : g.paymentPlan, changeId: change.id, note },
          actor,
        });
        return { status: 200, body: await planChangeView(m, change.id) };
      });
    });
  }
}

export interface PlanChangeView {
  id: string;
  grantId: string;
  status: string;
  plan: GrantPaymentLine[];
  reason: string;
  proposedBy: string;
  proposedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
}

async function planChangeView(m: EntityManager, id: string): Promise<PlanChangeView> {
  const r = await planChangeRow(m, id);
  return {
    id: r.id,
    grantId: r.grant_id,
    status: r.status,
    plan: r.plan,
    reason: r.reason,
    proposedBy: r.proposed_by,
    proposedAt: new Date(r.proposed_at).toISOString(),
    decidedBy: r.decided_by,
    decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
    decisionNote: r.decision_note,
  };
}

/** A plan can change until a payment of the grant has been attested. */
async function assertPlanOpen(m: EntityManager, grantId: string): Promise<void> {
  if (await hasAttestedPayment(m, grantId)) {
    throw DomainError.conflict(E.PLAN_LOCKED, 'A payment of this grant has been attested: its payment plan can no longer change.');
  }
}

function checkPlan(lines: Array<{ trigger: string; shareBp: number }>): void {
  const problems: FieldProblem[] = [];
  const total = sumOre(lines.map((l) => l.shareBp));
  if (total !== FULL_BP) {
    problems.push({ field: 'lines', code: E.INVALID_PLAN, message: `the shares add up to ${total} bp, not ${FULL_BP} (100 %)` });
  }
  lines.forEach((l, i) => {
    if (lines.findIndex((x) => x.trigger === l.trigger) !== i) {
      problems.push({ field: `lines[${i}].trigger`, code: E.INVALID_PLAN, message: `${l.trigger} is listed twice` });
    }
  });
  if (problems.length) throw DomainError.validation(problems, 'The payment plan does not add up.');
}

/** The payee as sent, checked: both numbers MOD11, and the organisation number the lead's where the register knows it. */
async function checkPayee(m: EntityManager, g: LockedGrant, dto: PayeeInput): Promise<PayeeInput> {
  const organisationNumber = dto.organisationNumber.replace(/\s/g, '');
  const account = normaliseAccount(dto.account);
  const problems: FieldProblem[] = [];
  if (!isOrganisationNumber(organisationNumber)) {
    problems.push({
      field: 'organisationNumber',
      code: E.INVALID_ORGANISATION_NUMBER,
      message: 'an organisation number is nine digits with a valid MOD11 check digit',
    });
  }
  if (!isBankAccount(account)) {
    problems.push({
      field: 'account',
      code: E.INVALID_ACCOUNT,
      message: 'an account number is eleven digits with a valid MOD11 check digit',
    });
  }
  if (problems.length) throw DomainError.validation(problems, 'The payee is not valid.');
  const lead = await leadOrganisation(m, g.consortiumId);
  if (lead?.org_number && lead.org_number !== organisationNumber) {
    throw DomainError.unprocessable(
      E.PAYEE_NOT_LEAD,
      `Payments go to the lead municipality, ${lead.name}, organisation number ${lead.org_number}, not ${organisationNumber}.`,
    );
  }
  return { organisationNumber, account };
}

/** The call's grant share for the year the application was first submitted (as the decision used it). */
async function grantShareBp(m: EntityManager, g: LockedGrant): Promise<number> {
  const r = await callRulesAndFirstSubmission(m, g.callId, g.applicationId);
  return maxShareFor(r.rules, osloYear(new Date(r.first)));
}

function grantNotActive(g: { id: string; status: string }): DomainError {
  return DomainError.conflict(E.GRANT_NOT_ACTIVE, `The grant is ${g.status.toLowerCase().replace(/_/g, ' ')}: no payment moves now.`, {
    grantStatus: g.status,
  });
}

function checkNotFuture(field: string, day: string, at: Date): void {
  if (day > osloDate(at).toString()) {
    throw DomainError.validation([{ field, code: E.DATE_IN_FUTURE, message: `${field} cannot be after today` }]);
  }
}

const conditionText: Record<(typeof PAYMENT_TRIGGERS)[number], string> = {
  ACCEPTANCE: 'the conditions were accepted',
  PROGRESS_REPORT_APPROVED: 'a progress report was approved',
  FINAL_REPORT_APPROVED: 'the final report was approved',
};

const kr = formatKroner;

/** 4550 → "45,5 %" (Norwegian texts). */
function percentNb(bp: number): string {
  return `${formatBpNorwegian(bp)} %`;
}
