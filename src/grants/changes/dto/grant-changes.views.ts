import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { GRANT_CHANGE_STATES } from '../grant-change.states';

export class TermsBudgetLineView {
  @ApiProperty({ example: 'PROSESSENDRING' })
  costCategory: string;
  @ApiProperty({ example: 2028 })
  year: number;
  @ApiProperty({ description: 'eligible costs, øre' })
  amountOre: number;
  @ApiProperty()
  description: string;
}

export class TermsMemberView {
  @ApiProperty({ format: 'uuid' })
  organisationId: string;
  @ApiProperty({ type: String, nullable: true, example: '4601' })
  municipalityNumber: string | null;
  @ApiProperty()
  name: string;
  @ApiProperty({ enum: ['LEAD', 'MEMBER', 'HEALTH_TRUST'] })
  role: string;
  @ApiProperty({ type: String, nullable: true })
  healthRegion: string | null;
}

export class TermsIndicatorView {
  @ApiProperty()
  indicatorId: string;
  @ApiProperty()
  name: string;
  @ApiProperty()
  unit: string;
  @ApiProperty({ type: String, nullable: true, description: 'exact decimal' })
  baselineValue: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date' })
  baselineDate: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the target in force' })
  targetValue: string | null;
  @ApiProperty({ type: Number, nullable: true })
  targetYear: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'the target the grant was decided with (null: added by a change)' })
  originalTargetValue: string | null;
  @ApiProperty({ type: Number, nullable: true })
  originalTargetYear: number | null;
  @ApiProperty({ description: 'added by a change request' })
  added: boolean;
}

/** A version of the grant's terms. */
export class GrantTermsView {
  @ApiProperty({ example: 2, description: '1: the grant as decided; each approved change request makes the next' })
  version: number;
  @ApiProperty({ format: 'date', description: 'in force from this day (Oslo)' })
  validFrom: string;
  @ApiProperty({ type: String, nullable: true, format: 'date' })
  projectEnd: string | null;
  @ApiProperty({ type: [TermsBudgetLineView] })
  budgetLines: TermsBudgetLineView[];
  @ApiProperty({ type: [TermsMemberView] })
  members: TermsMemberView[];
  @ApiProperty({ type: [TermsIndicatorView] })
  indicators: TermsIndicatorView[];
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'the change request that made it' })
  changeRequestId: string | null;
}

export class ChangeFlagView {
  @ApiProperty({ example: 'BELOW_MIN_MEMBERS' })
  code: string;
  @ApiProperty()
  message: string;
}

export class ChangeConsentView {
  @ApiProperty({ format: 'uuid' })
  organisationId: string;
  @ApiProperty({ format: 'uuid' })
  consentedBy: string;
  @ApiProperty({ format: 'date-time' })
  consentedAt: string;
}

export class ChangeLetterView {
  @ApiProperty({ example: '2026/00012-7' })
  entryNumber: string;
  @ApiProperty({ enum: ['nb', 'nn'] })
  language: string;
  @ApiProperty()
  pdfSha256: string;
  @ApiProperty()
  htmlSha256: string;
}

export class ChangeRequestView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  grantId: string;
  @ApiProperty({ example: '2026/00012' })
  caseNumber: string;
  @ApiProperty({ example: 1 })
  number: number;
  @ApiProperty({ enum: GRANT_CHANGE_STATES })
  status: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'the request as submitted, frozen: reasons, basedOnTermsVersion, and each part that changes (projectEnd {from,to}, budget {before,after}, members {leaving,joining}, indicators {changed,added}), null when it does not',
  })
  content: Record<string, unknown>;
  @ApiProperty()
  contentSha256: string;
  @ApiProperty({ type: [ChangeFlagView], description: "the call's rules checked again: a breach shown to the officer" })
  flags: ChangeFlagView[];
  @ApiProperty({ description: 'eligible costs moved between budget lines, øre' })
  movedOre: number;
  @ApiProperty({ description: 'above the call’s threshold: the officer recommends, an approver confirms' })
  needsSecondApproval: boolean;
  @ApiProperty({ type: [String], description: 'joining municipalities that have not consented yet' })
  consentMissing: string[];
  @ApiProperty({ type: [ChangeConsentView] })
  consents: ChangeConsentView[];
  @ApiProperty({ format: 'uuid' })
  submittedBy: string;
  @ApiProperty({ format: 'date-time' })
  submittedAt: string;
  @ApiProperty({ description: 'the inbound journal entry of the request' })
  entryNumber: string;
  @ApiProperty({ type: String, nullable: true })
  decisionReasons: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  decidedAt: string | null;
  @ApiPropertyOptional({ type: ChangeLetterView, nullable: true, description: 'the decision letter (outbound journal entry)' })
  letter: ChangeLetterView | null;
  @ApiProperty({ type: [String], description: 'the events the caller may fire now' })
  allowedActions: string[];
}

export class ChangeRequestListView {
  @ApiProperty({ type: [ChangeRequestView] })
  items: ChangeRequestView[];
}

/** The receipt (kvittering) of a change request. */
export class ChangeRequestReceiptView {
  @ApiProperty({ format: 'uuid' })
  changeRequestId: string;
  @ApiProperty()
  number: number;
  @ApiProperty({ example: '2026/00012-5' })
  entryNumber: string;
  @ApiProperty({ format: 'date-time' })
  receivedAt: string;
  @ApiProperty()
  contentSha256: string;
  @ApiProperty({ type: ChangeRequestView })
  changeRequest: ChangeRequestView;
}
