import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FieldProblemDto } from '../../common/openapi';
import { APPLICATION_STATES } from '../application.workflow';
import { INDICATOR_ACTORS, INDICATOR_KINDS, INDICATOR_METHODS, SERVICE_AREAS } from '../entities/application.entity';
import { JOURNAL_DIRECTIONS } from '../entities/case.entity';
import { MEMBER_STATUSES, MemberStatus } from '../../organisations/entities/consortium.entity';

/** What the API answers about applications, their versions, attachments and case journal (see common/openapi.ts). */

class LocalisedText {
  @ApiProperty()
  nb: string;

  @ApiProperty()
  nn: string;
}

export class ContentCallView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ description: 'the call version the application was made (or submitted) under' })
  version: number;

  @ApiProperty({ example: 'INNFORING' })
  measureCode: string;

  @ApiProperty({ type: LocalisedText })
  title: LocalisedText;
}

export class ContentMemberView {
  @ApiProperty({ format: 'uuid' })
  organisationId: string;

  @ApiProperty({ example: 'MUNICIPALITY' })
  kind: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ type: String, nullable: true })
  municipalityNumber: string | null;

  @ApiProperty({ type: String, nullable: true })
  healthRegion: string | null;

  @ApiProperty({ type: String, nullable: true })
  writtenLanguage: string | null;

  @ApiProperty()
  lead: boolean;

  @ApiPropertyOptional({
    enum: MEMBER_STATUSES,
    description: 'the member’s consent when the content was read; absent in versions frozen before consent was recorded',
  })
  status?: MemberStatus;
}

export class ContentConsortiumView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ example: '4601' })
  leadMunicipality: string;

  @ApiProperty({ type: [ContentMemberView] })
  members: ContentMemberView[];
}

export class BudgetLineView {
  @ApiPropertyOptional({ format: 'uuid', description: 'stable across edits; absent in versions frozen before lines had ids' })
  id?: string;

  @ApiProperty({ example: 'OPPLAERING' })
  costCategory: string;

  @ApiProperty()
  description: string;

  @ApiProperty({ example: 2026 })
  year: number;

  @ApiProperty({ description: 'øre' })
  amountOre: number;
}

export class OtherFundingItemView {
  @ApiProperty()
  source: string;

  @ApiProperty({ type: String, nullable: true })
  description: string | null;

  @ApiProperty({ description: 'øre' })
  amountOre: number;
}

export class OtherPublicFundingView {
  @ApiProperty({ type: Boolean, nullable: true, description: 'null until the applicant has said' })
  declared: boolean | null;

  @ApiProperty({ type: [OtherFundingItemView] })
  items: OtherFundingItemView[];
}

export class IndicatorView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty()
  unit: string;

  @ApiProperty({ enum: INDICATOR_ACTORS })
  actor: string;

  @ApiProperty({ enum: INDICATOR_KINDS })
  kind: string;

  @ApiProperty({ enum: INDICATOR_METHODS })
  method: string;

  @ApiProperty({
    oneOf: [{ type: 'number' }, { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$' }],
    nullable: true,
    description: 'exact decimal: a number, or a decimal string where a number would lose digits',
  })
  baselineValue: number | string | null;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  baselineDate: string | null;

  @ApiProperty({
    oneOf: [{ type: 'number' }, { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$' }],
    nullable: true,
    description: 'exact decimal: a number, or a decimal string where a number would lose digits',
  })
  targetValue: number | string | null;

  @ApiProperty({ type: Number, nullable: true })
  targetYear: number | null;

  @ApiProperty({ type: Number, nullable: true })
  priceYear: number | null;
}

export class BenefitPlanView {
  @ApiProperty({ type: [IndicatorView] })
  indicators: IndicatorView[];
}

export class ContactPersonView {
  @ApiProperty()
  name: string;

  @ApiProperty({ format: 'email' })
  email: string;

  @ApiProperty({ type: String, nullable: true })
  phone: string | null;

  @ApiProperty({ type: String, nullable: true })
  role: string | null;
}

export class ContentAttachmentView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  filename: string;

  @ApiProperty({ example: 'pdf' })
  fileType: string;

  @ApiProperty({ example: 'application/pdf' })
  contentType: string;

  @ApiProperty()
  sizeBytes: number;

  @ApiProperty({ description: 'hex' })
  sha256: string;
}

/** Everything an application says: the draft as it stands, or exactly what a version froze. */
export class ApplicationContentView {
  @ApiProperty({ type: ContentCallView })
  call: ContentCallView;

  @ApiProperty({ type: ContentConsortiumView })
  consortium: ContentConsortiumView;

  @ApiProperty()
  title: string;

  @ApiProperty({ type: String, nullable: true })
  description: string | null;

  @ApiProperty({ type: String, nullable: true })
  purpose: string | null;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  projectStart: string | null;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  projectEnd: string | null;

  @ApiProperty({ enum: SERVICE_AREAS, isArray: true })
  serviceAreas: string[];

  @ApiProperty({ type: [BudgetLineView] })
  budgetLines: BudgetLineView[];

  @ApiProperty({ type: Number, nullable: true, description: 'øre' })
  requestedAmountOre: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'øre' })
  ownContributionOre: number | null;

  @ApiProperty({ type: OtherPublicFundingView })
  otherPublicFunding: OtherPublicFundingView;

  @ApiProperty({ type: [String], example: ['NORMEN'] })
  confirmations: string[];

  @ApiProperty({ type: BenefitPlanView })
  benefitPlan: BenefitPlanView;

  @ApiProperty({ type: [ContactPersonView] })
  contactPersons: ContactPersonView[];

  @ApiProperty({ type: [ContentAttachmentView] })
  attachments: ContentAttachmentView[];
}

