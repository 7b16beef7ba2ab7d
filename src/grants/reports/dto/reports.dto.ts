import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { parseDecimal } from '../../../common/decimal';
import { PageQuery } from '../../../common/pagination';
import { IsCalendarDate as IsDate, IsUuid, NotBlank } from '../../../common/validation';
import { INDICATOR_METHODS, IndicatorMethod, REPORT_KINDS } from '../report-content';
import { REPORT_STATES } from '../report.workflow';

const CODE = /^[A-Z][A-Z0-9_]{1,49}$/;
const MAX_ORE = Number.MAX_SAFE_INTEGER;
const MAX_TEXT = 50000;

/**
 * An exact decimal (indicator values, response rates) as a string like "12.5", read by its digits and kept in
 * canonical form; a JSON number is read by its shortest decimal form.
 */
function ExactDecimal(limits: { integerDigits: number; fractionDigits: number }): PropertyDecorator {
  return (target, key) => {
    IsOptional()(target, key);
    Transform(({ value }) => {
      const r = parseDecimal(value, limits);
      return r.ok ? r.value : value;
    })(target, key);
    ValidateBy({
      name: 'isDecimal',
      validator: {
        validate: (v) => parseDecimal(v, limits).ok,
        defaultMessage: (a) =>
          `${a?.property} must be a decimal string like "12.5" with at most ${limits.integerDigits} digits before the point and ${limits.fractionDigits} after`,
      },
    })(target, key);
  };
}

export class SectionTextDto {
  @ApiProperty({ example: 'PROGRESS', description: "a section code of the call's reports" })
  @Matches(CODE, { message: 'code must be an UPPER_SNAKE_CASE code' })
  code: string;

  @ApiProperty({ description: "the text; the call's limit for the section is checked by the validation" })
  @IsString()
  @MaxLength(MAX_TEXT)
  text: string;
}

export class ActualDto {
  @ApiProperty({ example: 'PROSJEKTLEDER', description: 'a cost category of the approved budget' })
  @Matches(CODE, { message: 'costCategory must be an UPPER_SNAKE_CASE code' })
  costCategory: string;

  @ApiProperty({ example: 2027 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  year: number;

  @ApiProperty({ description: 'what was spent, in øre' })
  @IsInt()
  @Min(0)
  @Max(MAX_ORE)
  amountOre: number;
}

export class IndicatorValueDto {
  @ApiProperty({ format: 'uuid', description: "the indicator's id in the approved benefit plan" })
  @IsUuid()
  indicatorId: string;

  @ApiProperty({ description: 'false: not measured, and notMeasuredReason says why' })
  @IsBoolean()
  measured: boolean;

  @ApiPropertyOptional({ type: String, nullable: true, example: '3.5', description: 'exact decimal string' })
  @ExactDecimal({ integerDigits: 16, fractionDigits: 4 })
  value?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '2027-01-01' })
  @IsOptional()
  @IsDate('periodStart')
  periodStart?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '2027-12-31' })
  @IsOptional()
  @IsDate('periodEnd')
  periodEnd?: string | null;

  @ApiPropertyOptional({ enum: INDICATOR_METHODS, nullable: true })
  @IsOptional()
  @IsIn(INDICATOR_METHODS as unknown as string[])
  method?: IndicatorMethod | null;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'how many were asked or measured' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  sampleSize?: number | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '62.5', description: 'percent who answered, 0–100 (decimal string)' })
  @ExactDecimal({ integerDigits: 3, fractionDigits: 4 })
  @ValidateBy({
    name: 'percent',
    validator: {
      validate: (v) => v === null || v === undefined || (typeof v === 'string' && !v.startsWith('-') && Number(v) <= 100),
      defaultMessage: () => 'responseRatePercent must be between 0 and 100',
    },
  })
  responseRatePercent?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  comment?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'why the indicator was not measured (measured: false)' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  notMeasuredReason?: string | null;
}

export class AnswerDto {
  @ApiProperty({ description: "the question's position in the ad hoc report (0 is the first)" })
  @IsInt()
  @Min(0)
  @Max(29)
  question: number;

  @ApiProperty()
  @IsString()
  @MaxLength(MAX_TEXT)
  text: string;
}

export class FinancialStatementDto {
  @ApiProperty({ description: 'øre: the eligible costs actually incurred in the project' })
  @IsInt()
  @Min(0)
  @Max(MAX_ORE)
  totalEligibleCostsOre: number;

  @ApiProperty({ description: 'øre' })
  @IsInt()
  @Min(0)
  @Max(MAX_ORE)
  ownContributionOre: number;

  @ApiProperty({ description: 'øre' })
  @IsInt()
  @Min(0)
  @Max(MAX_ORE)
  otherPublicFundingOre: number;

  @ApiProperty({ description: 'øre: what of the grant was used' })
  @IsInt()
  @Min(0)
  @Max(MAX_ORE)
  grantUsedOre: number;
}

