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
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { NotBlank } from '../../../common/validation';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CODE = /^[A-Z][A-Z0-9_]*$/;
const DECIMAL = /^[+-]?\d+(\.\d+)?$/;
const MUNICIPALITY = /^\d{4}$/;

export class ChangeBudgetLineDto {
  @ApiProperty({ example: 'PROSESSENDRING', description: "one of the call's eligible cost categories" })
  @Matches(CODE, { message: 'costCategory must be an UPPER_SNAKE_CASE code' })
  costCategory: string;

  @ApiProperty({ example: 2028 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  year: number;

  @ApiProperty({ example: 60_000_000, description: 'eligible costs of the line, in øre' })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  amountOre: number;

  @ApiPropertyOptional({ example: 'Prosessendring' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  description?: string;
}

export class ChangeBudgetDto {
  @ApiProperty({ type: [ChangeBudgetLineDto], description: 'the whole new budget: its total must equal the approved total' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => ChangeBudgetLineDto)
  lines: ChangeBudgetLineDto[];
}

export class ChangeMembersDto {
  @ApiPropertyOptional({ example: ['4631'], description: 'municipality numbers of members leaving (not the lead)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(MUNICIPALITY, { each: true, message: 'each municipality is its 4-digit number' })
  leaving?: string[];

  @ApiPropertyOptional({ example: ['4632'], description: 'municipality numbers of municipalities joining (each must consent)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(MUNICIPALITY, { each: true, message: 'each municipality is its 4-digit number' })
  joining?: string[];
}

export class ChangeTargetDto {
  @ApiProperty({ description: 'an indicator of the benefit plan in force' })
  @IsString()
  @Length(1, 100)
  indicatorId: string;

  @ApiProperty({ example: '12.5', description: 'the new target, an exact decimal' })
  @Matches(DECIMAL, { message: 'targetValue must be a decimal string' })
  @Length(1, 30)
  targetValue: string;

  @ApiPropertyOptional({ example: 2029 })
  @IsOptional()
  @IsInt()
  @Min(2000)
  @Max(2100)
  targetYear?: number;
}

export class NewIndicatorDto {
  @ApiProperty({ example: 'Personuker spart' })
  @IsString()
  @Length(1, 300)
  @NotBlank()
  name: string;

  @ApiProperty({ example: 'personuker' })
  @IsString()
  @Length(1, 100)
  @NotBlank()
  unit: string;

  @ApiPropertyOptional({ example: '0' })
  @IsOptional()
  @Matches(DECIMAL, { message: 'baselineValue must be a decimal string' })
  @Length(1, 30)
  baselineValue?: string;

  @ApiPropertyOptional({ example: '2027-01-01' })
  @IsOptional()
  @Matches(DATE, { message: 'baselineDate must be YYYY-MM-DD' })
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'baselineDate must be a date that exists' })
  baselineDate?: string;

  @ApiProperty({ example: '10' })
  @Matches(DECIMAL, { message: 'targetValue must be a decimal string' })
  @Length(1, 30)
  targetValue: string;

  @ApiProperty({ example: 2029 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  targetYear: number;
}

export class ChangeBenefitPlanDto {
  @ApiPropertyOptional({ type: [ChangeTargetDto], description: 'new targets of indicators in force (the original stays readable)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ChangeTargetDto)
  targets?: ChangeTargetDto[];

  @ApiPropertyOptional({ type: [NewIndicatorDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => NewIndicatorDto)
  newIndicators?: NewIndicatorDto[];
}

/** A change request (endringssøknad): one or more changes, and why. */
export class SubmitChangeRequestDto {
  @ApiProperty({ example: 'Leverandøren er forsinket med migreringen.', description: 'why the change is needed' })
  @IsString()
  @Length(1, 10_000)
  @NotBlank()
  reasons: string;

  @ApiPropertyOptional({ example: '2030-06-30', description: 'a later project end: moves the final report and its tranche' })
  @IsOptional()
  @Matches(DATE, { message: 'projectEnd must be YYYY-MM-DD' })
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'projectEnd must be a date that exists' })
  projectEnd?: string;

  @ApiPropertyOptional({ type: ChangeBudgetDto, description: 'money moved between cost categories or years' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ChangeBudgetDto)
  budget?: ChangeBudgetDto;

  @ApiPropertyOptional({ type: ChangeMembersDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ChangeMembersDto)
  members?: ChangeMembersDto;

  @ApiPropertyOptional({ type: ChangeBenefitPlanDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ChangeBenefitPlanDto)
  benefitPlan?: ChangeBenefitPlanDto;
}

export class DecideChangeRequestDto {
  @ApiProperty({
    enum: ['APPROVE', 'RECOMMEND', 'REJECT'],
    description: 'APPROVE (within the officer’s authority), RECOMMEND (above the threshold: an approver confirms), or REJECT',
  })
  @IsIn(['APPROVE', 'RECOMMEND', 'REJECT'])
  outcome: 'APPROVE' | 'RECOMMEND' | 'REJECT';

  @ApiProperty({
    example: 'Forsinkelsen skyldes forhold utenfor kommunenes kontroll.',
    description: 'the reasons (the letter quotes them)',
  })
  @IsString()
  @Length(1, 10_000)
  @NotBlank()
  reasons: string;
}

export class ConfirmChangeRequestDto {
  @ApiProperty({ enum: ['APPROVE', 'REJECT'], description: 'the approver confirms the recommendation, or declines it' })
  @IsIn(['APPROVE', 'REJECT'])
  outcome: 'APPROVE' | 'REJECT';

  @ApiProperty({ example: 'Enig i vurderingen.' })
  @IsString()
  @Length(1, 10_000)
  @NotBlank()
  reasons: string;
}

export class ConsentDto {
  @ApiProperty({ example: '4632', description: 'the joining municipality the caller is an applicant of' })
  @Matches(MUNICIPALITY, { message: 'municipalityNumber is a 4-digit number' })
  municipalityNumber: string;
}

export class LetterQuery {
  @ApiPropertyOptional({ enum: ['pdf', 'html'], default: 'pdf' })
  @IsOptional()
  @IsIn(['pdf', 'html'])
  format?: 'pdf' | 'html';
}
