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
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { ASSIGNMENT_STATES } from '../assignment.workflow';
import { RECOMMENDATIONS, TIE_KINDS } from '../entities/assessment.entity';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const REAL_DATE = { strict: true, strictSeparator: true };
const CODE = /^[A-Z][A-Z0-9_]{1,49}$/;

export class TieDto {
  @ApiProperty({ description: 'the organisation (municipality, health trust, KS …) the assessor is tied to' })
  @IsUUID()
  organisationId: string;

  @ApiProperty({ enum: TIE_KINDS })
  @IsIn(TIE_KINDS as unknown as string[])
  kind: (typeof TIE_KINDS)[number];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ example: '2020-01-01' })
  @IsOptional()
  @Matches(DATE, { message: 'validFrom must be YYYY-MM-DD' })
  @IsISO8601(REAL_DATE, { message: 'validFrom must be a date that exists' })
  validFrom?: string;

  @ApiPropertyOptional({ example: '2024-12-31', description: 'left out: the tie holds still' })
  @IsOptional()
  @Matches(DATE, { message: 'validTo must be YYYY-MM-DD' })
  @IsISO8601(REAL_DATE, { message: 'validTo must be a date that exists' })
  validTo?: string;
}

export class TiesDto {
  @ApiProperty({ type: [TieDto], description: 'the whole list; replaces the one stored' })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => TieDto)
  ties: TieDto[];
}

export class AssignDto {
  @ApiProperty({ description: 'the user to assess (an assessor, or an officer who assesses too)' })
  @IsUUID()
  assessorId: string;

  @ApiPropertyOptional({ description: "assessment deadline (ISO 8601 instant); the call rules' assessmentDays from now when left out" })
  @IsOptional()
  @IsISO8601({ strict: true })
  dueAt?: string;
}

export class BulkAssignDto {
  @ApiProperty({ type: [String], description: 'assessors to spread over the eligible applications of the call' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  assessorIds: string[];

  @ApiProperty({ example: 2, description: 'assessors each application should have' })
  @IsInt()
  @Min(1)
  @Max(10)
  perApplication: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsISO8601({ strict: true })
  dueAt?: string;
}

export class DeclarationDto {
  @ApiProperty({ description: 'true: I have a conflict of interest (inhabil) and step down; false: no conflict' })
  @IsBoolean()
  conflict: boolean;

  @ApiPropertyOptional({ description: 'required with a conflict: what the tie is' })
  @ValidateIf((o: DeclarationDto) => o.conflict === true || o.description !== undefined)
  @IsString()
  @Length(3, 5000)
  description?: string;
}

export class ScoreDto {
  @ApiProperty({ example: 'BREDDE' })
  @Matches(CODE, { message: 'criterion must be an UPPER_SNAKE_CASE code' })
  criterion: string;

  @ApiPropertyOptional({ description: 'a whole score on the criterion’s scale; null or left out with notApplicable' })
  @ValidateIf((o: ScoreDto) => o.notApplicable !== true)
  @IsInt()
  @Min(-1000)
  @Max(1000)
  score?: number | null;

  @ApiPropertyOptional({ description: 'N/A, where the criterion allows it (left out of the weighted score)' })
  @IsOptional()
  @IsBoolean()
  notApplicable?: boolean;

  @ApiPropertyOptional({ description: 'required at the ends of the scale and for N/A' })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  rationale?: string;
}

export class ScoresDto {
  @ApiProperty({ type: [ScoreDto], description: 'answers to save (others stay as they are)' })
  @IsArray()
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => ScoreDto)
  scores: ScoreDto[];
}

export class CompleteDto {
  @ApiProperty({ enum: RECOMMENDATIONS })
  @IsIn(RECOMMENDATIONS as unknown as string[])
  recommendation: (typeof RECOMMENDATIONS)[number];

  @ApiProperty({ description: 'the recommendation’s reasons (and the conditions, for fund with conditions)' })
  @IsString()
  @Length(3, 10000)
  comment: string;
}

export class ReasonDto {
  @ApiProperty()
  @IsString()
  @Length(3, 5000)
  reason: string;
}

export class ModerationDto {
  @ApiProperty({ type: [ScoreDto], description: 'the agreed score for every criterion, each with a rationale' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => ScoreDto)
  scores: ScoreDto[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  note?: string;
}

export class LineAdjustmentDto {
  @ApiProperty()
  @IsUUID()
  applicationId: string;

  @ApiProperty({ description: 'øre' })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  amountOre: number;

  @ApiProperty({ description: 'why this line changes' })
  @IsString()
  @Length(3, 2000)
  reason: string;
}

export class AdjustProposalDto {
  @ApiProperty({ type: [LineAdjustmentDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => LineAdjustmentDto)
  lines: LineAdjustmentDto[];
}

export class AssignmentQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ASSIGNMENT_STATES })
  @IsOptional()
  @IsIn(ASSIGNMENT_STATES as unknown as string[])
  status?: string;
}
