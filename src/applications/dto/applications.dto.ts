import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { REAL_DATE } from '../../calls/dto/calls.dto';
import { parseDecimal } from '../../common/decimal';
import { PageQuery } from '../../common/pagination';
import { NotBlank } from '../../common/validation';
import { HEALTH_REGIONS } from '../../organisations/entities/municipality.entity';
import { APPLICATION_STATES } from '../application.workflow';
import { INDICATOR_ACTORS, INDICATOR_KINDS, INDICATOR_METHODS, SERVICE_AREAS } from '../entities/application.entity';
import { IsUuid } from '../../common/validation';

const CODE = /^[A-Z][A-Z0-9_]{1,49}$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const MONEY = { min: 0, max: Number.MAX_SAFE_INTEGER };
/** numeric(20,4): up to 16 digits before the point and 4 after. */
const INDICATOR_DECIMAL = { integerDigits: 16, fractionDigits: 4 };
const DECIMAL_DESCRIPTION =
  'an exact decimal as a string, e.g. "12.5" or "-0.0015": up to 16 digits before the point and 4 after, no exponent. ' +
  'Returned as a string in canonical form (no leading or trailing zeros: "12.50" reads back as "12.5"), stored as numeric, ' +
  'never passed through a float. A JSON number is still accepted for compatibility and read by its shortest decimal form ' +
  '(0.1 is "0.1") if it has at most 15 significant digits (what a float carries exactly); a longer value must be a string.';

const decimalCheck = (name: string, reason: string, message: (property: string) => string) =>
  ValidateBy({
    name,
    validator: {
      validate: (v) => {
        const r = parseDecimal(v, INDICATOR_DECIMAL);
        return r.ok || r.reason !== reason;
      },
      defaultMessage: (a) => message(a?.property ?? 'the value'),
    },
  });

/**
 * An exact decimal indicator value (null clears it): a decimal string, or a number read by its digits, turned into the
 * canonical decimal string before validation. class-validator's own maxDecimalPlaces threw on 1e-7 (a 500).
 */
function IndicatorDecimal(): PropertyDecorator {
  return (target, key) => {
    IsOptional()(target, key);
    Transform(({ value }) => {
      const r = parseDecimal(value, INDICATOR_DECIMAL);
      return r.ok ? r.value : value;
    })(target, key);
    decimalCheck('isDecimal', 'NOT_A_DECIMAL', (p) => `${p} must be a decimal string like "12.5" (or a number)`)(target, key);
    decimalCheck('maxDecimalPlaces', 'TOO_MANY_DECIMALS', (p) => `${p} may have at most 4 decimals`)(target, key);
    decimalCheck('decimalRange', 'OUT_OF_RANGE', (p) => `${p} may have at most 16 digits before the point`)(target, key);
    decimalCheck(
      'exactNumber',
      'INEXACT_NUMBER',
      (p) => `${p} has more than 15 significant digits, which a JSON number cannot carry exactly: send it as a decimal string`,
    )(target, key);
  };
}

/** Left out: unchanged. For these fields null is refused; the nullable ones take @IsOptional (null clears them). */
const present = () => ValidateIf((_o, v) => v !== undefined);

export class BudgetLineDto {
  @ApiPropertyOptional({
    description: 'the id of an existing line of this draft: the line is changed in place and keeps its id; leave out for a new line',
  })
  @IsOptional()
  @IsUuid()
  id?: string;

  @ApiProperty({
    example: 'OPPLAERING',
    description: "a cost category of the scheme's catalogue; the call's eligible ones pass validation",
  })
  @Matches(CODE, { message: 'costCategory must be an UPPER_SNAKE_CASE code' })
  costCategory: string;

  @ApiProperty({ example: 'Opplæring av superbrukere' })
  @IsString()
  @Length(1, 500)
  description: string;

