import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { APPLICATION_STATES } from '../../applications/application.workflow';
import { ApplicationVersionView } from '../../applications/dto/applications.views';
import { CriterionDto, LocalisedTextDto } from '../../calls/dto/calls.dto';
import { ASSIGNMENT_STATES } from '../assignment.workflow';
import { RECOMMENDATIONS } from '../entities/assessment.entity';

/** What the API answers about assessment (see common/openapi.ts). */

export class TieView {
  @ApiProperty({ format: 'uuid' })
  organisationId: string;

  @ApiProperty()
  organisationName: string;

  @ApiProperty({ example: 'EMPLOYED' })
  kind: string;

  @ApiProperty({ type: String, nullable: true })
  description: string | null;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  validFrom: string | null;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  validTo: string | null;
}

export class AssessorRefView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;
}

export class AssignmentSummaryView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ASSIGNMENT_STATES })
  status: string;

  @ApiProperty({ format: 'uuid' })
  applicationId: string;

  @ApiProperty({ example: '2026/00001' })
  caseNumber: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ format: 'uuid' })
  callId: string;

  @ApiProperty({ type: AssessorRefView })
  assessor: AssessorRefView;

  @ApiProperty({ description: 'the submitted version being assessed' })
  applicationVersion: number;

  @ApiProperty({ format: 'date-time' })
  dueAt: string;

  @ApiProperty({ format: 'date-time' })
  assignedAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  declaredAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  completedAt: string | null;

  @ApiProperty()
  round: number;
}

export class AssignmentCallView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  version: number;

  @ApiProperty({ type: LocalisedTextDto })
  title: LocalisedTextDto;
}

export class AssignmentMemberView {
  @ApiProperty()
  name: string;

  @ApiProperty()
  kind: string;

  @ApiProperty({ type: String, nullable: true })
  municipalityNumber: string | null;

  @ApiProperty()
  lead: boolean;
}

export class AssignmentConsortiumView {
  @ApiProperty()
  name: string;

  @ApiProperty({ type: [AssignmentMemberView] })
  members: AssignmentMemberView[];
}

export class DeclarationView {
  @ApiProperty()
  conflict: boolean;

  @ApiProperty({ type: String, nullable: true })
  description: string | null;

  @ApiProperty({ format: 'date-time' })
  declaredAt: string;
}

export class RecommendationView {
  @ApiProperty()
  recommendation: string;

  @ApiProperty({ type: String, nullable: true })
  comment: string | null;
}

export class AssignmentView extends AssignmentSummaryView {
  @ApiProperty({ type: AssignmentCallView })
  call: AssignmentCallView;

  @ApiProperty({ type: AssignmentConsortiumView })
  consortium: AssignmentConsortiumView;

  @ApiProperty({ type: DeclarationView, nullable: true })
  declaration: DeclarationView | null;

  @ApiProperty({ type: RecommendationView, nullable: true })
  recommendation: RecommendationView | null;

  @ApiProperty({ description: 'what the assessor may read now (after declaring no conflict)' })
  mayRead: boolean;

  @ApiProperty({ type: [CriterionDto] })
  criteria: CriterionDto[];
}

/** The submitted version an assignment assesses. */
export class AssessedVersionView extends ApplicationVersionView {
  @ApiProperty({ format: 'uuid' })
  applicationId: string;
}

export class TieListView {
  @ApiProperty({ type: [TieView] })
  items: TieView[];
}

export class ScoreView {
  @ApiProperty({ example: 'NYTTE', description: 'the criterion code' })
  criterion: string;

  @ApiProperty({ type: Number, nullable: true, description: 'a whole score on the scale; null for N/A' })
  score: number | null;

  @ApiProperty()
  notApplicable: boolean;

  @ApiProperty({ type: String, nullable: true })
  rationale: string | null;
}

