import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PAYMENT_TRIGGERS } from '../../../calls/call-rules';
import { PAYMENT_STATES } from '../payment.workflow';
import { RECLAIM_STATES } from '../reclaim.workflow';

export class PaymentPayeeView {
  @ApiProperty({ example: '974760673' })
  organisationNumber: string;

  @ApiProperty({ example: '12345678903' })
  account: string;
}

export class PaymentView {
  @ApiProperty()
  id: string;

  @ApiProperty({ enum: PAYMENT_STATES })
  status: string;

  @ApiProperty()
  grantId: string;

  @ApiProperty()
  callId: string;

  @ApiProperty()
  caseNumber: string;

  @ApiProperty({ description: "the line of the grant's payment plan, from 1" })
  tranche: number;

  @ApiProperty({ description: '1, or more when the bank returned an earlier payment of the tranche or a new plan replaced it' })
  attempt: number;

  @ApiProperty({ enum: PAYMENT_TRIGGERS, description: 'the condition that makes it payable' })
  trigger: string;

  @ApiProperty()
  shareBp: number;

  @ApiProperty({ description: 'øre, as the plan had it' })
  plannedOre: number;

  @ApiProperty({ description: 'øre due (the final settlement may reduce the last tranche)' })
  amountOre: number;

  @ApiProperty({ type: String, nullable: true })
  adjustmentReason: string | null;

  @ApiProperty({ example: 'HTO-2026-00012-1-1' })
  reference: string;

  @ApiProperty({ type: PaymentPayeeView, nullable: true, description: 'fixed when attested' })
  payee: PaymentPayeeView | null;

  @ApiProperty({ type: String, nullable: true })
  attestedBy: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  attestedAt: string | null;

  @ApiProperty({ type: String, nullable: true })
  approvedBy: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  approvedAt: string | null;

  @ApiProperty({ type: String, nullable: true })
  exportId: string | null;

  @ApiProperty({ type: String, nullable: true })
  paidOn: string | null;

  @ApiProperty({ type: String, nullable: true })
  bankReference: string | null;

  @ApiProperty({ type: String, nullable: true })
  failureReason: string | null;

  @ApiProperty({ type: String, nullable: true })
  returnedOn: string | null;

  @ApiProperty({ type: String, nullable: true })
  returnReason: string | null;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class ExportLineView {
  @ApiProperty()
  paymentId: string;

  @ApiProperty()
  organisationNumber: string;

  @ApiProperty()
  account: string;

  @ApiProperty({ description: 'øre' })
  amountOre: number;

  @ApiProperty()
  reference: string;

  @ApiProperty()
  caseNumber: string;

  @ApiProperty()
  tranche: number;
}

export class PaymentExportView {
  @ApiProperty()
  id: string;

  @ApiProperty({ description: 'the batch number, from 1' })
  number: number;

  @ApiProperty({ type: String, nullable: true })
  callId: string | null;

  @ApiProperty()
  paymentCount: number;

  @ApiProperty({ description: 'øre' })
  totalOre: number;

  @ApiProperty()
  csvSha256: string;

  @ApiProperty()
  xlsxSha256: string;

  @ApiProperty()
  createdBy: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: [ExportLineView] })
  lines: ExportLineView[];
}

export class PaymentExportListView {
  @ApiProperty({ type: [PaymentExportView], description: 'the latest 100, newest first' })
  items: PaymentExportView[];
}

export class PayeeResultView {
  @ApiProperty({ enum: ['ACTIVE', 'PENDING', 'REJECTED'], description: "PENDING: a change waiting for an officer's confirmation" })
  status: string;

  @ApiProperty()
  organisationNumber: string;

  @ApiProperty()
  account: string;
}

export class PlanLineView {
  @ApiProperty({ enum: PAYMENT_TRIGGERS })
  trigger: string;

  @ApiProperty()
  shareBp: number;

  @ApiProperty({ description: 'øre' })
  amountOre: number;
}

export class PlanChangeView {
  @ApiProperty()
  id: string;

  @ApiProperty()
  grantId: string;

