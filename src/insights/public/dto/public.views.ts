import { ApiProperty } from '@nestjs/swagger';
import { JOURNAL_DIRECTIONS, JournalDirection } from '../../../applications/entities/case.entity';

export const EXEMPTION_SCOPES = ['ENTRY', 'TITLE'] as const;
export type ExemptionScope = (typeof EXEMPTION_SCOPES)[number];

export class PublicExemptionView {
  @ApiProperty({ enum: EXEMPTION_SCOPES, description: 'ENTRY: the title and counterpart are withheld; TITLE: the title is screened' })
  scope: ExemptionScope;

  @ApiProperty({ example: 'offentleglova § 13 jf. forvaltningsloven § 13' })
  legalBasis: string;
}

/** One entry of the public journal (offentlig journal): organisation-level facts only, never a person's name. */
export class PublicJournalEntryView {
  @ApiProperty({ example: '2026/00012' })
  caseNumber: string;

  @ApiProperty({ example: '2026/00012-3' })
  entryNumber: string;

  @ApiProperty({ example: '2026-03-02', description: 'the journal date (Europe/Oslo)' })
  journalDate: string;

  @ApiProperty({ enum: JOURNAL_DIRECTIONS, description: 'I inbound, U outbound, N internal note' })
  direction: JournalDirection;

  @ApiProperty({ example: 'VEDTAK' })
  documentType: string;

  @ApiProperty({ example: 'Vedtak om tilskudd', description: '***** where the title or a part of it is exempt from public access' })
  title: string;

  @ApiProperty({ type: String, nullable: true, example: 'Vestlandssamarbeidet', description: 'the counterpart organisation' })
  counterpart: string | null;

  @ApiProperty({ type: PublicExemptionView, nullable: true, description: 'set when the entry or its title is exempt' })
  exemption: PublicExemptionView | null;
}

export class PublicGrantMemberView {
  @ApiProperty({ example: 'Bergen' })
  name: string;

  @ApiProperty({ type: String, nullable: true, example: '4601', description: 'null for a health trust' })
  municipalityNumber: string | null;

  @ApiProperty({ enum: ['LEAD', 'MEMBER', 'HEALTH_TRUST'] })
  role: string;
}

/** A grant awarded, for transparency: who got how much under which call, and when it was decided. */
export class PublicGrantView {
  @ApiProperty({ example: '2026/00012' })
  caseNumber: string;

  @ApiProperty({ example: 'Vestlandssamarbeidet' })
  consortium: string;

  @ApiProperty({ type: [PublicGrantMemberView], description: 'the members as the application was submitted, the lead first' })
  members: PublicGrantMemberView[];

  @ApiProperty({ example: 150000000, description: 'the amount granted, in øre' })
  amountOre: number;

  @ApiProperty({ example: 'Innføring av journalløsninger 2026' })
  call: string;

  @ApiProperty({ example: 'INNFORING' })
  measureCode: string;

  @ApiProperty({ example: '2026-05-04', description: 'the decision date (Europe/Oslo)' })
  decisionDate: string;

  @ApiProperty({ enum: ['AWAITING_ACCEPTANCE', 'ACTIVE', 'COMPLETED'] })
  status: string;
}

export class JournalExemptionView {
  @ApiProperty({ example: '2026/00012-3' })
  entryNumber: string;

  @ApiProperty({ enum: EXEMPTION_SCOPES })
  scope: ExemptionScope;

  @ApiProperty({ example: 'offentleglova § 13 jf. forvaltningsloven § 13' })
  legalBasis: string;

  @ApiProperty({ type: String, nullable: true, description: 'the title as the public journal shows it (TITLE only)' })
  publicTitle: string | null;

  @ApiProperty()
  markedBy: string;

  @ApiProperty()
  markedAt: string;
}
