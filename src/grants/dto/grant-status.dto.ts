import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { NotBlank } from '../../common/validation';
import { IsDay } from '../payments/dto/payments.dto';
import { GRANT_STATUS_CHANGE_KINDS, GRANT_STATUS_CHANGE_STATES } from '../grant-status.kinds';

export class ProposeStatusChangeDto {
  @ApiProperty({ enum: GRANT_STATUS_CHANGE_KINDS, description: 'SUSPEND an active grant, LIFT_SUSPENSION, or TERMINATE it' })
  @IsIn(GRANT_STATUS_CHANGE_KINDS as unknown as string[])
  kind: (typeof GRANT_STATUS_CHANGE_KINDS)[number];

  @ApiProperty({
    example: 'Prosjektet har stått stille i over et halvt år, og framdriftsrapporten mangler.',
    description: 'the reasons, as the letter will give them (paragraphs separated by a blank line)',
  })
  @IsString()
  @Length(1, 10000)
  @NotBlank()
  reasons: string;

  @ApiPropertyOptional({
    example: '2027-03-01',
    description: 'TERMINATE only: when the final financial statement is due (Oslo); left out: a month after the confirmation',
  })
  @IsOptional()
  @IsDay()
  statementDueOn?: string;
}

export class DecideStatusChangeDto {
  @ApiProperty({ description: 'true: confirm (the grant moves and the letter goes out); false: reject' })
  @IsBoolean()
  confirm: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class GrantStatusLetterRefView {
  @ApiProperty({ example: '2026/00042-7' })
  entryNumber: string;

  @ApiProperty({ enum: ['nb', 'nn'] })
  language: string;

  @ApiProperty()
  pdfSha256: string;
}

export class GrantStatusChangeView {
  @ApiProperty()
  id: string;

  @ApiProperty()
  grantId: string;

  @ApiProperty({ enum: GRANT_STATUS_CHANGE_KINDS })
  kind: (typeof GRANT_STATUS_CHANGE_KINDS)[number];

  @ApiProperty({ enum: GRANT_STATUS_CHANGE_STATES })
  status: string;

  @ApiProperty()
  reasons: string;

  @ApiProperty({ type: String, nullable: true, description: 'TERMINATE: when the final financial statement is due' })
  statementDueOn: string | null;

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

  @ApiProperty({ type: String, nullable: true, description: 'TERMINATE, confirmed: the ad hoc report asking for the final statement' })
  statementReportId: string | null;

  @ApiProperty({ type: GrantStatusLetterRefView, nullable: true, description: 'the decision letter, once confirmed' })
  letter: GrantStatusLetterRefView | null;
}

export class GrantStatusChangeListView {
  @ApiProperty({ type: [GrantStatusChangeView] })
  items: GrantStatusChangeView[];
}
