import { ApiProperty } from '@nestjs/swagger';
import { FieldProblemDto } from '../../../common/openapi';
import { INDICATOR_METHODS, REPORT_KINDS } from '../report-content';
import { REPORT_STATES } from '../report.workflow';

export class LocalisedView {
  @ApiProperty()
  nb: string;

  @ApiProperty()
  nn: string;
}

export class ReportSectionView {
  @ApiProperty({ example: 'PROGRESS' })
  code: string;

  @ApiProperty({ type: LocalisedView })
  title: LocalisedView;

  @ApiProperty({ example: 8000 })
  maxLength: number;
}

export class SectionTextView {
  @ApiProperty()
  code: string;

  @ApiProperty()
  text: string;
}

export class ActualView {
  @ApiProperty()
  costCategory: string;

  @ApiProperty()
  year: number;

  @ApiProperty({ description: 'øre' })
  amountOre: number;
}

export class IndicatorValueView {
  @ApiProperty({ format: 'uuid' })
  indicatorId: string;

  @ApiProperty()
  measured: boolean;

  @ApiProperty({ type: String, nullable: true, example: '3.5' })
  value: string | null;

  @ApiProperty({ type: String, nullable: true })
  periodStart: string | null;

  @ApiProperty({ type: String, nullable: true })
  periodEnd: string | null;

  @ApiProperty({ enum: INDICATOR_METHODS, nullable: true })
  method: string | null;

  @ApiProperty({ type: Number, nullable: true })
  sampleSize: number | null;

  @ApiProperty({ type: String, nullable: true })
  responseRatePercent: string | null;

  @ApiProperty({ type: String, nullable: true })
  comment: string | null;

  @ApiProperty({ type: String, nullable: true })
  notMeasuredReason: string | null;
}

export class AnswerView {
  @ApiProperty()
  question: number;

  @ApiProperty()
  text: string;
}

export class FinancialStatementView {
  @ApiProperty({ description: 'øre' })
  totalEligibleCostsOre: number;

  @ApiProperty({ description: 'øre' })
  ownContributionOre: number;

  @ApiProperty({ description: 'øre' })
  otherPublicFundingOre: number;

  @ApiProperty({ description: 'øre' })
  grantUsedOre: number;
}

export class DeclarationView {
  @ApiProperty()
  name: string;

  @ApiProperty()
  title: string;
}

export class FrozenAttachmentView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  filename: string;

  @ApiProperty()
  sha256: string;

  @ApiProperty()
  sizeBytes: number;
}

export class ReportContentView {
  @ApiProperty({ type: [SectionTextView] })
  sections: SectionTextView[];

  @ApiProperty({ type: [ActualView] })
  actuals: ActualView[];

  @ApiProperty({ type: [IndicatorValueView] })
  indicators: IndicatorValueView[];

  @ApiProperty({ type: [AnswerView] })
  answers: AnswerView[];

  @ApiProperty({ type: FinancialStatementView, nullable: true })
  financialStatement: FinancialStatementView | null;

  @ApiProperty({ type: String, nullable: true })
  benefitSummary: string | null;

  @ApiProperty({ type: DeclarationView, nullable: true })
  declaration: DeclarationView | null;

  @ApiProperty({ type: [FrozenAttachmentView], description: 'in a submitted version: the attachments it holds' })
  attachments: FrozenAttachmentView[];
}

export class BudgetComparisonView {
  @ApiProperty()
  costCategory: string;

  @ApiProperty()
  year: number;

  @ApiProperty({ description: 'øre, the approved budget lines of the category and year' })
  approvedOre: number;

  @ApiProperty({ description: 'øre' })
  actualOre: number;

  @ApiProperty({ description: 'øre, actual − approved (above the budget is positive)' })
  varianceOre: number;
}

export class SectionCommentView {
  @ApiProperty()
  section: string;

  @ApiProperty()
  comment: string;
}

export class ReportReviewView {
  @ApiProperty()
  version: number;

  @ApiProperty({ enum: ['APPROVED', 'CHANGES_REQUESTED'] })
  outcome: string;

  @ApiProperty({ type: String, nullable: true })
  comment: string | null;

  @ApiProperty({ type: [SectionCommentView] })
  sectionComments: SectionCommentView[];

  @ApiProperty({ format: 'uuid' })
  reviewedBy: string;

  @ApiProperty({ format: 'date-time' })
  reviewedAt: string;

  @ApiProperty({ type: String, nullable: true, description: 'the journal entry of an approval' })
  entryNumber: string | null;
}

