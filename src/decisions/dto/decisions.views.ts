import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DECISION_STATES } from '../decision.workflow';
import { DECISION_OUTCOMES } from '../entities/decision.entity';

export class DecisionConditionView {
  @ApiProperty({
    type: String,
    nullable: true,
    description: "the call's code of a standard condition; null for one specific to this decision",
  })
  code: string | null;

  @ApiProperty({ description: "in the letter's language" })
  text: string;
}

export class DecisionLetterSummaryView {
  @ApiProperty({ example: '2026-12-21', description: 'the last day to appeal (Norway), counted as domstolloven §§ 148–149 say' })
  appealDeadline: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'the acceptance deadline of a grant (end of its last day)',
  })
  acceptBy: string | null;

  @ApiProperty({ description: 'SHA-256 of the PDF/A as sent and archived' })
  pdfSha256: string;

  @ApiProperty({ example: '2026/00001-7', description: 'the outgoing journal entry (U) that registered it' })
  entryNumber: string;
}

export class RankConflictView {
  @ApiProperty()
  applicationId: string;

  @ApiProperty()
  caseNumber: string;

  @ApiProperty({ type: Number, nullable: true })
  rank: number | null;

  @ApiProperty({ enum: DECISION_OUTCOMES })
  outcome: string;

  @ApiProperty()
  amountOre: number;

  @ApiProperty({ enum: DECISION_STATES })
  status: string;
}

export class DecisionTransitionView {
  @ApiProperty({ example: 'propose' })
  event: string;

  @ApiProperty()
  from: string;

  @ApiProperty()
  to: string;

  @ApiProperty({ type: String, nullable: true })
  actorUserId: string | null;

  @ApiProperty({ type: String, nullable: true })
  reason: string | null;

  @ApiProperty({ format: 'date-time' })
  occurredAt: string;
}

export class DecisionInternalView {
  @ApiProperty({ type: String, nullable: true, description: 'never in the letter' })
  internalNote: string | null;

  @ApiProperty({ type: String, nullable: true })
  outOfRankJustification: string | null;

  @ApiProperty({
    type: [RankConflictView],
    description: 'decisions of the call this one is out of rank order against (shown to the approver while it is prepared)',
  })
  outOfRank: RankConflictView[];

  @ApiProperty({ type: String, nullable: true, description: "the approver's comment when it was returned" })
  returnComment: string | null;

  @ApiProperty({ type: String, nullable: true })
  proposalId: string | null;

  @ApiProperty({ type: [DecisionTransitionView] })
  history: DecisionTransitionView[];
}

export class DecisionView {
  @ApiProperty()
  id: string;

  @ApiProperty({ enum: DECISION_STATES })
  status: string;

  @ApiProperty()
  applicationId: string;

  @ApiProperty()
  callId: string;

  @ApiProperty({ example: '2026/00001' })
  caseNumber: string;

  @ApiProperty({ enum: DECISION_OUTCOMES })
  outcome: string;

  @ApiProperty({ description: 'øre' })
  amountOre: number;

  @ApiProperty({ description: 'øre' })
  requestedOre: number;

  @ApiProperty({ description: "øre: the call's grant share of the eligible costs" })
  maxAllowedOre: number;

  @ApiProperty({ enum: ['nb', 'nn'], description: "the lead municipality's written language: the letter's" })
  language: string;

  @ApiProperty()
  legalBasis: string;

  @ApiProperty()
  reasons: string;

  @ApiProperty({ type: [DecisionConditionView] })
  conditions: DecisionConditionView[];

  @ApiProperty({ type: Number, nullable: true })
  rank: number | null;

  @ApiProperty({ type: Number, nullable: true })
  score: number | null;

  @ApiProperty({ type: String, nullable: true, description: 'the decision this one replaces (a reversal on appeal)' })
  supersedesId: string | null;

  @ApiProperty({ type: String, nullable: true })
  appealId: string | null;

  @ApiProperty()
  createdBy: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiProperty({ type: String, nullable: true })
  approvedBy: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  approvedAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  sentAt: string | null;

  @ApiProperty({ type: DecisionLetterSummaryView, nullable: true })
  letter: DecisionLetterSummaryView | null;

  @ApiProperty({ type: String, nullable: true, description: 'the grant this decision created or now governs' })
  grantId: string | null;

  @ApiPropertyOptional({ type: DecisionInternalView, description: 'staff only' })
  internal?: DecisionInternalView;
}

export class DecisionListView {
  @ApiProperty({ type: [DecisionView] })
  items: DecisionView[];
}

export class BulkProblemView {
  @ApiProperty()
  status: number;

  @ApiProperty()
  code: string;

  @ApiProperty()
  detail: string;

  @ApiPropertyOptional({ description: 'BUDGET_EXCEEDED: what is left of the budget' })
  remainingOre?: number;
}

export class BulkResultView {
  @ApiProperty()
  decisionId: string;

  @ApiProperty({ enum: ['approved', 'returned', 'refused'] })
  outcome: string;

  @ApiPropertyOptional({ enum: DECISION_STATES })
  status?: string;

  @ApiPropertyOptional({ type: BulkProblemView })
  problem?: BulkProblemView;
}

export class BulkDecisionView {
  @ApiProperty({ type: [BulkResultView] })
  results: BulkResultView[];
}

export class DraftResultView {
  @ApiProperty()
  applicationId: string;

  @ApiProperty({ enum: ['drafted', 'skipped'] })
  outcome: string;

  @ApiPropertyOptional()
  decisionId?: string;

  @ApiPropertyOptional({ type: BulkProblemView })
  problem?: BulkProblemView;
}

export class DraftFromProposalView {
  @ApiProperty()
  proposalId: string;

  @ApiProperty({ type: [DraftResultView] })
  results: DraftResultView[];
}