/** The assessor's scores so far; the weighted score once every criterion is answered. */
export class ScoreSheetView {
  @ApiProperty({ format: 'uuid' })
  assignmentId: string;

  @ApiProperty({ enum: ASSIGNMENT_STATES })
  status: string;

  @ApiProperty({ type: [ScoreView] })
  scores: ScoreView[];

  @ApiProperty({ type: Number, nullable: true, description: 'two decimals; null until every criterion is answered' })
  weightedScore: number | null;
}

export class PeerScoresItemView {
  @ApiProperty({ format: 'uuid' })
  assignmentId: string;

  @ApiProperty({ type: String, enum: RECOMMENDATIONS, nullable: true })
  recommendation: string | null;

  @ApiProperty({ type: [ScoreView] })
  scores: ScoreView[];

  @ApiProperty({ type: Number, nullable: true })
  weightedScore: number | null;
}

/** The other assessors' completed scores of the same application. */
export class PeerScoresView {
  @ApiProperty({ format: 'uuid' })
  applicationId: string;

  @ApiProperty({ type: [PeerScoresItemView] })
  items: PeerScoresItemView[];
}

export class RoundScoreView {
  @ApiProperty({ description: 'the criterion code' })
  code: string;

  @ApiProperty({ type: Number, nullable: true, description: 'null for N/A' })
  score: number | null;

  @ApiProperty({ type: String, nullable: true })
  rationale: string | null;
}

/** One earlier, reopened round of an assessment. */
export class AssessmentRoundView {
  @ApiProperty()
  round: number;

  @ApiProperty({ type: [RoundScoreView] })
  scores: RoundScoreView[];

  @ApiProperty({ type: Number, nullable: true })
  weightedScore: number | null;

  @ApiProperty({ enum: RECOMMENDATIONS })
  recommendation: string;

  @ApiProperty({ type: String, nullable: true })
  recommendationComment: string | null;

  @ApiProperty({ format: 'date-time' })
  completedAt: string;

  @ApiProperty({ format: 'date-time' })
  reopenedAt: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the officer who reopened it' })
  reopenedBy: string | null;

  @ApiProperty()
  reason: string;
}

export class AssessmentHistoryView {
  @ApiProperty({ format: 'uuid' })
  assignmentId: string;

  @ApiProperty({ description: 'the round now open or completed; earlier ones are in rounds' })
  currentRound: number;

  @ApiProperty({ type: [AssessmentRoundView] })
  rounds: AssessmentRoundView[];
}

export class AnsweredScoreView extends ScoreView {
  @ApiProperty({ description: 'false: not scored yet (score null, notApplicable false)' })
  answered: boolean;
}

/** One live assessment of the application, as the officer sees it. */
export class AssessorAssessmentView {
  @ApiProperty({ format: 'uuid' })
  assignmentId: string;

  @ApiProperty({ format: 'uuid' })
  assessorUserId: string;

  @ApiProperty({ enum: ASSIGNMENT_STATES })
  status: string;

  @ApiProperty()
  applicationVersion: number;

  @ApiProperty()
  round: number;

  @ApiProperty({ type: String, enum: RECOMMENDATIONS, nullable: true })
  recommendation: string | null;

  @ApiProperty({ type: String, nullable: true })
  recommendationComment: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  completedAt: string | null;

  @ApiProperty({ type: [AnsweredScoreView], description: 'every criterion once completed; before, those answered so far' })
  scores: AnsweredScoreView[];

  @ApiProperty({ type: Number, nullable: true, description: 'once completed' })
  weightedScore: number | null;
}

export class CriterionAggregateView {
  @ApiProperty()
  code: string;

  @ApiProperty({ type: Number, nullable: true, description: 'mean of the scores given (N/A left out)' })
  mean: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'highest minus lowest score given' })
  spread: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'the moderated score (absent: not moderated; null: moderated to N/A)' })
  moderated?: number | null;
}

