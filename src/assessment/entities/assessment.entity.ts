import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { MoneyColumn } from '../../database/money';
import { AssignmentState } from '../assignment.workflow';

/** A criterion of one call version, written by the database from the version's rules (trigger on call_version). */
@Entity('call_criterion')
export class CallCriterion {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'call_id', type: 'uuid' })
  callId: string;

  @Column({ name: 'call_version', type: 'integer' })
  callVersion: number;

  @Column()
  code: string;

  @Column()
  name: string;

  @Column()
  description: string;

  @Column({ type: 'integer' })
  weight: number;

  @Column({ name: 'scale_min', type: 'integer' })
  scaleMin: number;

  @Column({ name: 'scale_max', type: 'integer' })
  scaleMax: number;

  @Column({ name: 'na_allowed', type: 'boolean' })
  naAllowed: boolean;

  @Column({ type: 'integer' })
  position: number;
}

export const TIE_KINDS = ['EMPLOYED', 'BOARD_MEMBER', 'OWNER', 'ADVISER', 'FAMILY', 'OTHER'] as const;
export type TieKind = (typeof TIE_KINDS)[number];

/** An organisation an assessor is tied to (habilitet, forvaltningsloven § 6). */
@Entity('assessor_tie')
export class AssessorTie {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId: string;

  @Column({ type: 'text' })
  kind: TieKind;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'valid_from', type: 'date', nullable: true })
  validFrom: string | null;

  @Column({ name: 'valid_to', type: 'date', nullable: true })
  validTo: string | null;

  @Column({ type: 'integer' })
  position: number;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

export const RECOMMENDATIONS = ['FUND', 'FUND_WITH_CONDITIONS', 'DO_NOT_FUND'] as const;
export type Recommendation = (typeof RECOMMENDATIONS)[number];

/** One assessor on one application: behind the conflict-of-interest gate until it declares. */
@Entity('assessment_assignment')
export class Assignment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  status: AssignmentState;

  @Column({ name: 'application_id', type: 'uuid' })
  applicationId: string;

  @Column({ name: 'call_id', type: 'uuid' })
  callId: string;

  @Column({ name: 'application_version', type: 'integer' })
  applicationVersion: number;

  @Column({ name: 'call_version', type: 'integer' })
  callVersion: number;

  @Column({ name: 'assessor_user_id', type: 'uuid' })
  assessorUserId: string;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt: Date;

  @Column({ name: 'assigned_by', type: 'uuid', nullable: true })
  assignedBy: string | null;

  @Column({ name: 'assigned_at', type: 'timestamptz' })
  assignedAt: Date;

  @Column({ name: 'declared_at', type: 'timestamptz', nullable: true })
  declaredAt: Date | null;

  @Column({ type: 'boolean', nullable: true })
  conflict: boolean | null;

  @Column({ name: 'conflict_description', type: 'text', nullable: true })
  conflictDescription: string | null;

  @Column({ type: 'text', nullable: true })
  recommendation: Recommendation | null;

  @Column({ name: 'recommendation_comment', type: 'text', nullable: true })
  recommendationComment: string | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Column({ type: 'integer' })
  round: number;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** One answer of an assessment; the database holds it within its criterion's scale. */
@Entity('assessment_score')
export class Score {
  @PrimaryColumn({ name: 'assignment_id', type: 'uuid' })
  assignmentId: string;

  @PrimaryColumn({ name: 'criterion_id', type: 'uuid' })
  criterionId: string;

  @Column({ name: 'call_id', type: 'uuid' })
  callId: string;

  @Column({ name: 'call_version', type: 'integer' })
  callVersion: number;

  @Column({ name: 'scale_min', type: 'integer' })
  scaleMin: number;

  @Column({ name: 'scale_max', type: 'integer' })
  scaleMax: number;

  @Column({ name: 'na_allowed', type: 'boolean' })
  naAllowed: boolean;

  @Column({ type: 'integer', nullable: true })
  score: number | null;

