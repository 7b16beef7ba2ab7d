import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { CallRules } from '../calls/call-rules';
import { Actor } from '../common/actor';
import { splitByBp } from '../common/money';
import { DomainError } from '../common/problem';
import { decodeCursor, Page, pageLimit, PageQuery, toPage } from '../common/pagination';
import { WorkflowEngine } from '../workflow/workflow';
import { Grant, GrantPaymentLine } from './entities/grant.entity';
import { GrantPolicy } from './grant.policy';
import { GrantWorkflow, LIVE_GRANT_STATES } from './grant.workflow';
import { GrantErrors as E } from './grants.errors';
import {
  addToCommitted,
  grantPage,
  lockCallBudget,
  lockGrantOfApplicationIn,
  lockLivePaymentsOfGrant,
  plannedPaymentsWithTriggers,
} from './grants.queries';
import { termsHistory } from './changes/grant-changes.queries';
import { GrantTerms as TermsVersion, inForceAt } from './changes/grant-terms';
import { GrantLedger, readLedger } from './payments/ledger';
import { PaymentWorkflow } from './payments/payment.workflow';
import { cancelOpenTranches, insertTranches } from './payments/tranches';
import { scheduledReports } from './report-schedule';
import { osloDate } from '../common/legal-deadline';
import { Clock } from '../common/clock';
import { reportsOfGrant } from './reports/reports.queries';
import { ReportSchedules } from './reports/report-schedules.service';
import { isOverdue } from './reports/report-content';

export interface GrantView {
  id: string;
  status: string;
  decisionId: string;
  applicationId: string;
  callId: string;
  consortiumId: string;
  caseNumber: string;
  amountOre: number;
  paymentPlan: GrantPaymentLine[];
  reportSchedule: { progressReportDue: string; finalReportMonthsAfterEnd: number };
  /** The reports owed: the generated ones once the grant is active, else the schedule as planned (no id yet). */
  reports: Array<{ kind: string; dueOn: string; id?: string; title?: string; status?: string; overdue?: boolean }>;
  projectStart: string | null;
  projectEnd: string | null;
  acceptBy: string;
  acceptance: {
    acceptedAt: string;
    name: string;
    title: string;
    channel: string;
    documentSha256: string | null;
    signedOn: string | null;
  } | null;
  createdAt: string;
  updatedAt: string;
  /** One grant asked for by id: its ledger, summed from the payment and reclaim rows (not in lists). */
  ledger?: GrantLedger;
  /** One grant asked for by id: every version of its terms, the decided one first (not in lists). */
  terms?: TermsVersion[];
  /** The version of the terms in force today. */
  termsVersionInForce?: number;
}

/** What a decision passes when it creates or changes a grant. */
export interface GrantTerms {
  decisionId: string;
  applicationId: string;
  callId: string;
  consortiumId: string;
  caseNumber: string;
  amountOre: number;
  rules: CallRules;
  projectStart: string | null;
  projectEnd: string | null;
  acceptBy: Date;
}

/**
 * Grants and the call budget they commit. Every change of a live grant's amount moves `call.committed_ore` in the
 * same transaction under the call's row lock; the database holds it within the budget (CHECK) and equal to the sum of
 * the live grants (a constraint trigger checked at commit).
 */
