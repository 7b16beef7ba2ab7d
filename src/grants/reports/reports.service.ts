import { Injectable, Logger } from '@nestjs/common';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { UploadedAttachment, safeFilename } from '../../applications/attachments/attachments.service';
import { classify, CONTENT_TYPES, detectContent } from '../../applications/attachments/file-type';
import { CaseJournal } from '../../applications/case-journal.service';
import { submittedBudgetLines, submittedIndicators } from '../../applications/submitted-facts.queries';
import { AuditService } from '../../audit/audit.service';
import { Actor } from '../../common/actor';
import { Clock } from '../../common/clock';
import { osloDate } from '../../common/legal-deadline';
import { decodeCursor, invalidCursor, Page, pageLimit, toPage } from '../../common/pagination';
import { DomainError, FieldProblem } from '../../common/problem';
import { isUuid } from '../../common/uuid';
import { AppConfig } from '../../config/app-config';
import { NotificationService } from '../../notifications/notification.service';
import { FileStorage } from '../../storage/storage.port';
import { WorkflowEngine } from '../../workflow/workflow';
import { ReportListQuery, ReviewReportDto, SaveReportDto } from './dto/reports.dto';
import {
  ReportAttachmentView,
  ReportContentView,
  ReportReceiptView,
  ReportReviewView,
  ReportSummaryView,
  ReportValidationView,
  ReportVersionView,
  ReportView,
} from './dto/reports.views';
import { recipientsOf } from '../../applications/application-notifications';
import { REPORT_EVENTS } from './report-notifications';
import {
  ApprovedBudgetLine,
  budgetComparison,
  checkReport,
  contentOf,
  isOverdue,
  overdueSql,
  ReportContent,
  ReportContext,
  reportContentSha256,
  ReportKind,
} from './report-content';
import { termsInForce } from '../changes/grant-changes.queries';
import { ReportPolicy } from './report.policy';
import { EDITABLE_REPORT_STATES, ReportWorkflow } from './report.workflow';
import { ReportErrors as E } from './reports.errors';
import {
  decidedApplication,
  deleteReportAttachment,
  findReport,
  grantForReports,
  insertReportAttachment,
  insertReportReview,
  insertReportVersion,
  liveAttachmentCount,
  markAttachmentsSubmitted,
  projectReportVersion,
  removeReportAttachment,
  ReportAttachmentRow,
  reportAttachments,
  reportJournal,
  reportPage,
  ReportReviewRow,
  reportReviews,
  ReportRow,
  reportsById,
  reportVersions,
  saveReportDraft,
} from './reports.queries';
import { terminationOfStatement } from '../grant-status.queries';

/** What the payment issue listens for: a progress or final report approved (the domain brief's payment triggers). */
export interface ReportApproved {
  event: 'report.progress_approved' | 'report.final_approved' | 'report.ad_hoc_approved';
  reportId: string;
  grantId: string;
  kind: ReportKind;
  version: number;
  approvedBy: string;
  at: Date;
}

/** A listener runs inside the approving transaction: what it writes commits or rolls back with the approval. */
export type ReportApprovedListener = (m: EntityManager, e: ReportApproved) => Promise<void>;

/** The parts of a report a review comment may name besides the call's narrative sections. */
const REVIEWABLE_PARTS = ['ACTUALS', 'INDICATORS', 'ANSWERS', 'FINANCIAL_STATEMENT', 'BENEFIT_SUMMARY', 'DECLARATION', 'ATTACHMENTS'];

/**
 * Follow-up reports: the consortium's draft, its blocking problems, submission (a frozen version with its actuals and
 * indicator values as rows, an inbound journal entry, a receipt), the officer's review (approval: a journal entry and
 * the `report.*_approved` event; or changes requested per section), and attachments.
 */
