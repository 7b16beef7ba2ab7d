import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, MaxLength, Min, ValidateIf } from 'class-validator';
import { IsIsoDateTime } from '../../common/validation';
import { PageQuery } from '../../common/pagination';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'consortium' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  entityType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  entityId?: string;

  @ApiPropertyOptional({ description: 'user id, or the e-mail/label the event was recorded with (e.g. for failed logins)' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  actor?: string;

  @ApiPropertyOptional({ example: 'auth.*', description: 'exact action, or a prefix ending in *' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.:-]{1,100}\*?$/, { message: 'action must be an action name, optionally ending in *' })
  action?: string;

  @ApiPropertyOptional({ description: 'from this time (inclusive), ISO 8601' })
  @IsOptional()
  @IsIsoDateTime('from must be an ISO 8601 date or date-time')
  from?: string;

  @ApiPropertyOptional({ description: 'until this time (exclusive), ISO 8601' })
  @IsOptional()
  @IsIsoDateTime('to must be an ISO 8601 date or date-time')
  to?: string;
}

/** A head of the chain a caller kept from an earlier verify (lastSeq, lastHash): it must still be in the chain. */
export class VerifyQuery {
  @ApiPropertyOptional({ description: 'lastSeq of an earlier verify report, kept outside this system' })
  @ValidateIf((q: VerifyQuery) => q.anchorSeq !== undefined || q.anchorHash !== undefined)
  @Type(() => Number)
  @IsInt({ message: 'anchorSeq must be a whole number, given together with anchorHash' })
  @Min(1)
  anchorSeq?: number;

  @ApiPropertyOptional({ description: 'lastHash of that report (64 hex characters); required with anchorSeq' })
  @ValidateIf((q: VerifyQuery) => q.anchorSeq !== undefined || q.anchorHash !== undefined)
  @Matches(/^[0-9a-f]{64}$/, { message: 'anchorHash must be the 64 hex characters of an entry hash, given together with anchorSeq' })
  anchorHash?: string;
}
