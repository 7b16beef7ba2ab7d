import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { APPEAL_STATES } from '../appeal.workflow';
import { DECISION_STATES } from '../decision.workflow';
import { APPEAL_BODY_OUTCOMES } from '../entities/decision.entity';

export class AppealAttachmentView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  filename: string;

  @ApiProperty({ example: 'application/pdf' })
  mediaType: string;

  @ApiProperty()
  sizeBytes: number;

  @ApiProperty({ description: 'SHA-256 of the bytes, hex' })
  sha256: string;

  @ApiProperty({ format: 'date-time' })
  uploadedAt: string;
}

export class AppealReversalView {
  @ApiProperty({ format: 'uuid', description: 'the decision drafted to reverse the appealed one (in full or in part)' })
  decisionId: string;

  @ApiProperty({ enum: DECISION_STATES })
  status: string;
}

export class AppealTransitionView {
  @ApiProperty({ example: 'forward' })
  event: string;

  @ApiProperty({ enum: APPEAL_STATES })
  from: string;

  @ApiProperty({ enum: APPEAL_STATES })
  to: string;

  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  actorUserId: string | null;

  @ApiProperty({ type: String, nullable: true })
  reason: string | null;

  @ApiProperty({ format: 'date-time' })
  occurredAt: string;
}

export class AppealView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({
    enum: APPEAL_STATES,
    description: 'RECEIVED, then REVERSED (a reversal decision approved) or FORWARDED to the appeal body and CLOSED by its outcome',
  })
  status: string;

  @ApiProperty({ format: 'uuid', description: 'the decision appealed' })
  decisionId: string;

  @ApiProperty({ format: 'uuid' })
  applicationId: string;

  @ApiProperty({ example: '2026/00001' })
  caseNumber: string;

  @ApiProperty()
  grounds: string;

  @ApiProperty({ format: 'date-time' })
  receivedAt: string;

  @ApiProperty({ example: '2026-12-21', description: 'the last day the appeal could be lodged in time (Norway)' })
  deadline: string;

  @ApiProperty({ description: 'lodged after the deadline and admitted by the officer (forvaltningsloven § 31)' })
  late: boolean;

  @ApiProperty({ type: String, nullable: true })
  lateAdmissionReason: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'who lodged or registered it' })
  lodgedBy: string | null;

  @ApiProperty({ type: String, nullable: true, description: "the directorate's recommendation when forwarding" })
  recommendation: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Helse- og omsorgsdepartementet' })
  appealBody: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  forwardedAt: string | null;

  @ApiProperty({ type: String, nullable: true, enum: APPEAL_BODY_OUTCOMES })
  appealBodyOutcome: string | null;

  @ApiProperty({ type: String, nullable: true, example: '2027-02-15' })
  appealBodyDecidedOn: string | null;

  @ApiProperty({ type: String, nullable: true })
  appealBodyNote: string | null;

  @ApiProperty({ type: AppealReversalView, nullable: true, description: 'the latest reversal decision drafted on this appeal' })
  reversal: AppealReversalView | null;

  @ApiProperty({ type: [AppealAttachmentView] })
  attachments: AppealAttachmentView[];

  @ApiPropertyOptional({ type: [AppealTransitionView], description: 'staff only: who moved it when' })
  history?: AppealTransitionView[];

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class AppealListView {
  @ApiProperty({ type: [AppealView] })
  items: AppealView[];
}