  @Column({ name: 'not_applicable', type: 'boolean' })
  notApplicable: boolean;

  @Column({ type: 'text', nullable: true })
  rationale: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** What a completed assessment said before an officer reopened it. */
@Entity('assessment_round')
export class AssessmentRound {
  @PrimaryColumn({ name: 'assignment_id', type: 'uuid' })
  assignmentId: string;

  @PrimaryColumn({ type: 'integer' })
  round: number;

  @Column({ type: 'jsonb' })
  scores: Array<{ code: string; score: number | null; rationale: string | null }>;

  @Column({ name: 'weighted_score', type: 'numeric', nullable: true })
  weightedScore: string | null;

  @Column()
  recommendation: string;

  @Column({ name: 'recommendation_comment', type: 'text', nullable: true })
  recommendationComment: string | null;

  @Column({ name: 'completed_at', type: 'timestamptz' })
  completedAt: Date;

  @Column({ name: 'reopened_at', type: 'timestamptz' })
  reopenedAt: Date;

  @Column({ name: 'reopened_by', type: 'uuid', nullable: true })
  reopenedBy: string | null;

  @Column()
  reason: string;
}

@Entity('assessment_moderation')
export class Moderation {
  @PrimaryColumn({ name: 'application_id', type: 'uuid' })
  applicationId: string;

  @Column({ name: 'call_id', type: 'uuid' })
  callId: string;

  @Column({ name: 'call_version', type: 'integer' })
  callVersion: number;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'moderated_by', type: 'uuid', nullable: true })
  moderatedBy: string | null;

  @Column({ name: 'moderated_at', type: 'timestamptz' })
  moderatedAt: Date;
}

@Entity('moderated_score')
export class ModeratedScore {
  @PrimaryColumn({ name: 'application_id', type: 'uuid' })
  applicationId: string;

  @PrimaryColumn({ name: 'criterion_id', type: 'uuid' })
  criterionId: string;

  @Column({ name: 'call_id', type: 'uuid' })
  callId: string;

  @Column({ name: 'call_version', type: 'integer' })
  callVersion: number;

  @Column({ name: 'scale_min', type: 'integer' })
  scaleMin: number;

  @Column({ name: 'scale_max', type: 'integer' })
  scaleMax: number;

  @Column({ name: 'na_allowed', type: 'boolean' })
  naAllowed: boolean;

  @Column({ type: 'integer', nullable: true })
  score: number | null;

  @Column({ name: 'not_applicable', type: 'boolean' })
  notApplicable: boolean;

  @Column()
  rationale: string;
}

/** One version of a call's allocation proposal; never changed (an adjustment is the next version). */
@Entity('allocation_proposal')
export class AllocationProposal {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'call_id', type: 'uuid' })
  callId: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ name: 'based_on', type: 'uuid', nullable: true })
  basedOn: string | null;

  @MoneyColumn({ name: 'budget_ore' })
  budgetOre: number;

  @MoneyColumn({ name: 'total_ore' })
  totalOre: number;

  @Column({ name: 'tie_break' })
  tieBreak: string;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

@Entity('allocation_proposal_line')
export class AllocationProposalLine {
  @PrimaryColumn({ name: 'proposal_id', type: 'uuid' })
  proposalId: string;

  @PrimaryColumn({ name: 'application_id', type: 'uuid' })
  applicationId: string;

  @Column({ type: 'integer', nullable: true })
  rank: number | null;

  @Column({ type: 'numeric', nullable: true })
  score: string | null;

  @MoneyColumn({ name: 'requested_ore' })
  requestedOre: number;

  @MoneyColumn({ name: 'max_allowed_ore' })
  maxAllowedOre: number;

  @MoneyColumn({ name: 'proposed_ore' })
  proposedOre: number;

  @Column({ type: 'text' })
  outcome: 'FULL' | 'PARTIAL' | 'NONE';

  @Column()
  note: string;

  @Column({ name: 'adjustment_reason', type: 'text', nullable: true })
  adjustmentReason: string | null;
}
