import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PAYMENT_TRIGGERS } from '../../../calls/call-rules';
import { PageQuery } from '../../../common/pagination';
import { NotBlank } from '../../../common/validation';
import { PAYMENT_STATES } from '../payment.workflow';
import { RECLAIM_KINDS } from '../reclaim.workflow';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_OF_BIGINT = Number.MAX_SAFE_INTEGER;

export function IsDay() {
  return (target: object, key: string) => {
    Matches(DATE, { message: `${key} must be YYYY-MM-DD` })(target, key);
    IsISO8601({ strict: true, strictSeparator: true }, { message: `${key} must be a date that exists` })(target, key);
  };
}

export class PaymentListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: PAYMENT_STATES, description: 'ATTESTED: awaiting approval; APPROVED: what the next export takes' })
  @IsOptional()
  @IsIn(PAYMENT_STATES as unknown as string[])
  status?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  callId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  grantId?: string;
}

export class MarkPaidDto {
  @ApiPropertyOptional({ example: '2026-12-03', description: 'the day the bank paid (Oslo); left out: today' })
  @IsOptional()
  @IsDay()
  paidOn?: string;

  @ApiPropertyOptional({ description: "the bank's or the accounting system's reference" })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  bankReference?: string;
}

export class ReasonDto {
  @ApiProperty({ example: 'Kontoen er avsluttet; ny konto registrert og bekreftet.' })
  @IsString()
  @Length(1, 2000)
  @NotBlank()
  reason: string;
}

export class MarkReturnedDto extends ReasonDto {
  @ApiPropertyOptional({ example: '2026-12-10', description: 'the day the money came back (Oslo); left out: today' })
  @IsOptional()
  @IsDay()
  returnedOn?: string;
}

export class NoteDto {
  @ApiPropertyOptional({ description: 'why (kept in the audit trail)' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class CreateExportDto {
  @ApiPropertyOptional({ description: 'only the approved payments of this call; left out: every approved payment' })
  @IsOptional()
  @IsUUID()
  callId?: string;
}

export class PayeeDto {
  @ApiProperty({ example: '974760673', description: "the lead municipality's organisation number: nine digits, MOD11" })
  @IsString()
  @Length(9, 20)
  organisationNumber: string;

  @ApiProperty({ example: '1234.56.78903', description: 'the account: eleven digits, MOD11 (dots and spaces allowed)' })
  @IsString()
  @Length(11, 20)
  account: string;
}

export class PlanLineDto {
  @ApiProperty({ enum: PAYMENT_TRIGGERS })
  @IsIn(PAYMENT_TRIGGERS as unknown as string[])
  trigger: string;

  @ApiProperty({ example: 5000, description: 'basis points of the grant (10 000 = 100 %); the lines add up to 10 000' })
  @IsInt()
  @Min(0)
  @Max(10_000)
  shareBp: number;
}

export class PlanChangeDto {
  @ApiProperty({ type: [PlanLineDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => PlanLineDto)
  lines: PlanLineDto[];

  @ApiProperty({ example: 'Prosjektet er forskjøvet; kommunen ber om mindre første utbetaling.' })
  @IsString()
  @Length(1, 2000)
  @NotBlank()
  reason: string;
}

export class RaiseReclaimDto {
  @ApiProperty({ description: 'øre; at most what was paid less the reclaims raised before', example: 5_000_000 })
  @IsInt()
  @Min(1)
  @Max(MAX_OF_BIGINT)
  amountOre: number;

  @ApiProperty({ enum: RECLAIM_KINDS })
  @IsIn(RECLAIM_KINDS as unknown as string[])
  kind: string;

  @ApiProperty({ description: 'the reasons the demand letter gives' })
  @IsString()
  @Length(1, 20000)
  @NotBlank()
  reasons: string;

  @ApiProperty({ example: '2027-02-01', description: 'the last day to pay (Oslo), after today' })
  @IsDay()
  dueOn: string;
}

export class ConfirmReclaimDto {
  @ApiProperty({ example: '2027-02-01', description: 'the last day to pay (Oslo), after today' })
  @IsDay()
  dueOn: string;
}

export class RepaymentDto {
  @ApiProperty({ description: 'øre received', example: 2_500_000 })
  @IsInt()
  @Min(1)
  @Max(MAX_OF_BIGINT)
  amountOre: number;

  @ApiPropertyOptional({ example: '2027-01-15', description: 'the day it was received (Oslo); left out: today' })
  @IsOptional()
  @IsDay()
  receivedOn?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class ReclaimLetterQuery {
  @ApiPropertyOptional({ enum: ['html', 'pdf'], default: 'pdf' })
  @IsOptional()
  @IsIn(['html', 'pdf'])
  format?: 'html' | 'pdf';
}
