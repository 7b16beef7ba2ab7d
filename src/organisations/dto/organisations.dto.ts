import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { NotBlank } from '../../common/validation';
import { HEALTH_REGIONS } from '../entities/municipality.entity';
import { ORGANISATION_KINDS } from '../entities/organisation.entity';
import { IsUuid } from '../../common/validation';

export class MunicipalityQuery extends PageQuery {
  @ApiPropertyOptional({ enum: HEALTH_REGIONS })
  @IsOptional()
  @IsIn(HEALTH_REGIONS as unknown as string[])
  helseregion?: string;

  @ApiPropertyOptional({ description: 'county (fylke) name' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  fylke?: string;

  @ApiPropertyOptional({ description: 'search in name or number' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

export class OrganisationQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ORGANISATION_KINDS })
  @IsOptional()
  @IsIn(ORGANISATION_KINDS as unknown as string[])
  kind?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

const KOMMUNENUMMER = /^[0-9]{4}$/;

export class CreateConsortiumDto {
  @ApiProperty({ example: 'Bergensalliansen' })
  @IsString()
  @Length(2, 200)
  @NotBlank(2)
  name: string;

  @ApiProperty({ example: '4601', description: 'kommunenummer of the lead municipality (tilskuddsansvarlig); must be among members' })
  @IsString()
  @Matches(KOMMUNENUMMER, { message: 'leadMunicipality must be a 4-digit kommunenummer' })
  leadMunicipality: string;

  @ApiProperty({ example: ['4601', '4631', '4630'], description: 'kommunenummer of every member municipality, the lead included' })
  @IsArray()
  @ArrayMinSize(2, { message: 'a consortium needs at least two municipalities' })
  @ArrayMaxSize(357)
  @Matches(KOMMUNENUMMER, { each: true, message: 'each member must be a 4-digit kommunenummer' })
  members: string[];

  @ApiPropertyOptional({ description: 'organisation ids of health trusts (helseforetak) joining as optional members' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUuid({ each: true })
  healthTrusts?: string[];
}

export class UpdateConsortiumDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(2, 200)
  @NotBlank(2)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(KOMMUNENUMMER, { message: 'leadMunicipality must be a 4-digit kommunenummer' })
  leadMunicipality?: string;

  @ApiPropertyOptional({ description: 'replaces the member list' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(2, { message: 'a consortium needs at least two municipalities' })
  @ArrayMaxSize(357)
  @Matches(KOMMUNENUMMER, { each: true, message: 'each member must be a 4-digit kommunenummer' })
  members?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUuid({ each: true })
  healthTrusts?: string[];
}

export class ConsortiumQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'only consortia with this member municipality' })
  @IsOptional()
  @Matches(KOMMUNENUMMER)
  member?: string;
}

export class LetterOfIntentDto {
  @ApiProperty({
    description: "id of the signed letter of intent (intensjonsavtale), a PDF attached to one of the consortium's applications",
  })
  @IsUuid()
  attachmentId: string;
}
