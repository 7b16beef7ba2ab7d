import { Injectable, OnModuleInit } from '@nestjs/common';
import { Readable } from 'node:stream';
import { Temporal } from 'temporal-polyfill';
import { DataSource, EntityManager } from 'typeorm';
import { ApplicantCorrespondence } from '../applications/applicant-correspondence.service';
import { ApplicationContent } from '../applications/application-content';
import { CaseJournal } from '../applications/case-journal.service';
import { Application, ApplicationVersion } from '../applications/entities/application.entity';
import { AuditService } from '../audit/audit.service';
import { reportRulesOf } from '../calls/call-rules';
import { Actor } from '../common/actor';
import { Clock } from '../common/clock';
import { osloDate } from '../common/legal-deadline';
import { sumOre } from '../common/money';
import { DomainError } from '../common/problem';
import { sqlOre } from '../database/sql-numbers';
import { renderPdfA } from '../documents/pdf-document';
import { NotificationService } from '../notifications/notification.service';
import { FileStorage } from '../storage/storage.port';
import { TemplateRenderer } from '../templates/template-renderer';
import { WorkflowEngine } from '../workflow/workflow';
import { GrantPolicy } from './grant.policy';
import { GrantWorkflow } from './grant.workflow';
import {
  applicationTitle,
  confirmedChangeForMail,
  decisionLanguage,
  displayName,
  findStatusChange,
  GrantStatusChangeRow,
  insertStatusChange,
  openStatusChange,
  paidOfGrant,
  recordOutcome,
  StatusChangeOutcome,
  statusChangesOf,
  terminationOfStatement,
  unpaidTranches,
} from './grant-status.queries';
import { GrantStatusChangeKind } from './grant-status.kinds';
import { GRANT_EVENT_OF, GrantStatusChangeWorkflow } from './grant-status.workflow';
import { GrantErrors as E } from './grants.errors';
import { PaymentWorkflow } from './payments/payment.workflow';
import { lockGrant, LockedGrant, PaymentsService } from './payments/payments.service';
import { reportedEligibleCostsOre } from './payments/payments.queries';
import { cancelOpenTranches } from './payments/tranches';
import { grantForReports, insertReport } from './reports/reports.queries';
import { ReportSchedules } from './reports/report-schedules.service';
import { ReportsService } from './reports/reports.service';

export const GRANT_STATUS_CHANGED_EVENT = 'grant.status_changed';

/** The states each kind applies to. */
const APPLIES_TO: Record<GrantStatusChangeKind, readonly string[]> = {
  SUSPEND: ['ACTIVE'],
  LIFT_SUSPENSION: ['SUSPENDED'],
  TERMINATE: ['ACTIVE', 'SUSPENDED'],
};

const LETTER_VARIABLES = [
  'caseNumber',
  'sentAt',
  'officerName',
  'approverName',
  'leadName',
  'recipientNames',
  'consortiumName',
  'projectTitle',
  'grantedOre',
  'paidOre',
  'cancelledOre',
  'suspend',
  'lift',
  'terminate',
  'reasons',
  'statementDueOn',
];
const MAIL_VARIABLES = ['caseNumber', 'projectTitle', 'suspend', 'lift', 'terminate', 'statementDueOn'];

const TITLES = {
  nb: {
    SUSPEND: (p: string) => `Vedtak om stans av tilskudd – ${p}`,
    LIFT_SUSPENSION: (p: string) => `Vedtak om å oppheve stansen av tilskudd – ${p}`,
    TERMINATE: (p: string) => `Vedtak om heving av tilskudd – ${p}`,
  },
  nn: {
    SUSPEND: (p: string) => `Vedtak om stans av tilskot – ${p}`,
    LIFT_SUSPENSION: (p: string) => `Vedtak om å oppheve stansen av tilskot – ${p}`,
    TERMINATE: (p: string) => `Vedtak om heving av tilskot – ${p}`,
  },
} as const;

