import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ROLES } from '../../common/roles';

/** What the API answers about sign-in, users and API tokens (see common/openapi.ts). */

export class TokenPairView {
  @ApiProperty({ enum: ['Bearer'] })
  tokenType: 'Bearer';

  @ApiProperty({ description: 'short-lived JWT: Authorization: Bearer …' })
  accessToken: string;

  @ApiProperty({ example: 900, description: 'seconds the access token is valid' })
  expiresIn: number;

  @ApiProperty({ description: 'trade it at POST /auth/refresh for a new pair; each works once' })
  refreshToken: string;

  @ApiProperty({ format: 'date-time' })
  refreshExpiresAt: string;
}

export class MeUserView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'email' })
  email: string;

  @ApiProperty()
  displayName: string;

  @ApiProperty({ type: String, enum: ['nb', 'nn'], nullable: true })
  preferredLanguage: 'nb' | 'nn' | null;
}

export class MeOrganisationView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ example: 'MUNICIPALITY' })
  kind: string;

  @ApiProperty({ type: String, nullable: true })
  municipalityNumber: string | null;
}

export class MeView {
  @ApiProperty({ type: MeUserView })
  user: MeUserView;

  @ApiProperty({ enum: ROLES, isArray: true })
  roles: string[];

  @ApiProperty({ type: [MeOrganisationView], description: 'the organisations the user acts for (applicants)' })
  organisations: MeOrganisationView[];

  @ApiProperty({ type: [String], example: ['applications:read'], description: 'what the caller may do (narrowed to the token’s scopes)' })
  permissions: string[];

  @ApiProperty({ enum: ['session', 'api-token'] })
  via: 'session' | 'api-token';

  @ApiPropertyOptional({ format: 'uuid', description: 'with an API token: its id' })
  tokenId?: string;

  @ApiPropertyOptional({ type: [String], description: 'with an API token: its scopes' })
  scopes?: string[];
}

export class UserView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'email' })
  email: string;

  @ApiProperty()
  displayName: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  roles: string[];

  @ApiProperty({ type: [String], description: 'organisation ids the user acts for (applicants)' })
  organisationIds: string[];

  @ApiProperty()
  active: boolean;

  @ApiProperty({ type: String, enum: ['nb', 'nn'], nullable: true })
  preferredLanguage: 'nb' | 'nn' | null;

  @ApiProperty({ description: 'can sign in with a password' })
  hasPassword: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class ApiTokenView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  userId: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ example: 'hto_pat_ab12', description: 'the first characters of the secret, to recognise it' })
  hint: string;

  @ApiProperty({ type: [String], example: ['insights:read'] })
  scopes: string[];

  @ApiProperty({ enum: ['active', 'expired', 'revoked'] })
  status: 'active' | 'expired' | 'revoked';

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastUsedAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revokedAt: string | null;
}

export class CreatedApiTokenView extends ApiTokenView {
  @ApiProperty({ example: 'hto_pat_…', description: 'the secret: shown in this response only' })
  token: string;
}
