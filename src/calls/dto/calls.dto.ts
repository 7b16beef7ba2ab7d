import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { NotBlank } from '../../common/validation';
import { HEALTH_REGIONS } from '../../organisations/entities/municipality.entity';
import { PAYMENT_TRIGGERS } from '../call-rules';
import { CALL_STATES } from '../call.workflow';
import { IsUuid } from '../../common/validation';

const CODE = /^[A-Z][A-Z0-9_]{1,49}$/;
const CODE_MESSAGE = 'must be an UPPER_SNAKE_CASE code';
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A calendar date that exists: 2026-02-30 is refused, not read as 2 March. */
export const REAL_DATE = { strict: true, strictSeparator: true };

export class LocalisedTextDto {
  @ApiProperty({ description: 'bokmål' })
  @IsString()
  @Length(1, 20000)
  nb: string;

  @ApiProperty({ description: 'nynorsk' })
  @IsString()
  @Length(1, 20000)
  nn: string;
}

export class LocalisedTitleDto {
  @ApiProperty()
  @IsString()
  @Length(3, 300)
  @NotBlank(3)
  nb: string;

  @ApiProperty()
  @IsString()
  @Length(3, 300)
  @NotBlank(3)
  nn: string;
}

export class ShareByYearDto {
  @ApiProperty({ example: 2026 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  year: number;

  @ApiProperty({ example: 4500, description: 'basis points: 4500 = 45 %' })
  @IsInt()
  @Min(0)
  @Max(10000)
  maxShareBp: number;
}

export class ConfirmationDto {
  @ApiProperty({ example: 'NORMEN' })
  @Matches(CODE, { message: `code ${CODE_MESSAGE}` })
  code: string;

  @ApiProperty({ type: LocalisedTextDto })
  @ValidateNested()
  @Type(() => LocalisedTextDto)
  text: LocalisedTextDto;
}

export class EligibleCategoryDto {
  @ApiProperty({ example: 'OPPLAERING' })
  @Matches(CODE, { message: `code ${CODE_MESSAGE}` })
  code: string;

  @ApiProperty()
  @IsString()
  @Length(1, 300)
  label: string;
}

export class IneligibleCategoryDto {
  @ApiProperty({ example: 'NORMAL_DRIFT' })
  @Matches(CODE, { message: `code ${CODE_MESSAGE}` })
  code: string;

  @ApiProperty({ description: 'why it is not funded, shown to applicants' })
  @IsString()
  @Length(1, 300)
  reason: string;
}

export class CostCategoriesDto {
  @ApiProperty({ type: [EligibleCategoryDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => EligibleCategoryDto)
  eligible: EligibleCategoryDto[];

  @ApiProperty({ type: [IneligibleCategoryDto], description: 'the scheme-wide never-eligible list is always added' })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => IneligibleCategoryDto)
  ineligible: IneligibleCategoryDto[];
}

export class CriterionDto {
  @ApiProperty({ example: 'BREDDE' })
  @Matches(CODE, { message: `code ${CODE_MESSAGE}` })
  code: string;

  @ApiProperty()
  @IsString()
  @Length(1, 300)
  name: string;

  @ApiProperty()
  @IsString()
  @MaxLength(5000)
  description: string;

  @ApiProperty({ example: 20 })
  @IsInt()
  @Min(1)
  @Max(1000)
  weight: number;

  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(0)
  @Max(100)
  scaleMin: number;

  @ApiProperty({ example: 7 })
  @IsInt()
  @Min(1)
  @Max(100)
  scaleMax: number;

  @ApiProperty({ description: 'an assessor may mark it not applicable (left out of the weighted score)' })
  @IsBoolean()
  naAllowed: boolean;
}

export class ReportScheduleDto {
  @ApiProperty({ example: '03-01', description: 'MM-DD: annual progress report due date' })
  // a day every year has: not 29 February, not 31 April
  @Matches(/^(0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-8])$|^(0[13-9]|1[0-2])-(29|30)$|^(0[13578]|1[02])-31$/, {
    message: 'progressReportDue must be MM-DD, a day every year has',
  })
  progressReportDue: string;

  @ApiProperty({ example: 3 })
  @IsInt()
  @Min(0)
  @Max(24)
  finalReportMonthsAfterEnd: number;
}

export class PaymentShareDto {
  @ApiProperty({ enum: PAYMENT_TRIGGERS })
  @IsIn(PAYMENT_TRIGGERS as unknown as string[])
  trigger: (typeof PAYMENT_TRIGGERS)[number];

  @ApiProperty({ example: 5000, description: 'basis points of the grant' })
  @IsInt()
  @Min(1)
  @Max(10000)
  shareBp: number;
}

export class ProjectPeriodDto {
  @ApiProperty({ example: '2026-01-01' })
  @Matches(DATE, { message: 'earliestStart must be YYYY-MM-DD' })
  @IsISO8601(REAL_DATE, { message: 'earliestStart must be a date that exists' })
  earliestStart: string;

  @ApiProperty({ example: '2028-12-31' })
  @Matches(DATE, { message: 'latestEnd must be YYYY-MM-DD' })
  @IsISO8601(REAL_DATE, { message: 'latestEnd must be a date that exists' })
  latestEnd: string;

  @ApiProperty({ example: 36 })
  @IsInt()
  @Min(1)
  @Max(120)
  maxMonths: number;
}

export class AssessmentRulesDto {
  @ApiProperty({ example: 1.5, description: 'flag for moderation when weighted scores differ by more than this' })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  @Max(100)
  moderationWeightedSpread: number;

  @ApiProperty({ example: 3, description: 'flag for moderation when the scores on one criterion differ by more than this' })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  @Max(100)
  moderationCriterionSpread: number;

  @ApiProperty({ example: 4.0, description: 'no grant is proposed below this score' })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  @Max(100)
  minimumScore: number;

  @ApiProperty({ example: 5000, description: 'a partial grant at the margin needs at least this share of the request (basis points)' })
  @IsInt()
  @Min(0)
  @Max(10000)
  partialGrantMinShareBp: number;

  @ApiProperty({ example: 21, description: 'days an assessor has from assignment unless the officer sets a deadline' })
  @IsInt()
  @Min(1)
  @Max(365)
  assessmentDays: number;

  @ApiProperty({ example: 3, description: 'days before the assessment deadline an assessor is reminded' })
  @IsInt()
  @Min(0)
  @Max(60)
  reminderDaysBefore: number;
}

export class DecisionRulesDto {
  @ApiProperty({ type: LocalisedTextDto, description: 'the rules every decision of the call rests on (forvaltningsloven § 25)' })
  @ValidateNested()
  @Type(() => LocalisedTextDto)
  legalBasis: LocalisedTextDto;

  @ApiProperty({ type: [ConfirmationDto], description: 'conditions every grant carries, in bokmål and nynorsk' })
  @IsArray()
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => ConfirmationDto)
  standardConditions: ConfirmationDto[];

  @ApiProperty({ example: 3, description: 'weeks after the letter to accept the conditions' })
  @IsInt()
  @Min(1)
  @Max(26)
  acceptanceWeeks: number;

  @ApiProperty({ example: 5, description: 'days before the acceptance deadline the consortium is reminded' })
  @IsInt()
  @Min(0)
  @Max(60)
  acceptanceReminderDays: number;

  @ApiProperty({ type: LocalisedTextDto, description: 'the appeal body (klageinstans)' })
  @ValidateNested()
  @Type(() => LocalisedTextDto)
  appealBody: LocalisedTextDto;
}

export class ReportSectionDto {
  @ApiProperty({ example: 'PROGRESS' })
  @Matches(CODE, { message: `code ${CODE_MESSAGE}` })
  code: string;

