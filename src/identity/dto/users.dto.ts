import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../passwords';
import { IsUuid } from '../../common/validation';
import { Role, ROLES } from '../../common/roles';

const LANGUAGES = ['nb', 'nn'];

export class CreateUserDto {
  @ApiProperty({ example: 'kari.nordmann@bergen.kommune.no' })
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(320)
  email: string;

  @ApiProperty({ example: 'Kari Nordmann' })
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'displayName must not be blank' })
  displayName: string;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['applicant'] })
  @IsArray()
  @ArrayMinSize(1, { message: 'a user needs at least one role' })
  @ArrayUnique()
  @IsIn(ROLES as unknown as string[], { each: true, message: `each role must be one of ${ROLES.join(', ')}` })
  roles: Role[];

  @ApiPropertyOptional({ description: 'organisations the user acts for; required for applicants', type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUuid({ each: true })
  organisationIds?: string[];

  @ApiPropertyOptional({
    description: `initial password (${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters); omit for users who will sign in another way`,
    format: 'password',
  })
  @IsOptional()
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  password?: string;

  @ApiPropertyOptional({ enum: LANGUAGES })
  @IsOptional()
  @IsIn(LANGUAGES)
  preferredLanguage?: 'nb' | 'nn' | null;
}

export class UpdateUserDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'displayName must not be blank' })
  displayName?: string;

  @ApiPropertyOptional({ enum: ROLES, isArray: true, description: 'replaces the roles' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, { message: 'a user needs at least one role' })
  @ArrayUnique()
  @IsIn(ROLES as unknown as string[], { each: true, message: `each role must be one of ${ROLES.join(', ')}` })
  roles?: Role[];

  @ApiPropertyOptional({ type: [String], description: 'replaces the organisation bindings' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUuid({ each: true })
  organisationIds?: string[];

  @ApiPropertyOptional({ description: 'false deactivates: sign-in, sessions and API tokens stop working at once' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ description: 'sets a new password and ends the user’s sessions and API tokens', format: 'password' })
  @IsOptional()
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  password?: string;

  @ApiPropertyOptional({ enum: LANGUAGES, nullable: true })
  @IsOptional()
  @IsIn(LANGUAGES)
  preferredLanguage?: 'nb' | 'nn' | null;
}

export class UserQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES as unknown as string[])
  role?: Role;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'active must be true or false' })
  active?: boolean;

  @ApiPropertyOptional({ description: 'only users bound to this organisation' })
  @IsOptional()
  @IsUuid()
  organisationId?: string;

  @ApiPropertyOptional({ description: 'search in e-mail and name' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}