  @ApiProperty({ enum: ['PROPOSED', 'CONFIRMED', 'REJECTED'] })
  status: string;

  @ApiProperty({ type: [PlanLineView] })
  plan: PlanLineView[];

  @ApiProperty()
  reason: string;

  @ApiProperty()
  proposedBy: string;

  @ApiProperty({ format: 'date-time' })
  proposedAt: string;

  @ApiProperty({ type: String, nullable: true })
  decidedBy: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  decidedAt: string | null;

  @ApiProperty({ type: String, nullable: true })
  decisionNote: string | null;
}

export class RepaymentView {
  @ApiProperty({ description: 'øre of the principal repaid' })
  amountOre: number;

  @ApiProperty({ description: 'øre of late-payment interest paid with it (a repayment covers interest first)' })
  interestOre: number;

  @ApiProperty()
  receivedOn: string;

  @ApiProperty({ type: String, nullable: true })
  note: string | null;

  @ApiProperty({ format: 'date-time' })
  recordedAt: string;
}

export class ReclaimLetterRefView {
  @ApiProperty({ example: '2026/00012-7' })
  entryNumber: string;

  @ApiProperty({ enum: ['nb', 'nn'] })
  language: string;

  @ApiProperty()
  pdfSha256: string;
}

export class ReclaimView {
  @ApiProperty()
  id: string;

  @ApiProperty({ enum: RECLAIM_STATES })
  status: string;

  @ApiProperty()
  grantId: string;

  @ApiProperty()
  number: number;

  @ApiProperty({ enum: ['SETTLEMENT', 'MISUSE', 'CONDITIONS_BROKEN', 'OTHER'] })
  kind: string;

  @ApiProperty({ description: 'øre' })
  amountOre: number;

  @ApiProperty({ description: 'øre' })
  repaidOre: number;

  @ApiProperty({ description: 'øre' })
  writtenOffOre: number;

  @ApiProperty({ description: 'øre demanded and neither repaid nor written off' })
  outstandingOre: number;

  @ApiProperty()
  reasons: string;

  @ApiProperty({ type: String, nullable: true })
  dueOn: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'null: proposed by the final settlement' })
  raisedBy: string | null;

  @ApiProperty({ format: 'date-time' })
  raisedAt: string;

  @ApiProperty({ type: ReclaimLetterRefView, nullable: true })
  letter: ReclaimLetterRefView | null;

  @ApiProperty({ type: String, nullable: true })
  writeOffReason: string | null;

  @ApiProperty({ type: String, nullable: true })
  dismissReason: string | null;

  @ApiProperty({ type: [RepaymentView] })
  repayments: RepaymentView[];

  @ApiPropertyOptional({
    type: () => ReclaimInterestView,
    nullable: true,
    description: 'late-payment interest (forsinkelsesrente) computed on demand; null before the reclaim is demanded',
  })
  interest?: ReclaimInterestView | null;
}

export class InterestPeriodView {
  @ApiProperty({ format: 'date' })
  from: string;

  @ApiProperty({ format: 'date' })
  to: string;

  @ApiProperty()
  days: number;

  @ApiProperty({ description: 'øre owed during the period' })
  principalOre: number;

  @ApiProperty({ description: 'the rate in basis points a year (1225 = 12.25 % p.a.)' })
  rateBp: number;

  @ApiProperty({ description: 'øre, rounded for display; the total is rounded once from the exact sum' })
  interestOre: number;

  @ApiProperty({ description: 'the rate table does not list this half-year yet: the last rate listed was used' })
  rateCarriedForward: boolean;
}

export class ReclaimInterestView {
  @ApiProperty({ format: 'date', description: 'the last day reckoned' })
  asOf: string;

  @ApiProperty({ description: 'the rate in force on asOf, basis points a year' })
  rateBp: number;

  @ApiProperty({ description: 'øre accrued from the day after the due date to asOf (simple interest, actual days / 365)' })
  accruedOre: number;

  @ApiProperty({ description: 'øre of interest paid' })
  paidOre: number;

  @ApiProperty({ description: 'øre of interest owed now' })
  outstandingOre: number;