export class DeclarationDto {
  @ApiProperty({ description: 'who declares the final report for the lead municipality' })
  @IsString()
  @MaxLength(200)
  name: string;

  @ApiProperty({ description: 'their title (stilling), e.g. kommunedirektør' })
  @IsString()
  @MaxLength(200)
  title: string;
}

/** The whole draft: what is left out is empty (PUT replaces the draft). */
export class SaveReportDto {
  @ApiPropertyOptional({ type: [SectionTextDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => SectionTextDto)
  sections?: SectionTextDto[];

  @ApiPropertyOptional({ type: [ActualDto], description: 'what was spent per cost category and year' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => ActualDto)
  actuals?: ActualDto[];

  @ApiPropertyOptional({ type: [IndicatorValueDto], description: 'one per indicator of the approved benefit plan' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => IndicatorValueDto)
  indicators?: IndicatorValueDto[];

  @ApiPropertyOptional({ type: [AnswerDto], description: "an ad hoc report's answers" })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => AnswerDto)
  answers?: AnswerDto[];

  @ApiPropertyOptional({ type: FinancialStatementDto, nullable: true, description: 'final report' })
  @IsOptional()
  @ValidateNested()
  @Type(() => FinancialStatementDto)
  financialStatement?: FinancialStatementDto | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'final report: the benefit-realisation summary' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  benefitSummary?: string | null;

  @ApiPropertyOptional({ type: DeclarationDto, nullable: true, description: 'final report' })
  @IsOptional()
  @ValidateNested()
  @Type(() => DeclarationDto)
  declaration?: DeclarationDto | null;
}

export const REVIEW_OUTCOMES = ['APPROVE', 'REQUEST_CHANGES'] as const;

export class SectionCommentDto {
  @ApiProperty({
    example: 'PROGRESS',
    description:
      'a narrative section code, or ACTUALS, INDICATORS, ANSWERS, FINANCIAL_STATEMENT, BENEFIT_SUMMARY, DECLARATION, ATTACHMENTS',
  })
  @Matches(CODE, { message: 'section must be an UPPER_SNAKE_CASE code' })
  section: string;

  @ApiProperty()
  @IsString()
  @Length(1, 5000)
  @NotBlank()
  comment: string;
}

export class ReviewReportDto {
  @ApiProperty({ enum: REVIEW_OUTCOMES })
  @IsIn(REVIEW_OUTCOMES as unknown as string[])
  outcome: (typeof REVIEW_OUTCOMES)[number];

  @ApiPropertyOptional({ description: 'a comment on the whole report' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  comment?: string;

  @ApiPropertyOptional({ type: [SectionCommentDto], description: 'what to change, per section (a request for changes needs at least one)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(40)
  @ValidateNested({ each: true })
  @Type(() => SectionCommentDto)
  sectionComments?: SectionCommentDto[];
}

export class ExtendReportDto {
  @ApiProperty({ example: '2028-04-01', description: 'the new due date (Oslo), later than the current one' })
  @IsDate('dueOn')
  dueOn: string;

  @ApiProperty()
  @IsString()
  @Length(1, 2000)
  @NotBlank()
  reason: string;
}

export class AdHocReportDto {
  @ApiProperty({ example: 'Status for migrering' })
  @IsString()
  @Length(3, 300)
  @NotBlank(3)
  title: string;

  @ApiProperty({ example: '2027-10-01' })
  @IsDate('dueOn')
  dueOn: string;

  @ApiProperty({ type: [String], description: 'the questions the consortium answers' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @Length(1, 2000, { each: true })
  @Matches(/\S/, { each: true, message: 'each question must have some text besides spaces' })
  questions: string[];
}

export class ProjectEndDto {
  @ApiProperty({ example: '2029-12-31', description: "the project's new last day" })
  @IsDate('projectEnd')
  projectEnd: string;

  @ApiProperty()
  @IsString()
  @Length(1, 2000)
  @NotBlank()
  reason: string;
}

export class UploadReportAttachmentDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class ReportListQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUuid()
  callId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUuid()
  grantId?: string;

  @ApiPropertyOptional({ enum: REPORT_STATES })
  @IsOptional()
  @IsIn(REPORT_STATES as unknown as string[])
  status?: string;

  @ApiPropertyOptional({ enum: REPORT_KINDS })
  @IsOptional()
  @IsIn(REPORT_KINDS as unknown as string[])
  kind?: string;

  @ApiPropertyOptional({ example: '2028-03-31', description: 'due on or before this day' })
  @IsOptional()
  @IsDate('dueBefore')
  dueBefore?: string;

  @ApiPropertyOptional({ example: '2028-01-01', description: 'due on or after this day' })
  @IsOptional()
  @IsDate('dueAfter')
  dueAfter?: string;

  @ApiPropertyOptional({ type: Boolean, description: 'true: not submitted and past the due date (Oslo); false: the others' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  overdue?: boolean;
}