/** The questions of the ad hoc report that asks a terminated grant for its final financial statement. */
const STATEMENT_QUESTIONS = [
  'Gjør rede for hva tilskuddet er brukt til fram til hevingen, og hva som gjenstår av prosjektet.',
  'Gjør rede for kostnadene i sluttregnskapet (faktiske tilskuddsberettigede kostnader per kostnadskategori og år).',
];
const STATEMENT_TITLE = 'Sluttregnskap etter heving av tilskuddet';

export interface GrantStatusChangeView {
  id: string;
  grantId: string;
  kind: GrantStatusChangeKind;
  status: string;
  reasons: string;
  statementDueOn: string | null;
  proposedBy: string;
  proposedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  statementReportId: string | null;
  letter: { entryNumber: string; language: string; pdfSha256: string } | null;
}

/**
 * Suspension, lifting it, and termination of a grant (issue 14). An officer proposes with reasons; an approver who
 * did not propose it confirms (or rejects). A confirmation is the grant's own transition (audited by the engine), a
 * decision letter in the lead municipality's language (HTML and PDF/A, an outgoing journal entry, mailed through the
 * outbox), in one transaction. A termination also cancels the tranches not yet paid, cancels the reports still owed
 * and asks for the final financial statement as an ad hoc report; when that report is approved, the final settlement
 * (settlement.ts, through PaymentsService.settleFinal) computes the reclaim of unused money from it.
 */
