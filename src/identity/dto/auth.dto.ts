import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../passwords';
import { REFRESH_TOKEN_PREFIX } from '../secrets';

export class LoginDto {
  @ApiProperty({ example: 'officer@demo.local' })
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(320)
  email: string;

  @ApiProperty({ example: 'demo-passord-2024', format: 'password' })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;
}

export class RefreshTokenDto {
  @ApiProperty({ description: 'the refresh token from the last login or refresh; each one works once' })
  @IsString()
  @MaxLength(200)
  @Matches(new RegExp(`^${REFRESH_TOKEN_PREFIX}`), { message: `refreshToken must be a refresh token (${REFRESH_TOKEN_PREFIX}…)` })
  refreshToken: string;
}

export interface TokenPair {
  tokenType: 'Bearer';
  accessToken: string;
  /** Seconds the access token is valid. */
  expiresIn: number;
  refreshToken: string;
  refreshExpiresAt: string;
}

export class ChangePasswordDto {
  @ApiProperty({ description: 'the password in use now', format: 'password' })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX_LENGTH)
  currentPassword: string;

  @ApiProperty({ description: `the new password (${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters)`, format: 'password' })
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  newPassword: string;
}
