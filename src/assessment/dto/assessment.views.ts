import { ApiProperty } from '@nestjs/swagger';
import { ApplicationVersionView } from '../../applications/dto/applications.views';
import { CriterionDto, LocalisedTextDto } from '../../calls/dto/calls.dto';
import { ASSIGNMENT_STATES } from '../assignment.workflow';

/** What the API answers about assessment (see common/openapi.ts). Scores, ranking and proposals: not yet described. */

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