  @ApiProperty({ type: LocalisedTitleDto })
  @ValidateNested()
  @Type(() => LocalisedTitleDto)
  title: LocalisedTitleDto;

  @ApiProperty({ example: 4000, description: 'the most characters the section may hold' })
  @IsInt()
  @Min(100)
  @Max(50000)
  maxLength: number;
}

export class ReportRulesDto {
  @ApiProperty({ type: [ReportSectionDto], description: 'the narrative sections of every progress and final report' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ReportSectionDto)
  sections: ReportSectionDto[];

  @ApiProperty({ example: 8000, description: "the most characters of the final report's benefit-realisation summary" })
  @IsInt()
  @Min(100)
  @Max(50000)
  benefitSummaryMaxLength: number;
}

export class ChangeRulesDto {
  @ApiProperty({
    example: 1000,
    description: 'a change request moving more than this share of the grant (basis points) needs an approver too',
  })
  @IsInt()
  @Min(0)
  @Max(10000)
  secondApprovalAboveBp: number;

  @ApiProperty({ example: true, description: 'any member leaving or joining needs an approver too' })
  @IsBoolean()
  secondApprovalOnMemberChange: boolean;
}

export class CallRulesDto {
  @ApiProperty({ example: 2 })
  @IsInt()
  @Min(1)
  @Max(357)
  minMembers: number;