export class ReportJournalEntryView {
  @ApiProperty({ example: '2026/00012-4' })
  entryNumber: string;

  @ApiProperty({ enum: ['I', 'U', 'N'] })
  direction: string;

  @ApiProperty()
  documentType: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ format: 'date-time' })
  registeredAt: string;
}

export class ReportAttachmentView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  filename: string;

  @ApiProperty()
  fileType: string;

  @ApiProperty()
  contentType: string;

  @ApiProperty()
  sizeBytes: number;

  @ApiProperty()
  sha256: string;

  @ApiProperty({ type: String, nullable: true })
  description: string | null;

  @ApiProperty({ format: 'date-time' })
  uploadedAt: string;
}

export class ReportSummaryView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  grantId: string;

  @ApiProperty({ format: 'uuid' })
  callId: string;

  @ApiProperty({ format: 'uuid' })
  consortiumId: string;

  @ApiProperty({ format: 'uuid' })
  applicationId: string;

  @ApiProperty()
  caseNumber: string;

  @ApiProperty({ enum: REPORT_KINDS })
  kind: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ enum: REPORT_STATES })
  status: string;

  @ApiProperty({ description: 'not submitted and past its due date (Oslo): derived, never stored' })
  overdue: boolean;

  @ApiProperty({ example: '2028-03-01', description: 'the last day it is due (Oslo)' })
  dueOn: string;

  @ApiProperty({ example: '2028-03-01', description: 'the due date first given (an extension moves dueOn only)' })
  originalDueOn: string;

  @ApiProperty({ type: String, nullable: true })
  periodStart: string | null;

  @ApiProperty({ type: String, nullable: true })
  periodEnd: string | null;

  @ApiProperty({ description: 'submitted versions so far' })
  currentVersion: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class ReportView extends ReportSummaryView {
  @ApiProperty({ type: [String], description: "an ad hoc report's questions" })
  questions: string[];

  @ApiProperty({ type: [ReportSectionView], description: "the call's narrative sections and their limits" })
  sections: ReportSectionView[];

  @ApiProperty()
  benefitSummaryMaxLength: number;

  @ApiProperty({ type: ReportContentView, description: 'the draft as saved' })
  draft: ReportContentView;

  @ApiProperty({ type: [BudgetComparisonView], description: "the draft's actuals against the approved budget" })
  budget: BudgetComparisonView[];

  @ApiProperty({ type: [ReportAttachmentView], description: "the draft's attachments" })
  attachments: ReportAttachmentView[];

  @ApiProperty({ type: [ReportReviewView] })
  reviews: ReportReviewView[];

  @ApiProperty({ type: [ReportJournalEntryView], description: "the report's entries in the case journal" })
  journal: ReportJournalEntryView[];
}

export class ReportVersionView {
  @ApiProperty({ format: 'uuid' })
  reportId: string;

  @ApiProperty()
  version: number;

  @ApiProperty({ format: 'date-time' })
  submittedAt: string;

  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  submittedBy: string | null;

  @ApiProperty()
  contentSha256: string;

  @ApiProperty({ description: 'the inbound journal entry of this version' })
  entryNumber: string;

  @ApiProperty({ type: ReportContentView })
  content: ReportContentView;

  @ApiProperty({ type: [BudgetComparisonView] })
  budget: BudgetComparisonView[];

  @ApiProperty({ type: ReportReviewView, nullable: true })
  review: ReportReviewView | null;
}

export class ReportVersionListView {
  @ApiProperty({ type: [ReportVersionView] })
  items: ReportVersionView[];
}

export class ReportValidationView {
  @ApiProperty({ format: 'uuid' })
  reportId: string;

  @ApiProperty({ description: 'no blocking problem and open for submission: POST …/submit would be accepted' })
  submittable: boolean;

  @ApiProperty({ type: [FieldProblemDto] })
  problems: FieldProblemDto[];

  @ApiProperty({ description: 'hash of exactly the content that was checked' })
  contentSha256: string;

  @ApiProperty({ format: 'date-time' })
  checkedAt: string;
}

export class ReportReceiptView {
  @ApiProperty({ format: 'uuid' })
  reportId: string;

  @ApiProperty()
  version: number;

  @ApiProperty({ example: '2026/00012-4', description: 'the inbound journal entry' })
  entryNumber: string;

  @ApiProperty({ format: 'date-time' })
  receivedAt: string;

  @ApiProperty()
  contentSha256: string;

  @ApiProperty({ type: ReportView })
  report: ReportView;
}