@Injectable()
export class ReportsService {
  private readonly logger = new Logger('Reports');
  private readonly approvedListeners: ReportApprovedListener[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: ReportPolicy,
    private readonly engine: WorkflowEngine,
    private readonly journal: CaseJournal,
    private readonly notifications: NotificationService,
    private readonly audit: AuditService,
    private readonly storage: FileStorage,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Other modules (payments) register here in onModuleInit to act on an approval in its transaction. */
  onApproved(listener: ReportApprovedListener): void {
    this.approvedListeners.push(listener);
  }

  // ---- reading -------------------------------------------------------------------------------------------------

  async get(actor: Actor, id: string): Promise<ReportView> {
    const m = this.dataSource.manager;
    await this.policy.assert(m, actor, id, 'read');
    return this.view(m, (await findReport(m, id))!);
  }

  async list(actor: Actor, q: ReportListQuery): Promise<Page<ReportSummaryView>> {
    const m = this.dataSource.manager;
    const limit = pageLimit(q);
    const after = decodeCursor(q.cursor, ['text', 'uuid']);
    if (after && !isRealDate(String(after[0]))) throw invalidCursor();
    const params: unknown[] = [];
    const bind = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const today = this.today();
    const where = [this.policy.filter(actor, 'read').sql('r', bind)];
    if (q.callId) where.push(`r.call_id = ${bind(q.callId)}::uuid`);
    if (q.grantId) where.push(`r.grant_id = ${bind(q.grantId)}::uuid`);
    if (q.status) where.push(`r.status = ${bind(q.status)}`);
    if (q.kind) where.push(`r.kind = ${bind(q.kind)}`);
    if (q.dueBefore) where.push(`r.due_on <= ${bind(q.dueBefore)}::date`);
    if (q.dueAfter) where.push(`r.due_on >= ${bind(q.dueAfter)}::date`);
    if (q.overdue !== undefined) where.push(`${q.overdue ? '' : 'NOT '}(${overdueSql('r', bind(today))})`);
    if (after) where.push(`(r.due_on, r.id) > (${bind(after[0])}::date, ${bind(after[1])}::uuid)`);
    const rows = await reportPage(m, where, params, limit);
    const page = toPage(rows, limit, (r) => [r.due_on, r.id]);
    const byId = await reportsById(
      m,
      page.items.map((r) => r.id),
    );
    return { items: page.items.map((r) => this.summary(byId.get(r.id)!, today)), nextCursor: page.nextCursor };
  }

  async versions(actor: Actor, id: string): Promise<{ items: ReportVersionView[] }> {
    const m = this.dataSource.manager;
    await this.policy.assert(m, actor, id, 'read');
    const r = (await findReport(m, id))!;
    const approved = await this.approvedBudget(m, r);
    const reviews = await reportReviews(m, id);
    return { items: (await reportVersions(m, id)).map((v) => versionView(r, v, approved, reviews)) };
  }

  async version(actor: Actor, id: string, version: string): Promise<ReportVersionView> {
    const all = await this.versions(actor, id);
    const v = all.items.find((x) => String(x.version) === version);
    if (!v) throw new DomainError(404, E.NO_SUCH_VERSION, `Report ${id} has no version ${version}.`);
    return v;
  }

  async validate(actor: Actor, id: string): Promise<ReportValidationView> {
    const m = this.dataSource.manager;
    await this.policy.assert(m, actor, id, 'read');
    const r = (await findReport(m, id))!;
    const content = await this.contentToSubmit(m, r);
    const problems = checkReport(content, await this.context(m, r));
    return {
      reportId: id,
      submittable: problems.length === 0 && EDITABLE_REPORT_STATES.includes(r.status),
      problems,
      contentSha256: reportContentSha256(content),
      checkedAt: this.clock.now().toISOString(),
    };
  }

  // ---- the consortium's steps ------------------------------------------------------------------------------------

  async save(actor: Actor, id: string, dto: SaveReportDto): Promise<ReportView> {
    await this.dataSource.transaction(async (m) => {
      await this.policy.assert(m, actor, id, 'write', { lock: true });
      const r = (await findReport(m, id))!;
      assertEditable(r);
      const content = draftFrom(dto);
      const at = this.clock.now();
      await saveReportDraft(m, id, content, at);
      await this.audit.record(m, {
        action: 'report.save',
        entityType: 'report',
        entityId: id,
        before: null,
        after: { contentSha256: reportContentSha256(content) },
        actor,
      });
    });
    return this.get(actor, id);
  }

  /**
   * Submits (or resubmits after a request for changes) in one transaction: the checks, the frozen version with its
   * actuals and indicator values as rows, the inbound journal entry and the receipt.
   */
  async submit(actor: Actor, id: string): Promise<ReportReceiptView> {
    const receipt = await this.dataSource.transaction(async (m) => {
      await this.policy.assert(m, actor, id, 'write', { lock: true });
      const r = (await findReport(m, id))!;
      assertEditable(r);
      const content = await this.contentToSubmit(m, r);
      const problems = checkReport(content, await this.context(m, r));
      if (problems.length) {
        throw DomainError.unprocessable(
          E.NOT_SUBMITTABLE,
          `The report cannot be submitted: ${problems.length} problem(s) must be fixed first (GET /reports/${id}/validation lists them).`,
          problems,
        );
      }
      const at = this.clock.now();
      const version = r.currentVersion + 1;
      const application = await decidedApplication(m, r.applicationId, r.applicationVersion);
      const entry = await this.journal.record(m, r.caseNumber, {
        direction: 'I',
        documentType: 'RAPPORT',
        title: version === 1 ? `${r.title}` : `${r.title}, endret (versjon ${version})`,
        counterpart: application?.consortium.name ?? null,
        actor,
        at,
      });
      const sha = reportContentSha256(content);
      await insertReportVersion(m, {
        reportId: id,
        version,
        content,
        contentSha256: sha,
        submittedBy: actor.userId,
        at,
        caseNumber: r.caseNumber,
        journalSeq: entry.seq,
      });
      await projectReportVersion(m, id, version);
      await markAttachmentsSubmitted(m, id, version);
      await this.engine.transition(m, ReportWorkflow, id, r.status === 'DRAFT' ? 'submit' : 'resubmit', actor, {
        at,
        set: { current_version: version },
        details: { before: {}, after: { version, contentSha256: sha } },
      });
      if (application) {
        await this.notifications.notify(m, {
          event: REPORT_EVENTS.received,
          entityType: 'report',
          entityId: id,
          recipients: recipientsOf(application),
          data: { version },
          occurrence: `v${version}`,
        });
      }
      return { version, entryNumber: entry.entryNumber, receivedAt: at.toISOString(), contentSha256: sha };
    });
    return { reportId: id, ...receipt, report: await this.get(actor, id) };
  }

  // ---- the officer's review -------------------------------------------------------------------------------------

  async review(actor: Actor, id: string, dto: ReviewReportDto): Promise<ReportView> {
    await this.dataSource.transaction(async (m) => {
      await this.policy.assert(m, actor, id, 'review', { lock: true });
      const r = (await findReport(m, id))!;
      const sectionComments = (dto.sectionComments ?? []).map((c) => ({ section: c.section, comment: c.comment.trim() }));
      const comment = dto.comment?.trim() || null;
      const known = [...r.sections.map((s) => s.code), ...REVIEWABLE_PARTS];
      const unknown: FieldProblem[] = sectionComments.flatMap((c, i) =>
        known.includes(c.section)
          ? []
          : [
              {
                field: `sectionComments[${i}].section`,
                code: E.UNKNOWN_SECTION,
                message: `the report has no part ${c.section} (${known.join(', ')})`,
              },
            ],
      );
      if (unknown.length) throw DomainError.validation(unknown);
      if (dto.outcome === 'REQUEST_CHANGES' && !sectionComments.length && !comment) {
        throw DomainError.validation([
          {
            field: 'sectionComments',
            code: E.COMMENT_REQUIRED,
            message: 'say what to change: a comment per section (or on the whole report)',
          },
        ]);
      }
      const at = this.clock.now();
      const version = r.currentVersion;
      let journalSeq: number | null = null;
      if (dto.outcome === 'APPROVE') {
        await this.engine.transition(m, ReportWorkflow, id, 'approve', actor, {
          at,
          reason: comment ?? undefined,
          details: { before: {}, after: { kind: r.kind, version, grantId: r.grantId } },
        });
        const application = await decidedApplication(m, r.applicationId, r.applicationVersion);
        const entry = await this.journal.record(m, r.caseNumber, {
          direction: 'U',
          documentType: 'RAPPORT_GODKJENT',
          title: `Godkjent: ${r.title} (versjon ${version})`,
          counterpart: application?.consortium.name ?? null,
          actor,
          at,
        });
        journalSeq = entry.seq;
      } else {
        await this.engine.transition(m, ReportWorkflow, id, 'request_changes', actor, {
          at,
          reason: comment ?? sectionComments.map((c) => `${c.section}: ${c.comment}`).join('; '),
          details: { before: {}, after: { version, sections: sectionComments.map((c) => c.section) } },
        });
      }
      await insertReportReview(m, {
        reportId: id,
        version,
        outcome: dto.outcome === 'APPROVE' ? 'APPROVED' : 'CHANGES_REQUESTED',
        comment,
        sectionComments,
        reviewedBy: actor.userId,
        at,
        caseNumber: journalSeq === null ? null : r.caseNumber,
        journalSeq,
      });
      const application = await decidedApplication(m, r.applicationId, r.applicationVersion);
      if (application) {
        await this.notifications.notify(m, {
          event: REPORT_EVENTS.reviewed,
          entityType: 'report',
          entityId: id,
          recipients: recipientsOf(application),
          data: { version },
          occurrence: `v${version}`,
        });
      }
      if (dto.outcome === 'APPROVE') {
        const event: ReportApproved = {
          event:
            r.kind === 'PROGRESS' ? 'report.progress_approved' : r.kind === 'FINAL' ? 'report.final_approved' : 'report.ad_hoc_approved',
          reportId: id,
          grantId: r.grantId,
          kind: r.kind,
          version,
          approvedBy: actor.userId,
          at,
        };
        for (const listener of this.approvedListeners) await listener(m, event);
        this.logger.log({ ...event, at: at.toISOString() }, event.event);
      }
    });
    return this.get(actor, id);
  }

  // ---- attachments -------------------------------------------------------------------------------------------------

  /** Before a byte of the body is read: the caller may attach to this report now, and it has room for one more. */
  async assertCanAttach(actor: Actor, id: string): Promise<void> {
    const m = this.dataSource.manager;
    await this.policy.assert(m, actor, id, 'write');
    assertEditable((await findReport(m, id))!);
    await this.assertQuota(m, id);
  }

  private async assertQuota(m: EntityManager, id: string): Promise<void> {
    const n = await liveAttachmentCount(m, id);
    const max = this.config.maxAttachmentsPerApplication;
    if (n + 1 > max) {
      const message = `the report already has ${n} attachments, the most it may have is ${max}; remove one first`;
      throw new DomainError(409, E.TOO_MANY_ATTACHMENTS, `Too many attachments: ${message}.`, [
        { field: 'file', code: E.TOO_MANY_ATTACHMENTS, message },
      ]);
    }
  }

  async addAttachment(actor: Actor, id: string, file: UploadedAttachment | undefined, description?: string): Promise<ReportAttachmentView> {
    if (!file) {
      throw DomainError.validation([
        { field: 'file', code: E.FILE_MISSING, message: 'send the document as multipart/form-data in the field "file"' },
      ]);
    }
    try {
      const filename = safeFilename(file.originalname);
      const detected = await detectContent(file.head, file.sizeBytes, (start, end) => this.storage.readRange(file.key, start, end));
      const kind = classify(filename, detected);
      if (!kind.ok) {
        throw new DomainError(415, kind.code, `The file was refused: ${kind.message}.`, [
          { field: 'file', code: kind.code, message: kind.message },
        ]);
      }
      return await this.dataSource.transaction(async (m) => {
        await this.policy.assert(m, actor, id, 'write', { lock: true });
        assertEditable((await findReport(m, id))!);
        await this.assertQuota(m, id);
        const at = this.clock.now();
        const attachmentId = await insertReportAttachment(m, {
          reportId: id,
          filename,
          fileType: kind.fileType,
          contentType: CONTENT_TYPES[kind.fileType],
          sizeBytes: file.sizeBytes,
          sha256: file.sha256,
          storageKey: file.key,
          description: description ?? null,
          uploadedBy: actor.userId,
          at,
        });
        const view: ReportAttachmentView = {
          id: attachmentId,
          filename,
          fileType: kind.fileType,
          contentType: CONTENT_TYPES[kind.fileType],
          sizeBytes: file.sizeBytes,
          sha256: file.sha256,
          description: description ?? null,
          uploadedAt: at.toISOString(),
        };
        await this.audit.record(m, {
          action: 'report.attachment_added',
          entityType: 'report',
          entityId: id,
          before: null,
          after: view,
          actor,
        });
        return view;
      });
    } catch (e) {
      await this.storage.remove(file.key);
      throw e;
    }
  }

  async openAttachment(actor: Actor, id: string, attachmentId: string): Promise<{ attachment: ReportAttachmentView; stream: Readable }> {
    const m = this.dataSource.manager;
    await this.policy.assert(m, actor, id, 'read');
    const a = isUuid(attachmentId) ? (await reportAttachments(m, id)).find((x) => x.id === attachmentId) : undefined;
    if (!a) throw DomainError.notFound('Attachment', attachmentId);
    return { attachment: attachmentView(a), stream: this.storage.read(a.storageKey) };
  }

  /** A file no submission included is deleted; one a frozen version includes stays there, only dropped from the draft. */
  async removeAttachment(actor: Actor, id: string, attachmentId: string): Promise<void> {
    const deletedKey = await this.dataSource.transaction(async (m) => {
      await this.policy.assert(m, actor, id, 'write', { lock: true });
      assertEditable((await findReport(m, id))!);
      const a = isUuid(attachmentId) ? (await reportAttachments(m, id, { live: true })).find((x) => x.id === attachmentId) : undefined;
      if (!a) throw DomainError.notFound('Attachment', attachmentId);
      if (a.firstSubmittedVersion === null) await deleteReportAttachment(m, a.id);
      else await removeReportAttachment(m, a.id, this.clock.now());
      await this.audit.record(m, {
        action: 'report.attachment_removed',
        entityType: 'report',
        entityId: id,
        before: attachmentView(a),
        after: null,
        actor,
      });
      return a.firstSubmittedVersion === null ? a.storageKey : null;
    });
    if (deletedKey) await this.storage.remove(deletedKey);
  }

  // ---- views and helpers -------------------------------------------------------------------------------------------

  private today(): string {
    return osloDate(this.clock.now()).toString();
  }

  summary(r: ReportRow, today = this.today()): ReportSummaryView {
    return {
      id: r.id,
      grantId: r.grantId,
      callId: r.callId,
      consortiumId: r.consortiumId,
      applicationId: r.applicationId,
      caseNumber: r.caseNumber,
      kind: r.kind,
      title: r.title,
      status: r.status,
      overdue: isOverdue(r.status, r.dueOn, today),
      dueOn: r.dueOn,
      originalDueOn: r.originalDueOn,
      periodStart: r.periodStart,
      periodEnd: r.periodEnd,
      currentVersion: r.currentVersion,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    };
  }

  private async view(m: EntityManager, r: ReportRow): Promise<ReportView> {
    const draft = contentOf(r.content);
    const approved = await this.approvedBudget(m, r);
    return {
      ...this.summary(r),
      questions: r.questions,
      sections: r.sections,
      benefitSummaryMaxLength: r.benefitSummaryMaxLength,
      draft: contentView(draft),
      budget: budgetComparison(approved, draft.actuals),
      attachments: (await reportAttachments(m, r.id, { live: true })).map(attachmentView),
      reviews: (await reportReviews(m, r.id)).map(reviewView),
      journal: (await reportJournal(m, r.id)).map((j) => ({ ...j, registeredAt: j.registeredAt.toISOString() })),
    };
  }

  /**
   * The budget the report is held against: the grant's terms in force at the end of the period it reports on (its due
   * date for an ad hoc report), so an approved change request's new lines count from the day they took effect.
   */
  private async approvedBudget(m: EntityManager, r: ReportRow): Promise<ApprovedBudgetLine[]> {
    const terms = await termsInForce(m, r.grantId, r.periodEnd ?? r.dueOn);
    if (terms && terms.version > 1) {
      return terms.budgetLines.map((b) => ({ costCategory: b.costCategory, year: b.year, amountOre: b.amountOre }));
    }
    return (await submittedBudgetLines(m, r.applicationId, r.applicationVersion)).map((b) => ({
      costCategory: b.costCategory,
      year: b.year,
      amountOre: b.amountOre,
    }));
  }

  private async context(m: EntityManager, r: ReportRow): Promise<ReportContext> {
    const g = (await grantForReports(m, r.grantId))!;
    return {
      kind: r.kind,
      sections: r.sections,
      benefitSummaryMaxLength: r.benefitSummaryMaxLength,
      questions: r.questions,
      approvedBudget: await this.approvedBudget(m, r),
      indicators: (await submittedIndicators(m, r.applicationId, r.applicationVersion)).map((i) => ({
        indicatorId: i.indicatorId,
        name: i.name,
      })),
      projectStart: g.projectStart,
      projectEnd: g.projectEnd,
      grantAmountOre: g.amountOre,
      // a terminated grant's final statement is an ad hoc report with the final report's financial statement
      financialStatementRequired: r.kind === 'AD_HOC' && !!(await terminationOfStatement(m, r.id)),
    };
  }

  /** The draft with the attachments it holds now: what a submission would freeze. */
  private async contentToSubmit(m: EntityManager, r: ReportRow): Promise<ReportContent> {
    const attachments = (await reportAttachments(m, r.id, { live: true })).map((a) => ({
      id: a.id,
      filename: a.filename,
      sha256: a.sha256,
      sizeBytes: a.sizeBytes,
    }));
    return { ...contentOf(r.content), attachments };
  }
}

function isRealDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

function assertEditable(r: ReportRow): void {
  if (!EDITABLE_REPORT_STATES.includes(r.status)) {
    throw DomainError.conflict(E.REPORT_NOT_EDITABLE, `A ${r.status.toLowerCase().replace('_', ' ')} report cannot be changed.`, {
      currentState: r.status,
    });
  }
}

function draftFrom(dto: SaveReportDto): ReportContent {
  return {
    sections: (dto.sections ?? []).map((s) => ({ code: s.code, text: s.text })),
    actuals: (dto.actuals ?? []).map((a) => ({ costCategory: a.costCategory, year: a.year, amountOre: a.amountOre })),
    indicators: (dto.indicators ?? []).map((v) => ({
      indicatorId: v.indicatorId.toLowerCase(),
      measured: v.measured,
      value: v.value ?? null,
      periodStart: v.periodStart ?? null,
      periodEnd: v.periodEnd ?? null,
      method: v.method ?? null,
      sampleSize: v.sampleSize ?? null,
      responseRatePercent: v.responseRatePercent ?? null,
      comment: v.comment ?? null,
      notMeasuredReason: v.notMeasuredReason ?? null,
    })),
    answers: (dto.answers ?? []).map((a) => ({ question: a.question, text: a.text })),
    financialStatement: dto.financialStatement
      ? {
          totalEligibleCostsOre: dto.financialStatement.totalEligibleCostsOre,
          ownContributionOre: dto.financialStatement.ownContributionOre,
          otherPublicFundingOre: dto.financialStatement.otherPublicFundingOre,
          grantUsedOre: dto.financialStatement.grantUsedOre,
        }
      : null,
    benefitSummary: dto.benefitSummary ?? null,
    declaration: dto.declaration ? { name: dto.declaration.name, title: dto.declaration.title } : null,
    attachments: [],
  };
}

function contentView(c: ReportContent): ReportContentView {
  return { ...contentOf(c) };
}

function reviewView(r: ReportReviewRow): ReportReviewView {
  return {
    version: r.version,
    outcome: r.outcome,
    comment: r.comment,
    sectionComments: r.sectionComments,
    reviewedBy: r.reviewedBy,
    reviewedAt: r.reviewedAt.toISOString(),
    entryNumber: r.entryNumber,
  };
}

function versionView(
  r: ReportRow,
  v: Awaited<ReturnType<typeof reportVersions>>[number],
  approved: ApprovedBudgetLine[],
  reviews: ReportReviewRow[],
): ReportVersionView {
  const content = contentOf(v.content);
  const review = reviews.find((x) => x.version === v.version);
  return {
    reportId: r.id,
    version: v.version,
    submittedAt: v.submittedAt.toISOString(),
    submittedBy: v.submittedBy,
    contentSha256: v.contentSha256,
    entryNumber: v.entryNumber,
    content: contentView(content),
    budget: budgetComparison(approved, content.actuals),
    review: review ? reviewView(review) : null,
  };
}

function attachmentView(a: ReportAttachmentRow): ReportAttachmentView {
  return {
    id: a.id,
    filename: a.filename,
    fileType: a.fileType,
    contentType: a.contentType,
    sizeBytes: a.sizeBytes,
    sha256: a.sha256,
    description: a.description,
    uploadedAt: a.uploadedAt.toISOString(),
  };
}
