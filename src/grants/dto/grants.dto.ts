import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, ValidateNested } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { NotBlank } from '../../common/validation';
import { GRANT_STATES } from '../grant.workflow';
import { PayeeDto } from '../payments/dto/payments.dto';

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

  @ApiPropertyOptional({
    type: PayeeDto,
    description:
      "the lead municipality's organisation number and account for the payments (MOD11); may also be registered later with PUT /grants/{id}/payee",
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => PayeeDto)
  payee?: PayeeDto;
}

/** The fields sent with a signed acceptance (multipart/form-data, beside the document in `file`). */
export class SignedAcceptanceDto extends OmitType(AcceptGrantDto, ['payee'] as const) {
  @ApiPropertyOptional({ example: '2026-12-01', description: 'the day it was signed (Oslo); left out: today' })
  @IsOptional()
  @Matches(DATE, { message: 'signedOn must be YYYY-MM-DD' })
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'signedOn must be a date that exists' })
  signedOn?: string;
}