export class ApplicationView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: APPLICATION_STATES })
  status: string;

  @ApiProperty({ type: String, nullable: true, example: '2026/00001', description: 'saksnummer, from the first submission' })
  caseNumber: string | null;

  @ApiProperty({ type: Number, nullable: true, description: 'the latest submitted version; null before the first submission' })
  version: number | null;

  @ApiProperty({ format: 'uuid' })
  callId: string;

  @ApiProperty({ format: 'uuid' })
  consortiumId: string;

  @ApiProperty({ description: 'the applicant may change it now (a draft, or returned for completion)' })
  editable: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  submittedAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  completionDueAt: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiProperty({ type: ApplicationContentView, description: 'the draft while editable; otherwise exactly the latest submitted version' })
  content: ApplicationContentView;

  @ApiProperty({ description: 'hash of the content (canonical JSON), hex' })
  contentSha256: string;
}

export class ApplicationSummaryView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: APPLICATION_STATES })
  status: string;

  @ApiProperty({ type: String, nullable: true })
  caseNumber: string | null;

  @ApiProperty({ format: 'uuid' })
  callId: string;

  @ApiProperty()
  measureCode: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ format: 'uuid' })
  consortiumId: string;

  @ApiProperty()
  consortiumName: string;

  @ApiProperty({ example: '4601' })
  leadMunicipality: string;

  @ApiProperty()
  healthRegion: string;

  @ApiProperty({ type: Number, nullable: true, description: 'øre' })
  requestedAmountOre: number | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  submittedAt: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class ValidationResultView {
  @ApiProperty({ format: 'uuid' })
  applicationId: string;

  @ApiProperty({ description: 'no blocking problem: POST …/submit would be accepted' })
  submittable: boolean;

  @ApiProperty({ type: [FieldProblemDto] })
  problems: FieldProblemDto[];

  @ApiProperty({ description: 'hash of exactly the content that was checked' })
  contentSha256: string;

  @ApiProperty({ format: 'date-time' })
  checkedAt: string;
}

export class ApplicationVersionSummaryView {
  @ApiProperty()
  version: number;

  @ApiProperty({ description: 'the call version it was submitted under' })
  callVersion: number;

  @ApiProperty({ format: 'date-time' })
  submittedAt: string;

  @ApiProperty()
  contentSha256: string;
}

export class ApplicationVersionView extends ApplicationVersionSummaryView {
  @ApiProperty({ type: ApplicationContentView })
  content: ApplicationContentView;
}

export class AttachmentView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  filename: string;

  @ApiProperty({ example: 'pdf' })
  fileType: string;

  @ApiProperty({ example: 'application/pdf' })
  contentType: string;

  @ApiProperty()
  sizeBytes: number;

  @ApiProperty({ description: 'SHA-256 of the bytes, hex' })
  sha256: string;

  @ApiProperty({ type: String, nullable: true })
  description: string | null;

  @ApiProperty({ format: 'date-time' })
  uploadedAt: string;
}

export class JournalDocumentView {
  @ApiProperty({ example: 'application/pdf' })
  mediaType: string;

  @ApiProperty({ example: 'a3f1…', description: 'SHA-256 of the stored bytes, hex' })
  sha256: string;
}

export class JournalEntryView {
  @ApiProperty({ example: '2026/00001-1', description: 'journalpostnummer' })
  entryNumber: string;

  @ApiProperty()
  seq: number;

  @ApiProperty({ enum: JOURNAL_DIRECTIONS, description: 'I inbound, U outbound, N internal note' })
  direction: string;

  @ApiProperty({ example: 'SOKNAD' })
  documentType: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ type: String, nullable: true })
  counterpart: string | null;

  @ApiProperty({ type: Number, nullable: true })
  applicationVersion: number | null;

  @ApiProperty({ format: 'date-time' })
  registeredAt: string;

  @ApiProperty({ type: String, nullable: true })
  registeredBy: string | null;

  @ApiProperty({
    type: JournalDocumentView,
    nullable: true,
    description: 'the document registered with the entry (a letter as PDF/A, a signed acceptance), by its SHA-256',
  })
  document: JournalDocumentView | null;
}

export class JournalView {
  @ApiProperty({ example: '2026/00001' })
  caseNumber: string;

  @ApiProperty({ format: 'uuid' })
  applicationId: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ format: 'date-time' })
  openedAt: string;

  @ApiProperty({ type: [JournalEntryView] })
  entries: JournalEntryView[];
}
