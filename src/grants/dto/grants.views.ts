import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PAYMENT_TRIGGERS } from '../../calls/call-rules';
import { GRANT_STATES } from '../grant.workflow';
import { ACCEPTANCE_CHANNELS } from '../entities/grant.entity';
import { GrantTermsView } from '../changes/dto/grant-changes.views';
import { GrantLedgerView } from '../payments/dto/payments.views';

export class GrantPaymentLineView {
  @ApiProperty({ enum: PAYMENT_TRIGGERS })
  trigger: string;

  @ApiProperty({ example: 5000 })
  shareBp: number;

  @ApiProperty({ description: 'øre; the rounding remainder is on the last line' })
  amountOre: number;
}

export class GrantReportScheduleView {
  @ApiProperty({ example: '03-01' })
  progressReportDue: string;

  @ApiProperty({ example: 3 })
  finalReportMonthsAfterEnd: number;
}

export class ScheduledReportView {
  @ApiProperty({ enum: ['PROGRESS', 'FINAL', 'AD_HOC'] })
  kind: string;

  @ApiProperty({ example: '2027-03-01' })
  dueOn: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'once the grant is active: the report (GET /reports/{id})' })
  id?: string;

  @ApiPropertyOptional()
  title?: string;

  @ApiPropertyOptional({ description: 'the report state' })
  status?: string;

  @ApiPropertyOptional({ description: 'not submitted and past its due date' })
  overdue?: boolean;
}

export class GrantAcceptanceView {
  @ApiProperty({ format: 'date-time' })
  acceptedAt: string;

  @ApiProperty({ description: 'who accepted for the municipality' })
  name: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ enum: ACCEPTANCE_CHANNELS })
  channel: string;

  @ApiProperty({ type: String, nullable: true, description: 'SHA-256 of the signed document (SIGNED_DOCUMENT)' })
  documentSha256: string | null;

  @ApiProperty({ type: String, nullable: true, example: '2026-12-01', description: 'the day the document was signed (SIGNED_DOCUMENT)' })
  signedOn: string | null;
}

export class GrantView {
  @ApiProperty()
  id: string;

  @ApiProperty({ enum: GRANT_STATES })
  status: string;

  @ApiProperty({ description: 'the decision in force' })
  decisionId: string;

  @ApiProperty()
  applicationId: string;

  @ApiProperty()
  callId: string;

  @ApiProperty()
  consortiumId: string;

  @ApiProperty()
  caseNumber: string;

  @ApiProperty({ description: 'øre' })
  amountOre: number;

  @ApiProperty({ type: [GrantPaymentLineView] })
  paymentPlan: GrantPaymentLineView[];

  @ApiProperty({ type: GrantReportScheduleView })
  reportSchedule: GrantReportScheduleView;

  @ApiProperty({ type: [ScheduledReportView] })
  reports: ScheduledReportView[];

  @ApiProperty({ type: String, nullable: true })
  projectStart: string | null;

  @ApiProperty({ type: String, nullable: true })
  projectEnd: string | null;

  @ApiProperty({ format: 'date-time', description: 'the acceptance deadline: the first instant after its last day (Oslo)' })
  acceptBy: string;

  @ApiProperty({ type: GrantAcceptanceView, nullable: true })
  acceptance: GrantAcceptanceView | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

/** One grant asked for by id: the grant and its ledger. */
export class GrantDetailView extends GrantView {
  @ApiProperty({
    type: GrantLedgerView,
    description: 'granted, paid, approved not yet paid, remaining, reclaimed: every amount summed from the payment and reclaim rows',
  })
  ledger: GrantLedgerView;

  @ApiProperty({
    type: [GrantTermsView],
    description: "the grant's terms, every version: 1 as decided, then one per approved change request",
  })
  terms: GrantTermsView[];

  @ApiProperty({ description: 'the version of the terms in force today' })
  termsVersionInForce: number;
}
