import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { NotBlank } from '../../common/validation';
import { APPEAL_BODY_OUTCOMES, AppealBodyOutcome } from '../entities/decision.entity';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const REAL_DATE = { strict: true, strictSeparator: true };

/** An appeal (klage) of a sent decision: by the lead municipality's applicant, or registered by the officer. */
export class LodgeAppealDto {
  @ApiProperty({ description: 'what the party wants changed and why (forvaltningsloven § 32)' })
  @IsString()
  @NotBlank()
  @MaxLength(20000)
  grounds: string;

  @ApiPropertyOptional({
    description:
      'officer only: why an appeal that came after the deadline is still considered (forvaltningsloven § 31); required when it is late, ignored when it is not',
  })
  @IsOptional()
  @IsString()
  @NotBlank()
  @MaxLength(5000)
  lateAdmissionReason?: string;
}

export class ForwardAppealDto {
  @ApiProperty({ description: "the directorate's recommendation to the appeal body: why it upholds its decision (§ 33)" })
  @IsString()
  @NotBlank()
  @MaxLength(20000)
  recommendation: string;
}

export class AppealOutcomeDto {
  @ApiProperty({ enum: APPEAL_BODY_OUTCOMES, description: "the appeal body's outcome" })
  @IsIn(APPEAL_BODY_OUTCOMES as unknown as string[])
  outcome: AppealBodyOutcome;

  @ApiProperty({ example: '2027-02-15', description: 'the date of the appeal body’s decision (YYYY-MM-DD), not in the future' })
  @Matches(DATE, { message: 'decidedOn must be YYYY-MM-DD' })
  @IsISO8601(REAL_DATE, { message: 'decidedOn must be a date that exists' })
  decidedOn: string;

  @ApiPropertyOptional({ description: "a summary of the appeal body's decision" })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  note?: string;
}
