import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../../common/pagination';
import { IsCalendarDate, NotBlank } from '../../../common/validation';
import { EXEMPTION_SCOPES, ExemptionScope } from './public.views';

export class PublicJournalQuery extends PageQuery {
  @ApiPropertyOptional({ example: '2026-03-01', description: 'first journal date (Europe/Oslo), inclusive' })
  @IsOptional()
  @IsCalendarDate('from')
  from?: string;

  @ApiPropertyOptional({ example: '2026-03-31', description: 'last journal date (Europe/Oslo), inclusive' })
  @IsOptional()
  @IsCalendarDate('to')
  to?: string;
}

export class PublicGrantsQuery extends PageQuery {}

export class JournalExemptionDto {
  @ApiProperty({ enum: EXEMPTION_SCOPES, description: 'ENTRY withholds the title and counterpart; TITLE screens the title only' })
  @IsIn(EXEMPTION_SCOPES)
  scope: ExemptionScope;

  @ApiProperty({ example: 'offentleglova § 13 jf. forvaltningsloven § 13', description: 'the legal basis (hjemmel)' })
  @IsString()
  @NotBlank(3)
  @MaxLength(300)
  legalBasis: string;

  @ApiPropertyOptional({
    example: 'Søknad om tilskudd: *****',
    description: 'TITLE only: the title with the exempt words replaced by *****; without it the whole title is *****',
  })
  @IsOptional()
  @IsString()
  @NotBlank()
  @MaxLength(500)
  publicTitle?: string;
}
