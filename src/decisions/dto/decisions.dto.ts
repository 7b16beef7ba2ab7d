import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { NotBlank } from '../../common/validation';
import { PageQuery } from '../../common/pagination';
import { DECISION_STATES } from '../decision.workflow';
import { DECISION_OUTCOMES, DecisionOutcome } from '../entities/decision.entity';

const MAX_OF_BIGINT = Number.MAX_SAFE_INTEGER;

/** What the officer decides; left-out fields are prefilled (amount from the latest allocation proposal, reasons from the assessment). */
export class DraftDecisionDto {
  @ApiPropertyOptional({
    enum: DECISION_OUTCOMES,
    description: 'derived from the amount when left out (0: REJECTED, the full request: GRANTED, else PARTLY_GRANTED)',
  })
  @IsOptional()
  @IsIn(DECISION_OUTCOMES as unknown as string[])
  outcome?: DecisionOutcome;

  @ApiPropertyOptional({
    description:
      "øre; not above the request nor the call's grant share of the eligible costs. Left out: the latest allocation proposal's amount, else the most the rules allow (0 for REJECTED)",
    example: 125_000_000,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_OF_BIGINT)
  amountOre?: number;

  @ApiPropertyOptional({
    description:
      "the reasons the letter gives (forvaltningsloven §§ 24–25: the main considerations); prefilled from the assessment (score, rank, the heaviest criteria) in the lead municipality's language",
  })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  reasons?: string;

  @ApiPropertyOptional({ description: "the rules the decision rests on; the call's legal basis when left out" })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  legalBasis?: string;

  @ApiPropertyOptional({ description: 'an internal note: never in the letter, never shown to the applicant' })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  internalNote?: string;

  @ApiPropertyOptional({ type: [String], description: "conditions beyond the call's standard conditions, in the letter's language" })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @Length(1, 2000, { each: true })
  specificConditions?: string[];

  @ApiPropertyOptional({
    description:
      'required when the decision funds out of rank order (grants while a higher-ranked application is rejected or cut, or the reverse)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  outOfRankJustification?: string;
}

export class UpdateDecisionDto extends DraftDecisionDto {}

export class ReturnDecisionDto {
  @ApiProperty({ description: 'what the officer must change' })
  @IsString()
  @Length(1, 5000)
  @NotBlank()
  comment: string;
}

export class ApproveDecisionDto {
  @ApiPropertyOptional({ description: "the approver's comment, kept with the approval" })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  comment?: string;
}

export class DiscardDecisionDto {
  @ApiProperty()
  @IsString()
  @Length(1, 5000)
  @NotBlank()
  reason: string;
}

export const BULK_ACTIONS = ['approve', 'return'] as const;

export class BulkDecisionDto {
  @ApiProperty({ enum: BULK_ACTIONS })
  @IsIn(BULK_ACTIONS as unknown as string[])
  action: (typeof BULK_ACTIONS)[number];

  @ApiProperty({ type: [String], description: 'each decision is approved or returned as if alone' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  decisionIds: string[];

  @ApiPropertyOptional({ description: 'required for return' })
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  @NotBlank()
  comment?: string;
}

export class DecisionListQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  callId?: string;

  @ApiPropertyOptional({ enum: DECISION_STATES })
  @IsOptional()
  @IsIn(DECISION_STATES as unknown as string[])
  status?: string;
}

export class LetterQuery {
  @ApiPropertyOptional({ enum: ['html', 'pdf'], default: 'pdf' })
  @IsOptional()
  @IsIn(['html', 'pdf'])
  format?: 'html' | 'pdf';
}