  @ApiProperty({ example: true })
  @IsBoolean()
  oneApplicationPerMunicipality: boolean;

  @ApiProperty({ example: ['Helse Midt-Norge'], enum: HEALTH_REGIONS, isArray: true })
  @IsArray()
  @ArrayMaxSize(HEALTH_REGIONS.length)
  @IsIn(HEALTH_REGIONS as unknown as string[], { each: true })
  excludedHealthRegions: string[];

  @ApiProperty({ example: 5000, description: 'basis points of eligible costs' })
  @IsInt()
  @Min(1)
  @Max(10000)
  maxGrantShareBp: number;

  @ApiProperty({ type: [ShareByYearDto] })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ShareByYearDto)
  grantShareByYear: ShareByYearDto[];

  @ApiProperty({ type: [ConfirmationDto] })
  @IsArray()
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => ConfirmationDto)
  requiredConfirmations: ConfirmationDto[];

  @ApiProperty({ type: CostCategoriesDto })
  @ValidateNested()
  @Type(() => CostCategoriesDto)
  costCategories: CostCategoriesDto;

  @ApiProperty({ type: [CriterionDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => CriterionDto)
  criteria: CriterionDto[];

  @ApiProperty({ type: ReportScheduleDto })
  @ValidateNested()
  @Type(() => ReportScheduleDto)
  reportSchedule: ReportScheduleDto;

  @ApiProperty({ type: [PaymentShareDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => PaymentShareDto)
  paymentPlan: PaymentShareDto[];

  @ApiProperty({ type: ProjectPeriodDto })
  @ValidateNested()
  @Type(() => ProjectPeriodDto)
  projectPeriod: ProjectPeriodDto;

  @ApiPropertyOptional({ type: AssessmentRulesDto, description: 'assessment thresholds; the demo values when left out' })
  @IsOptional()
  @ValidateNested()
  @Type(() => AssessmentRulesDto)
  assessment?: AssessmentRulesDto;

  @ApiPropertyOptional({
    type: DecisionRulesDto,
    description: 'legal basis, standard conditions, acceptance and appeal; the demo values when left out',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => DecisionRulesDto)
  decisions?: DecisionRulesDto;

  @ApiPropertyOptional({
    type: ReportRulesDto,
    description: 'the narrative sections of the follow-up reports; the demo values when left out',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ReportRulesDto)
  reports?: ReportRulesDto;

  @ApiPropertyOptional({
    type: ChangeRulesDto,
    description: 'when a change request needs an approver besides the officer; the demo values when left out',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ChangeRulesDto)
  changes?: ChangeRulesDto;
}

const TIME_DESCRIPTION = 'Oslo wall-clock time (2026-03-01T12:00) or an ISO 8601 instant with offset (2026-03-01T11:00:00Z)';

export class CreateCallDto {
  @ApiProperty({ example: 'INNFORING', description: 'a measure that takes applications (SAMORDNET_ANSKAFFELSE or INNFORING)' })
  @Matches(CODE, { message: `measureCode ${CODE_MESSAGE}` })
  measureCode: string;

  @ApiPropertyOptional({ example: 'JOURNAL', default: 'JOURNAL' })
  @IsOptional()
  @Matches(CODE, { message: `technologyArea ${CODE_MESSAGE}` })
  technologyArea?: string;

  @ApiProperty({ type: LocalisedTitleDto })
  @ValidateNested()
  @Type(() => LocalisedTitleDto)
  title: LocalisedTitleDto;

  @ApiProperty({ type: LocalisedTextDto })
  @ValidateNested()
  @Type(() => LocalisedTextDto)
  text: LocalisedTextDto;

  @ApiProperty({ example: 4_000_000_000, description: 'øre (40 MNOK = 4 000 000 000)' })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  budgetOre: number;

  @ApiProperty({ example: '2026-02-01T09:00', description: TIME_DESCRIPTION })
  @IsString()
  @MaxLength(40)
  opensAt: string;

  @ApiProperty({ example: '2026-05-01T12:00', description: TIME_DESCRIPTION })
  @IsString()
  @MaxLength(40)
  closesAt: string;

  @ApiPropertyOptional({ type: CallRulesDto, description: 'defaults to the demo configuration for the measure' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CallRulesDto)
  rules?: CallRulesDto;
}

export class UpdateCallDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(CODE, { message: `technologyArea ${CODE_MESSAGE}` })
  technologyArea?: string;

  @ApiPropertyOptional({ type: LocalisedTitleDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LocalisedTitleDto)
  title?: LocalisedTitleDto;

  @ApiPropertyOptional({ type: LocalisedTextDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LocalisedTextDto)
  text?: LocalisedTextDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  budgetOre?: number;

  @ApiPropertyOptional({ description: TIME_DESCRIPTION })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  opensAt?: string;

  @ApiPropertyOptional({ description: TIME_DESCRIPTION })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  closesAt?: string;

  @ApiPropertyOptional({ type: CallRulesDto, description: 'replaces the rules as a whole' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CallRulesDto)
  rules?: CallRulesDto;

  @ApiPropertyOptional({ description: 'required once the call is published: why the new version is made' })
  @IsOptional()
  @IsString()
  @Length(3, 1000)
  changeReason?: string;
}

export class CloseCallDto {
  @ApiPropertyOptional({ description: 'required to close before the closing time' })
  @IsOptional()
  @IsString()
  @Length(3, 1000)
  reason?: string;
}

export class ReopenCallDto {
  @ApiProperty({ description: 'the new closing time, Oslo wall-clock or ISO instant; in the future', example: '2026-12-15T12:00' })
  @IsString()
  @MaxLength(40)
  closesAt: string;

  @ApiProperty({ description: 'why the call opens again (kept with the new version), e.g. an outage before the deadline' })
  @IsString()
  @Length(3, 1000)
  reason: string;
}

export class CallQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CALL_STATES })
  @IsOptional()
  @IsIn(CALL_STATES as unknown as string[])
  status?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(CODE, { message: `measure ${CODE_MESSAGE}` })
  measure?: string;
}

export class CreateTechnologyAreaDto {
  @ApiProperty({ example: 'VELFERDSTEKNOLOGI' })
  @Matches(CODE, { message: `code ${CODE_MESSAGE}` })
  code: string;

  @ApiProperty({ type: LocalisedTitleDto })
  @ValidateNested()
  @Type(() => LocalisedTitleDto)
  name: LocalisedTitleDto;

  @ApiProperty({ example: 2025 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  availableFromYear: number;
}

export class CreateDirectAllocationDto {
  @ApiProperty({ example: 'KOMPETANSENETTVERK' })
  @Matches(CODE, { message: `measureCode ${CODE_MESSAGE}` })
  measureCode: string;

  @ApiProperty({ description: 'the receiving organisation (KS for the competence network)' })
  @IsUuid()
  organisationId: string;

  @ApiProperty({ example: 2026 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  year: number;

  @ApiProperty({ example: 1_500_000_000, description: 'øre' })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  amountOre: number;

  @ApiPropertyOptional({ description: 'e.g. the allocation letter reference' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reference?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}