  @ApiProperty({ description: 'øre of principal and interest owed now' })
  totalOutstandingOre: number;

  @ApiProperty({ type: [InterestPeriodView] })
  periods: InterestPeriodView[];

  @ApiProperty()
  rateCarriedForward: boolean;
}

export class EarlierPaymentView {
  @ApiProperty()
  paymentId: string;

  @ApiProperty({ enum: PAYMENT_STATES })
  status: string;

  @ApiProperty()
  amountOre: number;

  @ApiProperty()
  reference: string;

  @ApiProperty({ type: String, nullable: true })
  returnedOn: string | null;

  @ApiProperty({ type: String, nullable: true })
  returnReason: string | null;
}

export class TrancheView {
  @ApiProperty()
  tranche: number;

  @ApiProperty({ enum: PAYMENT_TRIGGERS, description: 'the condition' })
  trigger: string;

  @ApiProperty()
  shareBp: number;

  @ApiProperty({ description: 'øre' })
  plannedOre: number;

  @ApiProperty({ description: 'øre' })
  amountOre: number;

  @ApiProperty({ enum: PAYMENT_STATES })
  status: string;

  @ApiProperty()
  paymentId: string;

  @ApiProperty()
  reference: string;

  @ApiProperty({ type: String, nullable: true })
  paidOn: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date',
    description:
      "a tranche paid on a report's approval is dated by that report's due date (it moves with the project end); null on acceptance",
  })
  expectedOn: string | null;

  @ApiProperty({ type: [EarlierPaymentView] })
  earlier: EarlierPaymentView[];
}

export class PayeeView {
  @ApiProperty()
  organisationNumber: string;

  @ApiProperty()
  account: string;

  @ApiProperty({ format: 'date-time' })
  registeredAt: string;

  @ApiProperty({ type: String, nullable: true })
  registeredBy: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'the officer who confirmed a change' })
  confirmedBy: string | null;
}

export class SettlementView {
  @ApiProperty()
  eligibleCostsOre: number;

  @ApiProperty()
  shareBp: number;

  @ApiProperty()
  finalGrantOre: number;

  @ApiProperty({ description: 'paid or on its way when settled' })
  paidBeforeOre: number;

  @ApiProperty()
  lastTrancheOre: number;

  @ApiProperty()
  reclaimOre: number;

  @ApiProperty({ format: 'date-time' })
  settledAt: string;
}

export class GrantLedgerView {
  @ApiProperty({ description: 'øre' })
  grantedOre: number;

  @ApiProperty({ type: Number, nullable: true, description: 'øre, from the final settlement' })
  finalGrantOre: number | null;

  @ApiProperty()
  paidOre: number;

  @ApiProperty({ description: 'attested, awaiting approval' })
  attestedOre: number;

  @ApiProperty({ description: 'approved or sent to the bank, not yet paid' })
  approvedNotPaidOre: number;

  @ApiProperty({ description: 'the final grant (or the grant) less paid and approved' })
  remainingOre: number;

  @ApiProperty({ description: 'paid, then returned by the bank' })
  returnedOre: number;

  @ApiProperty({ description: 'demanded back' })
  reclaimedOre: number;

  @ApiProperty({ description: "a settlement's reclaim awaiting the officer" })
  proposedReclaimOre: number;

  @ApiProperty()
  repaidOre: number;

  @ApiProperty()
  writtenOffOre: number;

  @ApiProperty()
  outstandingReclaimOre: number;

  @ApiProperty({ description: 'paid less repaid' })
  netPaidOre: number;

  @ApiProperty({ type: [TrancheView] })
  tranches: TrancheView[];

  @ApiProperty({ type: PayeeView, nullable: true })
  payee: PayeeView | null;

  @ApiProperty({ type: PayeeView, nullable: true, description: "a change of payee awaiting an officer's confirmation" })
  pendingPayee: PayeeView | null;

  @ApiProperty({ type: [ReclaimView] })
  reclaims: ReclaimView[];

  @ApiProperty({ type: SettlementView, nullable: true })
  settlement: SettlementView | null;
}