  @ApiProperty({ example: 2026 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  year: number;

  @ApiProperty({ example: 150_000_000, description: 'øre' })
  @IsInt()
  @Min(1)
  @Max(MONEY.max)
  amountOre: number;
}

export class OtherFundingItemDto {
  @ApiProperty({ example: 'Statsforvalteren, skjønnsmidler' })
  @IsString()
  @Length(1, 300)
  source: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiProperty({ description: 'øre' })
  @IsInt()
  @Min(1)
  @Max(MONEY.max)
  amountOre: number;
}

export class OtherPublicFundingDto {
  @ApiProperty({ description: 'true: the items below fund some of these costs; false: no other public funding' })
  @IsBoolean()
  declared: boolean;

  @ApiProperty({ type: [OtherFundingItemDto] })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => OtherFundingItemDto)
  items: OtherFundingItemDto[];
}

export class IndicatorDto {
  @ApiPropertyOptional({ description: 'keep the id of an existing indicator so reports referring to it stay linked' })
  @IsOptional()
  @IsUuid()
  id?: string;

  @ApiProperty({ example: 'Tid brukt per journalføring' })
  @IsString()
  @Length(1, 300)
  name: string;

  @ApiProperty({ example: 'minutter' })
  @IsString()
  @Length(1, 50)
  unit: string;

  @ApiProperty({ enum: INDICATOR_ACTORS })
  @IsIn(INDICATOR_ACTORS as unknown as string[])
  actor: (typeof INDICATOR_ACTORS)[number];

  @ApiProperty({ enum: INDICATOR_KINDS })
  @IsIn(INDICATOR_KINDS as unknown as string[])
  kind: (typeof INDICATOR_KINDS)[number];

  @ApiProperty({ enum: INDICATOR_METHODS })
  @IsIn(INDICATOR_METHODS as unknown as string[])
  method: (typeof INDICATOR_METHODS)[number];

  @ApiPropertyOptional({ type: String, example: '6.5', nullable: true, description: DECIMAL_DESCRIPTION })
  @IndicatorDecimal()
  baselineValue?: string | null;

  @ApiPropertyOptional({ example: '2025-09-01' })
  @IsOptional()
  @Matches(DATE, { message: 'baselineDate must be YYYY-MM-DD' })
  @IsISO8601(REAL_DATE, { message: 'baselineDate must be a date that exists' })
  baselineDate?: string | null;

  @ApiPropertyOptional({ type: String, example: '3', nullable: true, description: DECIMAL_DESCRIPTION })
  @IndicatorDecimal()
  targetValue?: string | null;

  @ApiPropertyOptional({ example: 2028 })
  @IsOptional()
  @IsInt()
  @Min(2000)
  @Max(2100)
  targetYear?: number | null;

