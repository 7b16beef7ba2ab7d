import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CaseJournal } from '../../applications/case-journal.service';
import { AuditService } from '../../audit/audit.service';
import { reportRulesOf } from '../../calls/call-rules';
import { Actor } from '../../common/actor';
import { Clock } from '../../common/clock';
import { osloDate } from '../../common/legal-deadline';
import { DomainError } from '../../common/problem';
import { WorkflowEngine } from '../../workflow/workflow';
import { GrantPolicy } from '../grant.policy';
import { PlannedReport, reportPlan } from '../report-schedule';
import { AdHocReportDto, ExtendReportDto, ProjectEndDto } from './dto/reports.dto';
import { ReportPolicy } from './report.policy';
import { EDITABLE_REPORT_STATES, ReportWorkflow } from './report.workflow';
import { ReportErrors as E } from './reports.errors';
import {
  findReport,
  GrantForReports,
  grantForReports,
  insertReport,
  reportsOfGrant,
  rescheduleReport,
  setGrantProjectEnd,
  setReportDueOn,
} from './reports.queries';

/** A grant's schedule may change while it is awaiting acceptance or active. */
const SCHEDULABLE_GRANT_STATES = ['AWAITING_ACCEPTANCE', 'ACTIVE'];

const TITLES = {
  PROGRESS: (year: string) => `Framdriftsrapport ${year}`,
  FINAL: 'Sluttrapport',
};

/**
 * The reports a grant owes: generated from its call's schedule when it becomes ACTIVE, ad hoc reports an officer
 * adds, extensions, and a changed project end that moves the final report. Every change is audited and journaled (an
 * internal note, N, in the grant's case).
 */
@Injectable()
export class ReportSchedules {
  constructor(
    private readonly dataSource: DataSource,
    private readonly engine: WorkflowEngine,
    private readonly audit: AuditService,
    private readonly journal: CaseJournal,
    private readonly clock: Clock,
    private readonly reportPolicy: ReportPolicy,
    private readonly grantPolicy: GrantPolicy,
  ) {}

  /**
   * Generates the schedule's reports of a grant, in the caller's transaction (the acceptance's): a progress report each
   * year on the call's day while the project runs, and the final report. A report the grant already has is kept, so
   * generating twice makes nothing new. Returns the ids of the reports made.
   */
  async generate(m: EntityManager, grant: { id: string }, actor: Actor | 'system', at: Date): Promise<string[]> {
    const g = await grantForReports(m, grant.id, true);
    if (!g) throw new Error(`grant ${grant.id} does not exist`);
    const made: string[] = [];
    for (const p of reportPlan(g.reportSchedule, g.projectStart, g.projectEnd)) {
      const id = await this.insertPlanned(m, g, p, actor, at);
      if (id) made.push(id);
    }
    if (made.length) {
      await this.audit.record(m, {
        action: 'report.schedule_generated',
        entityType: 'grant',
        entityId: g.id,
        before: null,
        after: { reports: reportPlan(g.reportSchedule, g.projectStart, g.projectEnd).map((p) => ({ key: p.key, dueOn: p.dueOn })) },
        actor: actor === 'system' ? null : actor,
        actorLabel: actor === 'system' ? 'system' : undefined,
      });
    }
    return made;
  }

  private insertPlanned(m: EntityManager, g: GrantForReports, p: PlannedReport, actor: Actor | 'system', at: Date): Promise<string | null> {
    const rules = reportRulesOf({ reports: g.reportRules });
    return insertReport(m, {
      grant: g,
      kind: p.kind,
      scheduleKey: p.key,
      title: p.kind === 'FINAL' ? TITLES.FINAL : TITLES.PROGRESS(p.dueOn.slice(0, 4)),
      questions: [],
      sections: rules.sections,
      benefitSummaryMaxLength: rules.benefitSummaryMaxLength,
      periodStart: p.periodStart,
      periodEnd: p.periodEnd,
      dueOn: p.dueOn,
      createdBy: actor === 'system' ? null : actor.userId,
      at,
    });
  }