export class ModerationThresholdsView {
  @ApiProperty({ description: 'the spread of weighted scores above which the assessments need moderation' })
  weighted: number;

  @ApiProperty({ description: 'the spread on one criterion above which they need moderation' })
  criterion: number;
}

export class AssessmentAggregateView {
  @ApiProperty({ description: 'completed assessments counted' })
  completed: number;

  @ApiProperty({ type: Number, nullable: true })
  meanScore: number | null;

  @ApiProperty({ type: Number, nullable: true })
  spread: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'the score that counts: the moderated one where moderated, else the mean' })
  score: number | null;

  @ApiProperty()
  needsModeration: boolean;

  @ApiProperty({ type: [String] })
  moderationReasons: string[];

  @ApiProperty()
  moderated: boolean;

  @ApiProperty({ type: [CriterionAggregateView] })
  criteria: CriterionAggregateView[];

  @ApiProperty({ type: ModerationThresholdsView })
  thresholds: ModerationThresholdsView;
}

export class ModerationView {
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  moderatedBy: string | null;

  @ApiProperty({ format: 'date-time' })
  moderatedAt: string;

  @ApiProperty({ type: String, nullable: true })
  note: string | null;

  @ApiProperty({ type: [ScoreView] })
  scores: ScoreView[];
}

/** An application's assessments for the officer: each assessor's scores, the aggregate, the moderation. */
export class ApplicationAssessmentView {
  @ApiProperty({ format: 'uuid' })
  applicationId: string;

  @ApiProperty({ example: '2026/00001' })
  caseNumber: string;

  @ApiProperty({ enum: APPLICATION_STATES })
  status: string;

  @ApiProperty({ type: [AssessorAssessmentView] })
  assessments: AssessorAssessmentView[];

  @ApiProperty({ type: AssessmentAggregateView, nullable: true, description: 'null before anyone is assigned' })
  aggregate: AssessmentAggregateView | null;

  @ApiProperty({ type: ModerationView, nullable: true })
  moderation: ModerationView | null;
}

export class HeaviestCriterionView {
  @ApiProperty()
  code: string;

  @ApiProperty({ type: Number, nullable: true })
  score: number | null;
}

export class AssessmentCountView {
  @ApiProperty()
  completed: number;

  @ApiProperty()
  live: number;
}

export class RankingRowView {
  @ApiProperty()
  rank: number;

  @ApiProperty({ format: 'uuid' })
  applicationId: string;

  @ApiProperty({ example: '2026/00001' })
  caseNumber: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ enum: APPLICATION_STATES })
  status: string;

  @ApiProperty({ type: Number, nullable: true, description: 'the score that counts (moderated, else the mean), two decimals' })
  score: number | null;

  @ApiProperty({ type: Number, nullable: true })
  meanScore: number | null;

  @ApiProperty({ type: Number, nullable: true })
  spread: number | null;

  @ApiProperty()
  moderated: boolean;

  @ApiProperty({ type: HeaviestCriterionView, nullable: true })
  heaviestCriterion: HeaviestCriterionView | null;

  @ApiProperty({ description: 'øre' })
  requestedOre: number;

  @ApiProperty({ description: 'øre: the call’s grant share of the eligible costs' })
  maxAllowedOre: number;

  @ApiProperty({ description: 'øre' })
  cumulativeRequestedOre: number;

  @ApiProperty({ description: 'øre' })
  budgetOre: number;

  @ApiProperty()
  withinBudget: boolean;

  @ApiProperty({ type: AssessmentCountView })
  assessments: AssessmentCountView;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'how many assessors recommended what',
    example: { FUND: 2 },
  })
  recommendations: Record<string, number>;

  @ApiProperty({ type: String, enum: ['NO_ASSESSOR', 'ASSESSMENT', 'MODERATION'], nullable: true, description: 'what it still waits for' })
  awaiting: null | 'NO_ASSESSOR' | 'ASSESSMENT' | 'MODERATION';

  @ApiProperty({ format: 'date-time' })
  submittedAt: string;
}