@Injectable()
export class GrantStatusService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly engine: WorkflowEngine,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly policy: GrantPolicy,
    private readonly payments: PaymentsService,
    private readonly reports: ReportsService,
    private readonly reportSchedules: ReportSchedules,
    private readonly templates: TemplateRenderer,
    private readonly storage: FileStorage,
    private readonly correspondence: ApplicantCorrespondence,
    private readonly notifications: NotificationService,
    private readonly journal: CaseJournal,
  ) {}

  onModuleInit() {
    this.templates.require('letter', 'grant-status-letter', LETTER_VARIABLES);
    this.notifications.define({
      event: GRANT_STATUS_CHANGED_EVENT,
      template: 'grant-status-changed',
      // a grant stopped, resumed or ended: the party must be told, whatever its preferences
      mandatory: true,
      variables: MAIL_VARIABLES,
      resolve: async ({ manager, data }) => {
        const c = await confirmedChangeForMail(manager, (data as { changeId: string }).changeId);
        return c
          ? {
              caseNumber: c.caseNumber,
              projectTitle: c.projectTitle,
              suspend: c.kind === 'SUSPEND',
              lift: c.kind === 'LIFT_SUSPENSION',
              terminate: c.kind === 'TERMINATE',
              statementDueOn: c.statementDueOn ?? '',
            }
          : null;
      },
    });
    // the final financial statement of a terminated grant approved: the settlement reclaims what was not used
    this.reports.onApproved(async (m, e) => {
      if (e.kind !== 'AD_HOC') return;
      const termination = await terminationOfStatement(m, e.reportId);
      if (!termination) return;
      await this.payments.settleFinal(m, e.grantId, await reportedEligibleCostsOre(m, e.reportId, e.version), e.reportId, e.at);
    });
  }

  async list(actor: Actor, grantId: string): Promise<{ items: GrantStatusChangeView[] }> {
    const m = this.dataSource.manager;
    await this.policy.assert(m, actor, grantId, 'read');
    const staff = actor.roles.some((r) => r !== 'applicant');
    return { items: (await statusChangesOf(m, grantId, !staff)).map(view) };
  }

  async propose(
    actor: Actor,
    grantId: string,
    dto: { kind: GrantStatusChangeKind; reasons: string; statementDueOn?: string },
  ): Promise<GrantStatusChangeView> {
    return this.dataSource.transaction(async (m) => {
      await this.policy.assert(m, actor, grantId, 'manage');
      const g = (await lockGrant(m, grantId))!;
      const at = this.clock.now();
      assertApplies(dto.kind, g.status);
      if (dto.kind !== 'TERMINATE' && dto.statementDueOn !== undefined) {
        throw DomainError.validation([
          { field: 'statementDueOn', code: E.STATUS_CHANGE_NOT_APPLICABLE, message: 'only a termination asks for a final statement' },
        ]);
      }
      if (dto.statementDueOn !== undefined && dto.statementDueOn <= osloDate(at).toString()) {
        throw DomainError.validation([
          { field: 'statementDueOn', code: E.STATEMENT_DUE_NOT_AFTER_TODAY, message: 'the statement must be due after today' },
        ]);
      }
      if (await openStatusChange(m, grantId)) {
        throw DomainError.conflict(E.STATUS_CHANGE_PENDING, 'A change of this grant’s status already awaits the approver.');
      }
      const reasons = dto.reasons.trim();
      const id = await insertStatusChange(m, {
        grantId,
        kind: dto.kind,
        reasons,
        statementDueOn: dto.statementDueOn ?? null,
        proposedBy: actor.userId,
        at,
      });
      await this.audit.record(m, {
        action: 'grant_status_change.propose',
        entityType: 'grant_status_change',
        entityId: id,
        before: null,
        after: { grantId, kind: dto.kind, reasons, statementDueOn: dto.statementDueOn ?? null },
        actor,
      });
      await this.journalNote(m, g, actor, at, `Forslag: ${TITLES.nb[dto.kind](await projectTitle(m, g))} (venter på godkjenning)`);
      return view((await findStatusChange(m, grantId, id))!);
    });
  }

  /** The approver (not the proposer) confirms: the grant moves, the letter goes out; or rejects, with a note. */
  async decide(actor: Actor, grantId: string, id: string, dto: { confirm: boolean; note?: string }): Promise<GrantStatusChangeView> {
    return this.dataSource.transaction(async (m) => {
      await this.policy.assert(m, actor, grantId, 'read');
      const g = (await lockGrant(m, grantId))!;
      const c = await findStatusChange(m, grantId, id);
      if (!c) throw DomainError.notFound('Grant status change', id);
      const at = this.clock.now();
      const note = dto.note?.trim() || null;
      if (!dto.confirm) {
        await this.engine.transition(m, GrantStatusChangeWorkflow, id, 'reject', actor, {
          at,
          reason: note ?? undefined,
          set: { decided_by: actor.userId, decided_at: at.toISOString(), decision_note: note },
        });
        await this.journalNote(m, g, actor, at, `Avslått forslag: ${TITLES.nb[c.kind](await projectTitle(m, g))}`);
        return view((await findStatusChange(m, grantId, id))!);
      }
      // the change's own transition first: its role, state and four-eyes checks refuse before anything else moves
      await this.engine.transition(m, GrantStatusChangeWorkflow, id, 'confirm', actor, {
        at,
        reason: note ?? undefined,
        set: { decided_by: actor.userId, decided_at: at.toISOString(), decision_note: note },
        details: { before: {}, after: { kind: c.kind, grantId } },
      });
      assertApplies(c.kind, g.status);
      let cancelledOre = 0;
      let statementReportId: string | null = null;
      let statementDueOn: string | null = null;
      if (c.kind === 'TERMINATE') {
        ({ cancelledOre, statementReportId, statementDueOn } = await this.terminate(m, g, c, actor, at));
      }
      await this.engine.transition(m, GrantWorkflow, grantId, GRANT_EVENT_OF[c.kind], actor, {
        at,
        reason: c.reasons,
        details: { before: {}, after: { statusChangeId: id, ...(c.kind === 'TERMINATE' ? { cancelledOre, statementReportId } : {}) } },
      });
      const letter = await this.sendLetter(m, g, c, actor, at, { cancelledOre, statementDueOn });
      await recordOutcome(m, id, { ...letter, statementReportId, statementDueOn });
      return view((await findStatusChange(m, grantId, id))!);
    });
  }

  /**
   * The termination's consequences, before the grant moves: every tranche not yet paid is cancelled (an attested or
   * approved one not yet sent is withdrawn; one sent to the bank is left for the bank's answer), the reports still
   * owed are cancelled, and the final financial statement is asked for as an ad hoc report.
   */
  private async terminate(
    m: EntityManager,
    g: LockedGrant,
    c: GrantStatusChangeRow,
    actor: Actor,
    at: Date,
  ): Promise<{ cancelledOre: number; statementReportId: string; statementDueOn: string }> {
    const reason = `the grant was terminated: ${c.reasons}`;
    const unpaid = await unpaidTranches(m, g.id);
    const cancelledOre = sumOre(unpaid.map((p) => sqlOre(p.amountOre)));
    for (const p of unpaid.filter((x) => x.status === 'ATTESTED' || x.status === 'APPROVED')) {
      await this.engine.transition(m, PaymentWorkflow, p.id, 'withdraw', 'system', { at, reason });
    }
    await cancelOpenTranches(m, this.engine, g.id, reason, at);
    await this.reportSchedules.cancelOpen(m, g.id, reason, at);
    const statementDueOn =
      c.statementDueOn ?? osloDate(at).add({ months: 1 }).toString(); /* a month for the statement unless the officer said otherwise */
    if (Temporal.PlainDate.compare(Temporal.PlainDate.from(statementDueOn), osloDate(at)) <= 0) {
      throw DomainError.unprocessable(E.STATEMENT_DUE_NOT_AFTER_TODAY, `The statement was to be due ${statementDueOn}, which has passed.`);
    }
    const rg = (await grantForReports(m, g.id))!;
    const rules = reportRulesOf({ reports: rg.reportRules });
    const statementReportId = (await insertReport(m, {
      grant: rg,
      kind: 'AD_HOC',
      scheduleKey: null,
      title: STATEMENT_TITLE,
      questions: STATEMENT_QUESTIONS,
      sections: [],
      benefitSummaryMaxLength: rules.benefitSummaryMaxLength,
      periodStart: null,
      periodEnd: null,
      dueOn: statementDueOn,
      createdBy: actor.userId,
      at,
    }))!;
    await this.audit.record(m, {
      action: 'report.ad_hoc_added',
      entityType: 'report',
      entityId: statementReportId,
      before: null,
      after: { grantId: g.id, title: STATEMENT_TITLE, dueOn: statementDueOn, financialStatement: true, statusChangeId: c.id },
      actor,
    });
    return { cancelledOre, statementReportId, statementDueOn };
  }

  /** The decision letter: rendered in the lead municipality's language, stored, journaled (U) and mailed with its PDF. */
  private async sendLetter(
    m: EntityManager,
    g: LockedGrant,
    c: GrantStatusChangeRow,
    actor: Actor,
    at: Date,
    extra: { cancelledOre: number; statementDueOn: string | null },
  ): Promise<Omit<StatusChangeOutcome, 'statementReportId' | 'statementDueOn'>> {
    const app = await m.getRepository(Application).findOneByOrFail({ id: g.applicationId });
    const content: ApplicationContent = (
      await m.getRepository(ApplicationVersion).findOneByOrFail({ applicationId: app.id, version: app.currentVersion })
    ).content;
    const language = await decisionLanguage(m, g.decisionId);
    const lead = content.consortium.members.find((x) => x.lead);
    const { html } = this.templates.renderLetter('grant-status-letter', language, {
      caseNumber: g.caseNumber,
      sentAt: at,
      officerName: (await displayName(m, c.proposedBy)) ?? '',
      approverName: (await displayName(m, actor.userId)) ?? actor.email,
      leadName: lead?.name ?? content.consortium.leadMunicipality,
      recipientNames: [...new Set(content.contactPersons.map((p) => p.name))].join(', '),
      consortiumName: content.consortium.name,
      projectTitle: content.title,
      grantedOre: g.amountOre,
      paidOre: sqlOre(await paidOfGrant(m, g.id)),
      cancelledOre: extra.cancelledOre,
      suspend: c.kind === 'SUSPEND',
      lift: c.kind === 'LIFT_SUSPENSION',
      terminate: c.kind === 'TERMINATE',
      reasons: c.reasons
        .split(/\n\s*\n/)
        .map((x) => x.trim())
        .filter(Boolean),
      statementDueOn: extra.statementDueOn ?? '',
    });
    const title = TITLES[language][c.kind](content.title);
    const pdf = await renderPdfA(html, {
      title: `${title} (${g.caseNumber})`,
      author: 'Helsedirektoratet',
      subject: `${title} i sak ${g.caseNumber}`,
      language: language === 'nn' ? 'nn-NO' : 'nb-NO',
      createdAt: at,
    });
    const storedHtml = await this.storage.write(Readable.from([Buffer.from(html, 'utf8')]));
    const storedPdf = await this.storage.write(Readable.from([pdf]));
    const entry = await this.correspondence.write(m, app, actor, at, {
      documentType: c.kind === 'TERMINATE' ? 'HEVING' : 'STANS',
      title,
      event: GRANT_STATUS_CHANGED_EVENT,
      data: { changeId: c.id },
      occurrence: `grant-status-change:${c.id}`,
      document: { key: storedPdf.key, sha256: storedPdf.sha256, mediaType: 'application/pdf' },
      attachments: [
        {
          filename: `${c.kind.toLowerCase()}-${g.caseNumber.replace('/', '-')}.pdf`,
          contentType: 'application/pdf',
          storageKey: storedPdf.key,
          sha256: storedPdf.sha256,
        },
      ],
    });
    return {
      language,
      htmlKey: storedHtml.key,
      htmlSha256: storedHtml.sha256,
      pdfKey: storedPdf.key,
      pdfSha256: storedPdf.sha256,
      journalSeq: entry.seq,
    };
  }

  private async journalNote(m: EntityManager, g: LockedGrant, actor: Actor, at: Date, title: string): Promise<void> {
    await this.journal.record(m, g.caseNumber, { direction: 'N', documentType: 'NOTAT', title, actor, at });
  }
}

