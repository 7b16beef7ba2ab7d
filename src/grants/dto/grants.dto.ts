import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { NotBlank } from '../../common/validation';
import { GRANT_STATES } from '../grant.workflow';

export class GrantListQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  callId?: string;

  @ApiPropertyOptional({ enum: GRANT_STATES })
  @IsOptional()
  @IsIn(GRANT_STATES as unknown as string[])
  status?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The person who accepts the grant's conditions for the lead municipality (rådmann, kommunedirektør …). */
export class AcceptGrantDto {
  @ApiProperty({ example: 'Kari Nordmann', description: 'who accepts for the municipality' })
  @IsString()
  @Length(1, 200)
  @NotBlank()
  name: string;

  @ApiProperty({ example: 'Kommunedirektør', description: 'their title (stilling)' })
  @IsString()
  @Length(1, 200)
  @NotBlank()
  title: string;
}

/** The fields sent with a signed acceptance (multipart/form-data, beside the document in `file`). */
export class SignedAcceptanceDto extends AcceptGrantDto {
  @ApiPropertyOptional({ example: '2026-12-01', description: 'the day it was signed (Oslo); left out: today' })
  @IsOptional()
  @Matches(DATE, { message: 'signedOn must be YYYY-MM-DD' })
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'signedOn must be a date that exists' })
  signedOn?: string;
}