export class RankingView {
  @ApiProperty({ format: 'uuid' })
  callId: string;

  @ApiProperty({ description: 'øre' })
  budgetOre: number;

  @ApiProperty({ description: 'how ties are broken, in words' })
  tieBreak: string;

  @ApiProperty({ type: [RankingRowView] })
  items: RankingRowView[];
}

export class ProposalSummaryView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  version: number;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the proposal this one adjusts' })
  basedOn: string | null;

  @ApiProperty({ description: 'øre' })
  budgetOre: number;

  @ApiProperty({ description: 'øre: the sum of the proposed grants' })
  totalOre: number;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  createdBy: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class ProposalLineView {
  @ApiProperty({ format: 'uuid' })
  applicationId: string;

  @ApiProperty({ example: '2026/00001' })
  caseNumber: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ type: Number, nullable: true })
  rank: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'two decimals' })
  score: number | null;

  @ApiProperty({ description: 'øre' })
  requestedOre: number;

  @ApiProperty({ description: 'øre' })
  maxAllowedOre: number;

  @ApiProperty({ description: 'øre' })
  proposedOre: number;

  @ApiProperty({ enum: ['FULL', 'PARTIAL', 'NONE'] })
  outcome: string;

  @ApiProperty()
  note: string;

  @ApiProperty({ type: String, nullable: true })
  adjustmentReason: string | null;
}

/** One version of a call's allocation proposal, line by line. */
export class ProposalView extends ProposalSummaryView {
  @ApiProperty({ format: 'uuid' })
  callId: string;

  @ApiProperty({ description: 'øre: budget minus total' })
  remainingOre: number;

  @ApiProperty()
  tieBreak: string;

  @ApiProperty({ type: [ProposalLineView] })
  lines: ProposalLineView[];
}

export class BulkAssignedView {
  @ApiProperty({ format: 'uuid' })
  applicationId: string;

  @ApiProperty({ example: '2026/00001' })
  caseNumber: string;

  @ApiProperty({ format: 'uuid' })
  assessorId: string;

  @ApiProperty({ format: 'uuid' })
  assignmentId: string;
}

export class BlockingTieView {
  @ApiProperty({ format: 'uuid' })
  organisationId: string;

  @ApiProperty()
  organisationName: string;

  @ApiProperty({ example: 'EMPLOYED' })
  kind: string;

  @ApiProperty({
    enum: ['declared', 'user-organisation'],
    description: "declared in the assessor's ties, or the assessor acts for the organisation in the system",
  })
  source: 'declared' | 'user-organisation';
}

export class BulkSkippedView {
  @ApiProperty({ format: 'uuid' })
  applicationId: string;

  @ApiProperty({ example: '2026/00001' })
  caseNumber: string;

  @ApiProperty({ format: 'uuid' })
  assessorId: string;

  @ApiProperty({ description: 'the tie, in words' })
  reason: string;

  @ApiProperty({ type: [BlockingTieView] })
  ties: BlockingTieView[];
}

export class BulkShortfallView {
  @ApiProperty({ format: 'uuid' })
  applicationId: string;

  @ApiProperty({ example: '2026/00001' })
  caseNumber: string;

  @ApiProperty({ description: 'assessors still missing for perApplication' })
  missing: number;
}

/** What a bulk assignment did: new assignments, assessors skipped for a tie, applications still short of assessors. */
export class BulkAssignmentView {
  @ApiProperty({ type: [BulkAssignedView] })
  assigned: BulkAssignedView[];

  @ApiProperty({ type: [BulkSkippedView] })
  skipped: BulkSkippedView[];

  @ApiProperty({ type: [BulkShortfallView] })
  shortfalls: BulkShortfallView[];

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'live assignments in the call per assessor id, after this one',
  })
  load: Record<string, number>;
}
