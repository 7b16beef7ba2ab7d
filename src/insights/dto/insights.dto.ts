import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsUuid } from '../../common/validation';
import { HEALTH_REGIONS } from '../../organisations/entities/municipality.entity';

/** The filters every insights route takes (JSON, CSV, XLSX and the charts alike). */
export class InsightsFilterQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'one call' })
  @IsOptional()
  @IsUuid()
  callId?: string;

  @ApiPropertyOptional({ example: 'INNFORING', description: 'the calls of one measure (its code)' })
  @IsOptional()
  @Matches(/^[A-Z][A-Z0-9_]{1,49}$/, { message: 'measure must be a measure code such as INNFORING' })
  measure?: string;

  @ApiPropertyOptional({
    example: 2027,
    description: 'the calls of one year (the year a call closes, Europe/Oslo); for reach: cumulative up to and including it',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year?: number;

  @ApiPropertyOptional({ enum: HEALTH_REGIONS, description: "the lead municipality's (reach: each municipality's own)" })
  @IsOptional()
  @IsIn(HEALTH_REGIONS as unknown as string[])
  healthRegion?: string;

  @ApiPropertyOptional({
    example: 'Vestland',
    description: "the county (fylke) by name: the lead municipality's (reach: each municipality's own)",
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  county?: string;
}

export const EXPORT_FORMATS = ['json', 'csv', 'xlsx'] as const;
export const CSV_DIALECTS = ['intl', 'no'] as const;

/** The filters and the form of the answer. */
export class InsightsQuery extends InsightsFilterQuery {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS as unknown as string[])
  format?: (typeof EXPORT_FORMATS)[number];

  @ApiPropertyOptional({
    enum: CSV_DIALECTS,
    default: 'intl',
    description: 'CSV only: `intl` comma-separated with a decimal point; `no` semicolon-separated with a decimal comma and a BOM',
  })
  @IsOptional()
  @IsIn(CSV_DIALECTS as unknown as string[])
  dialect?: (typeof CSV_DIALECTS)[number];
}