@Injectable()
export class GrantsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: GrantPolicy,
    private readonly engine: WorkflowEngine,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly reportSchedules: ReportSchedules,
  ) {}

  /**
   * Moves the call's committed amount by `deltaOre` under the call's row lock. Refuses (422 BUDGET_EXCEEDED, with the
   * amount left) a move that would take it above the budget.
   */
  async commit(m: EntityManager, callId: string, deltaOre: number): Promise<{ budgetOre: number; committedOre: number }> {
    const budget = await lockCallBudget(m, callId);
    if (!budget) throw new Error(`call ${callId} does not exist`);
    const { budgetOre, committedOre } = budget;
    const remainingOre = budgetOre - committedOre;
    if (deltaOre > remainingOre) {
      throw new DomainError(
        422,
        E.BUDGET_EXCEEDED,
        `Approving this would commit ${deltaOre} øre of the call's budget, but only ${remainingOre} øre is left.`,
        undefined,
        { remainingOre, requiredOre: deltaOre, budgetOre, committedOre },
      );
    }
    if (deltaOre !== 0) {
      await addToCommitted(m, callId, deltaOre);
    }
    return { budgetOre, committedOre: committedOre + deltaOre };
  }

  /** The live grant of an application (awaiting acceptance, active or completed), locked. */
  async liveFor(m: EntityManager, applicationId: string): Promise<Grant | null> {
    const id = await lockGrantOfApplicationIn(m, applicationId, LIVE_GRANT_STATES);
    return id ? m.getRepository(Grant).findOneByOrFail({ id }) : null;
  }

  /** The grant an approved decision creates: the call's payment plan and report schedule copied onto it. */
  async create(m: EntityManager, t: GrantTerms, actor: Actor, at: Date): Promise<Grant> {
    const repo = m.getRepository(Grant);
    const grant = repo.create({
      status: 'AWAITING_ACCEPTANCE',
      decisionId: t.decisionId,
      applicationId: t.applicationId,
      callId: t.callId,
      consortiumId: t.consortiumId,
      caseNumber: t.caseNumber,
      amountOre: t.amountOre,
      paymentPlan: paymentLines(t.rules, t.amountOre),
      reportSchedule: { ...t.rules.reportSchedule },
      projectStart: t.projectStart,
      projectEnd: t.projectEnd,
      acceptBy: t.acceptBy,
      acceptedAt: null,
      acceptedByUser: null,
      acceptedByName: null,
      acceptedByTitle: null,
      acceptanceChannel: null,
      acceptanceDocumentKey: null,
      acceptanceDocumentSha256: null,
      acceptanceSignedOn: null,
      createdAt: at,
      updatedAt: at,
    });
    await repo.insert(grant);
    await insertTranches(m, grant, grant.paymentPlan, at);
    await this.audit.record(m, {
      action: 'grant.create',
      entityType: 'grant',
      entityId: grant.id,
      before: null,
      after: { status: grant.status, amountOre: grant.amountOre, decisionId: t.decisionId, acceptBy: t.acceptBy.toISOString() },
      actor,
    });
    return grant;
  }

  /**
   * A reversal on appeal changed the amount: the grant follows the decision now in force. Its payment plan is
   * recomputed; a grant still awaiting acceptance gets the new letter's deadline.
   */
  async amend(m: EntityManager, grant: Grant, t: GrantTerms, actor: Actor, at: Date): Promise<Grant> {
    const before = { amountOre: grant.amountOre, decisionId: grant.decisionId, acceptBy: grant.acceptBy.toISOString() };
    const acceptBy = grant.status === 'AWAITING_ACCEPTANCE' ? t.acceptBy : grant.acceptBy;
    const lines = paymentLines(t.rules, t.amountOre);
    await this.replaceUnstartedTranches(m, grant, lines, at);
    await m
      .getRepository(Grant)
      .update({ id: grant.id }, { amountOre: t.amountOre, decisionId: t.decisionId, paymentPlan: lines, acceptBy, updatedAt: at });
    await this.audit.record(m, {
      action: 'grant.amend',
      entityType: 'grant',
      entityId: grant.id,
      before,
      after: { amountOre: t.amountOre, decisionId: t.decisionId, acceptBy: acceptBy.toISOString() },
      actor,
    });
    return m.getRepository(Grant).findOneByOrFail({ id: grant.id });
  }

  /** A reversal to a rejection: the grant is cancelled (its amount leaves the committed sum in the same transaction). */
  async cancel(m: EntityManager, grant: Grant, actor: Actor, reason: string, at: Date): Promise<void> {
    await this.engine.transition(m, GrantWorkflow, grant.id, 'cancel', actor, { reason, at });
    await this.reportSchedules.cancelOpen(m, grant.id, `the grant was cancelled: ${reason}`, at);
    await cancelOpenTranches(m, this.engine, grant.id, `the grant was cancelled: ${reason}`, at);
  }

  /**
   * A new amount (a reversal on appeal) gives new tranches, as long as none has been attested: the tranches still
   * planned or payable are cancelled and the new plan's are made (payable ones stay payable). Once money is on its
   * way the plan is fixed (409 PLAN_LOCKED).
   */
  private async replaceUnstartedTranches(m: EntityManager, grant: Grant, lines: GrantPaymentLine[], at: Date): Promise<void> {
    const rows = await lockLivePaymentsOfGrant(m, grant.id);
    if (rows.some((r) => r.status !== 'PLANNED' && r.status !== 'PAYABLE')) {
      throw DomainError.conflict(
        E.PLAN_LOCKED,
        'A payment of this grant has been attested: its amount cannot change here (raise a reclaim, or settle it at the final report).',
      );
    }
    const payable = new Set(rows.filter((r) => r.status === 'PAYABLE').map((r) => r.trigger));
    for (const r of rows) {
      await this.engine.transition(m, PaymentWorkflow, r.id, 'cancel', 'system', { at, reason: 'the grant was amended on appeal' });
    }
    await insertTranches(m, grant, lines, at);
    const fresh = await plannedPaymentsWithTriggers(m, grant.id, [...payable]);
    for (const id of fresh) {
      await this.engine.transition(m, PaymentWorkflow, id, 'make_payable', 'system', {
        at,
        reason: 'its condition held before the amendment',
      });
    }
  }

  async get(actor: Actor, id: string): Promise<GrantView> {
    const m = this.dataSource.manager;
    await this.policy.assert(m, actor, id, 'read');
    const g = await m.getRepository(Grant).findOneByOrFail({ id });
    const ledger = await readLedger(m, id, g.amountOre);
    // a settlement's reclaim the officer has not yet confirmed (or dismissed) is internal to the directorate
    const staff = actor.roles.some((r) => r !== 'applicant');
    if (!staff) ledger.reclaims = ledger.reclaims.filter((r) => r.status !== 'PROPOSED' && r.status !== 'DISMISSED');
    const terms = await termsHistory(m, id);
    const today0 = osloDate(this.clock.now()).toString();
    const view = { ...grantView(g), ledger, terms, termsVersionInForce: inForceAt(terms, today0).version };
    const reports = await reportsOfGrant(m, id);
    if (!reports.length) return view;
    const today = osloDate(this.clock.now()).toString();
    return {
      ...view,
      reports: reports.map((r) => ({
        kind: r.kind,
        dueOn: r.dueOn,
        id: r.id,
        title: r.title,
        status: r.status,
        overdue: isOverdue(r.status, r.dueOn, today),
      })),
    };
  }

  /** The grants the actor may see, newest first, filtered by call or status. */
  async list(actor: Actor, q: PageQuery & { callId?: string; status?: string }): Promise<Page<GrantView>> {
    const limit = pageLimit(q);
    const after = decodeCursor(q.cursor, ['timestamp', 'uuid']);
    const params: unknown[] = [];
    const bind = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = [this.policy.filter(actor, 'read').sql('g', bind)];
    if (q.callId) where.push(`g.call_id = ${bind(q.callId)}::uuid`);
    if (q.status) where.push(`g.status = ${bind(q.status)}`);
    if (after) where.push(`(g.created_at, g.id) < (${bind(after[0])}::timestamptz, ${bind(after[1])}::uuid)`);
    const rows = await grantPage(this.dataSource.manager, where, params, limit);
    const page = toPage(rows, limit, (r) => [r.at, r.id]);
    const grants = page.items.length ? await this.dataSource.getRepository(Grant).findBy(page.items.map((r) => ({ id: r.id }))) : [];
    const byId = new Map(grants.map((g) => [g.id, g]));
    return { items: page.items.map((r) => grantView(byId.get(r.id)!)), nextCursor: page.nextCursor };
  }
}

