import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { MoneyColumn } from '../../database/money';
import { Language } from '../../templates/language';
import { AppealState } from '../appeal.workflow';
import { DecisionState } from '../decision.workflow';

export const DECISION_OUTCOMES = ['GRANTED', 'PARTLY_GRANTED', 'REJECTED'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

/** A condition of the grant as the letter states it: a standard one of the call (with its code) or a specific one. */
export interface DecisionCondition {
  code: string | null;
  text: string;
}

/** A decision (vedtak) on one application. Its text is in the lead municipality's written language. */
@Entity('decision')
export class Decision {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  status: DecisionState;

  @Column({ name: 'application_id', type: 'uuid' })
  applicationId: string;

  @Column({ name: 'call_id', type: 'uuid' })
  callId: string;

  @Column({ type: 'text' })
  outcome: DecisionOutcome;

  @MoneyColumn({ name: 'amount_ore' })
  amountOre: number;

  @MoneyColumn({ name: 'requested_ore' })
  requestedOre: number;

  @MoneyColumn({ name: 'max_allowed_ore' })
  maxAllowedOre: number;

  @Column({ type: 'text' })
  language: Language;

  @Column({ name: 'legal_basis', type: 'text' })
  legalBasis: string;

  @Column({ type: 'text' })
  reasons: string;

  @Column({ name: 'internal_note', type: 'text', nullable: true })
  internalNote: string | null;

  @Column({ type: 'jsonb' })
  conditions: DecisionCondition[];

  @Column({ name: 'out_of_rank_justification', type: 'text', nullable: true })
  outOfRankJustification: string | null;

  @Column({ type: 'integer', nullable: true })
  rank: number | null;

  @Column({ type: 'numeric', nullable: true })
  score: string | null;

  @Column({ name: 'proposal_id', type: 'uuid', nullable: true })
  proposalId: string | null;

  @Column({ name: 'appeal_id', type: 'uuid', nullable: true })
  appealId: string | null;

  @Column({ name: 'supersedes_id', type: 'uuid', nullable: true })
  supersedesId: string | null;

  @Column({ name: 'return_comment', type: 'text', nullable: true })
  returnComment: string | null;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'approved_by', type: 'uuid', nullable: true })
  approvedBy: string | null;

  @Column({ name: 'approved_at', type: 'timestamptz', nullable: true })
  approvedAt: Date | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;
}

/** The letter as it was sent: append-only. */
@Entity('decision_letter')
export class DecisionLetter {
  @PrimaryColumn({ name: 'decision_id', type: 'uuid' })
  decisionId: string;

  @Column({ type: 'text' })
  template: string;

  @Column({ type: 'text' })
  language: Language;

  @Column({ name: 'html_key', type: 'text' })
  htmlKey: string;

  @Column({ name: 'html_sha256', type: 'text' })
  htmlSha256: string;

  @Column({ name: 'pdf_key', type: 'text' })
  pdfKey: string;

  @Column({ name: 'pdf_sha256', type: 'text' })
  pdfSha256: string;

  @Column({ name: 'pdf_bytes', type: 'integer' })
  pdfBytes: number;

  @Column({ name: 'case_number', type: 'text' })
  caseNumber: string;

  @Column({ name: 'journal_seq', type: 'integer' })
  journalSeq: number;

  /** The last day to appeal (YYYY-MM-DD, Norway). */
  @Column({ name: 'appeal_deadline', type: 'date' })
  appealDeadline: string;

  @Column({ name: 'accept_by', type: 'timestamptz', nullable: true })
  acceptBy: Date | null;

  @Column({ name: 'sent_at', type: 'timestamptz' })
  sentAt: Date;
}

export const APPEAL_BODY_OUTCOMES = ['UPHELD', 'REVERSED', 'PARTLY_REVERSED', 'DISMISSED'] as const;
export type AppealBodyOutcome = (typeof APPEAL_BODY_OUTCOMES)[number];

@Entity('appeal')
export class Appeal {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  status: AppealState;

  @Column({ name: 'decision_id', type: 'uuid' })
  decisionId: string;

  @Column({ name: 'application_id', type: 'uuid' })
  applicationId: string;

  @Column({ type: 'text' })
  grounds: string;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;

  /** The last day it could be lodged in time (YYYY-MM-DD, Norway). */
  @Column({ type: 'date' })
  deadline: string;

  @Column({ type: 'boolean' })
  late: boolean;

  @Column({ name: 'late_admission_reason', type: 'text', nullable: true })
  lateAdmissionReason: string | null;

  @Column({ name: 'lodged_by', type: 'uuid', nullable: true })
  lodgedBy: string | null;

  @Column({ type: 'text', nullable: true })
  recommendation: string | null;

  @Column({ name: 'appeal_body', type: 'text', nullable: true })
  appealBody: string | null;

  @Column({ name: 'forwarded_at', type: 'timestamptz', nullable: true })
  forwardedAt: Date | null;

  @Column({ name: 'appeal_body_outcome', type: 'text', nullable: true })
  appealBodyOutcome: AppealBodyOutcome | null;

  @Column({ name: 'appeal_body_decided_on', type: 'date', nullable: true })
  appealBodyDecidedOn: string | null;

  @Column({ name: 'appeal_body_note', type: 'text', nullable: true })
  appealBodyNote: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

@Entity('appeal_attachment')
export class AppealAttachment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'appeal_id', type: 'uuid' })
  appealId: string;

  @Column({ type: 'text' })
  filename: string;

  @Column({ name: 'media_type', type: 'text' })
  mediaType: string;

  @Column({ name: 'size_bytes', type: 'integer' })
  sizeBytes: number;

  @Column({ type: 'text' })
  sha256: string;

  @Column({ name: 'storage_key', type: 'text' })
  storageKey: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