  @ApiPropertyOptional({ description: 'for priced benefits: the price level year' })
  @IsOptional()
  @IsInt()
  @Min(2000)
  @Max(2100)
  priceYear?: number | null;
}

export class BenefitPlanDto {
  @ApiProperty({ type: [IndicatorDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => IndicatorDto)
  indicators: IndicatorDto[];
}

export class ContactPersonDto {
  @ApiProperty()
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty()
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string;

  @ApiPropertyOptional({ example: 'prosjektleder' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  role?: string;
}

/** The editable fields of a draft; arrays replace the whole list. */
export class ApplicationDraftDto {
  @ApiPropertyOptional()
  @present()
  @IsString()
  @Length(3, 300)
  @NotBlank(3)
  title?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  description?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  purpose?: string | null;

  @ApiPropertyOptional({ example: '2026-03-01' })
  @IsOptional()
  @Matches(DATE, { message: 'projectStart must be YYYY-MM-DD' })
  @IsISO8601(REAL_DATE, { message: 'projectStart must be a date that exists' })
  projectStart?: string | null;

  @ApiPropertyOptional({ example: '2028-02-28' })
  @IsOptional()
  @Matches(DATE, { message: 'projectEnd must be YYYY-MM-DD' })
  @IsISO8601(REAL_DATE, { message: 'projectEnd must be a date that exists' })
  projectEnd?: string | null;

  @ApiPropertyOptional({ enum: SERVICE_AREAS, isArray: true })
  @present()
  @IsArray()
  @ArrayMaxSize(SERVICE_AREAS.length)
  @IsIn(SERVICE_AREAS as unknown as string[], { each: true })
  serviceAreas?: string[];

  @ApiPropertyOptional({ type: [BudgetLineDto] })
  @present()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => BudgetLineDto)
  budgetLines?: BudgetLineDto[];

  @ApiPropertyOptional({ description: 'øre' })
  @IsOptional()
  @IsInt()
  @Min(MONEY.min)
  @Max(MONEY.max)
  requestedAmountOre?: number | null;

  @ApiPropertyOptional({ description: 'øre (egeninnsats/egenfinansiering)' })
  @IsOptional()
  @IsInt()
  @Min(MONEY.min)
  @Max(MONEY.max)
  ownContributionOre?: number | null;

  @ApiPropertyOptional({ type: OtherPublicFundingDto })
  @present()
  @ValidateNested()
  @Type(() => OtherPublicFundingDto)
  otherPublicFunding?: OtherPublicFundingDto;

  @ApiPropertyOptional({
    example: ['NORMEN', 'DPIA_ROS'],
    description: "codes of the call's required confirmations that the applicant confirms",
  })
  @present()
  @IsArray()
  @ArrayMaxSize(30)
  @Matches(CODE, { each: true, message: 'each confirmation must be a code' })
  confirmations?: string[];

  @ApiPropertyOptional({ type: BenefitPlanDto })
  @present()
  @ValidateNested()
  @Type(() => BenefitPlanDto)
  benefitPlan?: BenefitPlanDto;

  @ApiPropertyOptional({ type: [ContactPersonDto] })
  @present()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ContactPersonDto)
  contactPersons?: ContactPersonDto[];
}

export class CreateApplicationDto extends OmitType(ApplicationDraftDto, ['title'] as const) {
  @ApiProperty()
  @IsUuid()
  callId: string;

  @ApiProperty()
  @IsUuid()
  consortiumId: string;

  @ApiProperty({ example: 'Felles innføring av ny journalløsning i Nordhordland' })
  @IsString()
  @Length(3, 300)
  @NotBlank(3)
  title: string;
}

export class WithdrawDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class FormalCheckDto {
  @ApiProperty({
    enum: ['eligible', 'rejected'],
    description: 'eligible: goes on to assessment; rejected: avvist, does not meet the requirements',
  })
  @IsIn(['eligible', 'rejected'])
  outcome: 'eligible' | 'rejected';

  @ApiPropertyOptional({ description: 'required when rejected: the rationale the applicant receives (forvaltningsloven § 24–25)' })
  @ValidateIf((o: FormalCheckDto) => o.outcome === 'rejected' || o.reason !== undefined)
  @IsString()
  @Length(3, 5000)
  reason?: string;
}

export class ReturnForCompletionDto {
  @ApiProperty({ description: 'what the applicant must complete' })
  @IsString()
  @Length(3, 5000)
  reason: string;

  @ApiPropertyOptional({ description: 'deadline for resubmission, Oslo wall-clock or ISO instant; default 14 days from now' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  dueAt?: string;
}

export class ExtendCompletionDto {
  @ApiProperty({
    description: 'the new deadline for resubmission, Oslo wall-clock or ISO instant; later than the current one',
    example: '2026-12-15T12:00',
  })
  @IsString()
  @MaxLength(40)
  dueAt: string;

  @ApiProperty({ description: 'why the deadline moves (told to the applicant and kept in the case)' })
  @IsString()
  @Length(3, 2000)
  reason: string;
}

export class ApplicationQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUuid()
  callId?: string;

  @ApiPropertyOptional({ enum: APPLICATION_STATES })
  @IsOptional()
  @IsIn(APPLICATION_STATES as unknown as string[])
  status?: string;

  @ApiPropertyOptional({ enum: HEALTH_REGIONS, description: "the lead municipality's health region" })
  @IsOptional()
  @IsIn(HEALTH_REGIONS as unknown as string[])
  region?: string;

  @ApiPropertyOptional({ example: 'INNFORING' })
  @IsOptional()
  @Matches(CODE, { message: 'measure must be a measure code' })
  measure?: string;

  @ApiPropertyOptional({ description: 'search in title, description, consortium name and case number' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class UploadAttachmentDto {
  @ApiPropertyOptional({ description: 'what the document is, e.g. "gevinstkart"' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}