function assertApplies(kind: GrantStatusChangeKind, status: string): void {
  if (!APPLIES_TO[kind].includes(status)) {
    throw DomainError.conflict(
      E.STATUS_CHANGE_NOT_APPLICABLE,
      `A grant that is ${status.toLowerCase().replace(/_/g, ' ')} cannot be ${
        { SUSPEND: 'suspended', LIFT_SUSPENSION: 'released from a suspension', TERMINATE: 'terminated' }[kind]
      }.`,
      { grantStatus: status, kind },
    );
  }
}

async function projectTitle(m: EntityManager, g: LockedGrant): Promise<string> {
  return (await applicationTitle(m, g.applicationId)) ?? g.caseNumber;
}

function view(c: GrantStatusChangeRow): GrantStatusChangeView {
  return {
    id: c.id,
    grantId: c.grantId,
    kind: c.kind,
    status: c.status,
    reasons: c.reasons,
    statementDueOn: c.statementDueOn,
    proposedBy: c.proposedBy,
    proposedAt: c.proposedAt.toISOString(),
    decidedBy: c.decidedBy,
    decidedAt: c.decidedAt?.toISOString() ?? null,
    decisionNote: c.decisionNote,
    statementReportId: c.statementReportId,
    letter:
      c.entryNumber && c.language && c.pdfSha256 ? { entryNumber: c.entryNumber, language: c.language, pdfSha256: c.pdfSha256 } : null,
  };
}
