import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { PaymentTrigger } from '../../calls/call-rules';
import { MoneyColumn } from '../../database/money';
import { GrantState } from '../grant.workflow';

/** One line of the payment plan as the grant holds it: the call's share, in øre (the remainder on the last line). */
export interface GrantPaymentLine {
  trigger: PaymentTrigger;
  shareBp: number;
  amountOre: number;
}

/** The report schedule of the call the grant was made under, copied when the grant was created. */
export interface GrantReportSchedule {
  progressReportDue: string;
  finalReportMonthsAfterEnd: number;
}

export const ACCEPTANCE_CHANNELS = ['ONLINE', 'SIGNED_DOCUMENT'] as const;
export type AcceptanceChannel = (typeof ACCEPTANCE_CHANNELS)[number];

/** A grant (tilsagn); the table is grant_award because GRANT is an SQL keyword. */
@Entity('grant_award')
export class Grant {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  status: GrantState;

  /** The decision in force (a reversal on appeal points the grant at the new one). */
  @Column({ name: 'decision_id', type: 'uuid' })
  decisionId: string;

  @Column({ name: 'application_id', type: 'uuid' })
  applicationId: string;

  @Column({ name: 'call_id', type: 'uuid' })
  callId: string;

  @Column({ name: 'consortium_id', type: 'uuid' })
  consortiumId: string;

  @Column({ name: 'case_number', type: 'text' })
  caseNumber: string;

  @MoneyColumn({ name: 'amount_ore' })
  amountOre: number;

  @Column({ name: 'payment_plan', type: 'jsonb' })
  paymentPlan: GrantPaymentLine[];

  @Column({ name: 'report_schedule', type: 'jsonb' })
  reportSchedule: GrantReportSchedule;

  @Column({ name: 'project_start', type: 'date', nullable: true })
  projectStart: string | null;

  @Column({ name: 'project_end', type: 'date', nullable: true })
  projectEnd: string | null;

  @Column({ name: 'accept_by', type: 'timestamptz' })
  acceptBy: Date;

  @Column({ name: 'accepted_at', type: 'timestamptz', nullable: true })
  acceptedAt: Date | null;

  @Column({ name: 'accepted_by_user', type: 'uuid', nullable: true })
  acceptedByUser: string | null;

  @Column({ name: 'accepted_by_name', type: 'text', nullable: true })
  acceptedByName: string | null;

  @Column({ name: 'accepted_by_title', type: 'text', nullable: true })
  acceptedByTitle: string | null;

  @Column({ name: 'acceptance_channel', type: 'text', nullable: true })
  acceptanceChannel: AcceptanceChannel | null;

  @Column({ name: 'acceptance_document_key', type: 'text', nullable: true })
  acceptanceDocumentKey: string | null;

  @Column({ name: 'acceptance_document_sha256', type: 'text', nullable: true })
  acceptanceDocumentSha256: string | null;

  /** The day a signed acceptance was signed (YYYY-MM-DD, SIGNED_DOCUMENT only). */
  @Column({ name: 'acceptance_signed_on', type: 'date', nullable: true })
  acceptanceSignedOn: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