  /**
   * The grant was cancelled (a reversal on appeal): the reports not yet submitted are no longer owed, in the caller's
   * transaction. Submitted and approved ones stay as they are.
   */
  async cancelOpen(m: EntityManager, grantId: string, reason: string, at: Date): Promise<number> {
    const open = (await reportsOfGrant(m, grantId)).filter((r) => r.status === 'DRAFT');
    for (const r of open) await this.engine.transition(m, ReportWorkflow, r.id, 'cancel', 'system', { at, reason });
    return open.length;
  }

  /** An officer asks the grant's consortium for an ad hoc report: a title, a due date and the questions to answer. */
  async addAdHoc(actor: Actor, grantId: string, dto: AdHocReportDto): Promise<string> {
    return this.dataSource.transaction(async (m) => {
      await this.grantPolicy.assert(m, actor, grantId, 'manage', { lock: true });
      const g = (await grantForReports(m, grantId, true))!;
      requireSchedulable(g, ['ACTIVE']);
      const at = this.clock.now();
      const today = osloDate(at).toString();
      if (dto.dueOn < today) {
        throw DomainError.unprocessable(E.DUE_DATE_IN_PAST, `The report cannot be due before today (${today}).`, [
          { field: 'dueOn', code: E.DUE_DATE_IN_PAST, message: `must be today (${today}) or later` },
        ]);
      }
      const rules = reportRulesOf({ reports: g.reportRules });
      const title = dto.title.trim();
      const questions = dto.questions.map((q) => q.trim());
      const id = (await insertReport(m, {
        grant: g,
        kind: 'AD_HOC',
        scheduleKey: null,
        title,
        questions,
        sections: [],
        benefitSummaryMaxLength: rules.benefitSummaryMaxLength,
        periodStart: null,
        periodEnd: null,
        dueOn: dto.dueOn,
        createdBy: actor.userId,
        at,
      }))!;
      await this.audit.record(m, {
        action: 'report.ad_hoc_added',
        entityType: 'report',
        entityId: id,
        before: null,
        after: { grantId, title, dueOn: dto.dueOn, questions },
        actor,
      });
      await this.note(m, g.caseNumber, actor, at, 'RAPPORTKRAV', `Krav om ekstra rapport: ${title}, frist ${dto.dueOn}`);
      return id;
    });
  }