/** The payment plan in øre: each line's share of the amount, the rounding remainder on the last line. */
export function paymentLines(rules: CallRules, amountOre: number): GrantPaymentLine[] {
  const amounts = splitByBp(
    amountOre,
    rules.paymentPlan.map((p) => p.shareBp),
  );
  return rules.paymentPlan.map((p, i) => ({ trigger: p.trigger, shareBp: p.shareBp, amountOre: amounts[i] }));
}

export function grantView(g: Grant): GrantView {
  return {
    id: g.id,
    status: g.status,
    decisionId: g.decisionId,
    applicationId: g.applicationId,
    callId: g.callId,
    consortiumId: g.consortiumId,
    caseNumber: g.caseNumber,
    amountOre: g.amountOre,
    paymentPlan: g.paymentPlan,
    reportSchedule: g.reportSchedule,
    reports: scheduledReports(g.reportSchedule, g.projectStart, g.projectEnd),
    projectStart: g.projectStart,
    projectEnd: g.projectEnd,
    acceptBy: new Date(g.acceptBy).toISOString(),
    acceptance: g.acceptedAt
      ? {
          acceptedAt: new Date(g.acceptedAt).toISOString(),
          name: g.acceptedByName!,
          title: g.acceptedByTitle!,
          channel: g.acceptanceChannel!,
          documentSha256: g.acceptanceDocumentSha256,
          signedOn: g.acceptanceSignedOn,
        }
      : null,
    createdAt: new Date(g.createdAt).toISOString(),
    updatedAt: new Date(g.updatedAt).toISOString(),
  };
}
