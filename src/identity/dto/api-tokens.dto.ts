import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { IsIsoDateTime, IsUuid } from '../../common/validation';
import { TOKEN_SCOPES } from '../permissions';

export const API_TOKEN_MAX_DAYS = 365;

export class CreateApiTokenDto {
  @ApiProperty({ example: 'evaluering-skript', description: 'what the token is for, to recognise it later' })
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'name must not be blank' })
  name: string;

  @ApiProperty({
    enum: TOKEN_SCOPES,
    isArray: true,
    example: ['insights:read'],
    description: 'permissions the token carries; each must be one of yours',
  })
  @IsArray()
  @ArrayMinSize(1, { message: 'a token needs at least one scope' })
  @ArrayMaxSize(TOKEN_SCOPES.length)
  @ArrayUnique()
  @IsIn(TOKEN_SCOPES as string[], { each: true, message: `each scope must be one of ${TOKEN_SCOPES.join(', ')}` })
  scopes: string[];

  @ApiProperty({
    example: '2026-06-30T00:00:00+02:00',
    description: `when the token stops working; at most ${API_TOKEN_MAX_DAYS} days ahead`,
  })
  @IsIsoDateTime('expiresAt must be an ISO 8601 date-time')
  expiresAt: string;
}

export class ApiTokenQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'admins: list another user’s tokens' })
  @IsOptional()
  @IsUuid()
  userId?: string;
}