  /** An officer grants an extension: a later due date, with the reason. */
  async extend(actor: Actor, reportId: string, dto: ExtendReportDto): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await this.reportPolicy.assert(m, actor, reportId, 'manage', { lock: true });
      const r = (await findReport(m, reportId))!;
      if (!EDITABLE_REPORT_STATES.includes(r.status)) {
        throw DomainError.conflict(E.REPORT_NOT_OPEN, `A ${r.status.toLowerCase()} report gets no new due date.`, {
          currentState: r.status,
        });
      }
      if (dto.dueOn <= r.dueOn) {
        throw DomainError.unprocessable(E.DUE_DATE_NOT_LATER, `An extension moves the due date later than ${r.dueOn}.`, [
          { field: 'dueOn', code: E.DUE_DATE_NOT_LATER, message: `must be after the current due date ${r.dueOn}` },
        ]);
      }
      const at = this.clock.now();
      const reason = dto.reason.trim();
      await setReportDueOn(m, reportId, dto.dueOn, at);
      await this.audit.record(m, {
        action: 'report.extended',
        entityType: 'report',
        entityId: reportId,
        before: { dueOn: r.dueOn },
        after: { dueOn: dto.dueOn, reason },
        actor,
      });
      await this.note(m, r.caseNumber, actor, at, 'RAPPORTFRIST', `Utsatt frist for ${r.title}: ${r.dueOn} → ${dto.dueOn} (${reason})`);
    });
  }

  /**
   * An officer changes the grant's project end, with the reason: the schedule follows it. The final report moves to its
   * new due date (and period); a progress report the new period no longer owes is cancelled if nothing was submitted,
   * and one it now owes is added.
   */
  async changeProjectEnd(actor: Actor, grantId: string, dto: ProjectEndDto): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await this.grantPolicy.assert(m, actor, grantId, 'manage', { lock: true });
      await this.moveProjectEnd(m, actor, grantId, dto, this.clock.now());
    });
  }

  /**
   * The project end moved, in the caller's transaction (an officer's correction, or an approved change request): the
   * grant's end, the final report's due date and period, and the progress reports owed, audited and journaled.
   */
  async moveProjectEnd(m: EntityManager, actor: Actor, grantId: string, dto: ProjectEndDto, at: Date): Promise<void> {
    const g = (await grantForReports(m, grantId, true))!;
    requireSchedulable(g);
    if (g.projectStart && dto.projectEnd <= g.projectStart) {
      throw DomainError.unprocessable(E.PROJECT_ENDS_BEFORE_START, `The project starts ${g.projectStart}; it must end after that.`, [
        { field: 'projectEnd', code: E.PROJECT_ENDS_BEFORE_START, message: `must be after the project start ${g.projectStart}` },
      ]);
    }
    const reason = dto.reason.trim();
    const existing = await reportsOfGrant(m, grantId);
    const final = existing.find((r) => r.scheduleKey === 'FINAL');
    if (final && final.status !== 'DRAFT') {
      throw DomainError.conflict(E.FINAL_REPORT_SUBMITTED, 'The final report is submitted: the project end can no longer move it.', {
        reportId: final.id,
      });
    }
    await setGrantProjectEnd(m, grantId, dto.projectEnd, at);
    await this.audit.record(m, {
      action: 'grant.project_end_changed',
      entityType: 'grant',
      entityId: grantId,
      before: { projectEnd: g.projectEnd },
      after: { projectEnd: dto.projectEnd, reason },
      actor,
    });
    const moved: string[] = [];
    if (g.status === 'ACTIVE') {
      const plan = reportPlan(g.reportSchedule, g.projectStart, dto.projectEnd);
      for (const r of existing.filter((x) => x.kind === 'PROGRESS' && !plan.some((p) => p.key === x.scheduleKey))) {
        if (r.status !== 'DRAFT') continue; // submitted: it stays owed and answered
        await this.engine.transition(m, ReportWorkflow, r.id, 'cancel', actor, { at, reason: `the project now ends ${dto.projectEnd}` });
        moved.push(`${r.title} bortfaller`);
      }
      for (const p of plan) {
        const have = existing.find((x) => x.scheduleKey === p.key);
        if (!have) {
          await this.insertPlanned(m, { ...g, projectEnd: dto.projectEnd }, p, actor, at);
          moved.push(`${p.kind === 'FINAL' ? TITLES.FINAL : TITLES.PROGRESS(p.dueOn.slice(0, 4))} ny, frist ${p.dueOn}`);
        } else if (p.kind === 'FINAL' && (have.dueOn !== p.dueOn || have.periodEnd !== p.periodEnd)) {
          // the schedule's date, not an extension: the final report is owed anew from the new end
          await rescheduleReport(m, have.id, p.dueOn, p.periodEnd, at);
          await this.audit.record(m, {
            action: 'report.rescheduled',
            entityType: 'report',
            entityId: have.id,
            before: { dueOn: have.dueOn, periodEnd: have.periodEnd },
            after: { dueOn: p.dueOn, periodEnd: p.periodEnd, reason },
            actor,
          });
          moved.push(`${have.title} flyttet ${have.dueOn} → ${p.dueOn}`);
        }
      }
    }
    const tail = moved.length ? `; ${moved.join('; ')}` : '';
    await this.note(
      m,
      g.caseNumber,
      actor,
      at,
      'PROSJEKTSLUTT',
      `Prosjektslutt endret ${g.projectEnd ?? '–'} → ${dto.projectEnd} (${reason})${tail}`,
    );
  }

  private async note(m: EntityManager, caseNumber: string, actor: Actor, at: Date, documentType: string, title: string): Promise<void> {
    await this.journal.record(m, caseNumber, { direction: 'N', documentType, title: title.slice(0, 1000), actor, at });
  }
}

function requireSchedulable(g: GrantForReports, states: readonly string[] = SCHEDULABLE_GRANT_STATES): void {
  if (!states.includes(g.status)) {
    throw DomainError.conflict(E.GRANT_NOT_ACTIVE, `The grant is ${g.status.toLowerCase()}: its reports cannot change.`, {
      grantStatus: g.status,
    });
  }
}
