import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/openapi';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { AuthService } from './auth.service';
import { ChangePasswordDto, LoginDto, RefreshTokenDto, TokenPair } from './dto/auth.dto';
import { MeView, TokenPairView } from './dto/identity.views';
import { LoginRateLimited } from './login-throttle';
import { effectivePermissions } from './permissions';
import { UsersService } from './users.service';
import { Actor } from '../common/actor';
import { CurrentActor, Public, RequirePermission } from '../common/decorators';
import { organisationsByIds } from './identity.queries';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with e-mail and password: a short-lived access token and a refresh token' })
  @ApiOkResponse({ type: TokenPairView })
  @ApiProblems(400, 401, 429)
  async login(@Body() dto: LoginDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<TokenPair> {
    try {
      return await this.auth.login(dto.email, dto.password, req.ip ?? 'unknown');
    } catch (e) {
      if (e instanceof LoginRateLimited) res.setHeader('Retry-After', String(e.retryAfterSeconds));
      throw e;
    }
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Trade a refresh token for a new pair; each refresh token works once' })
  @ApiOkResponse({ type: TokenPairView })
  @ApiProblems(400, 401)
  refresh(@Body() dto: RefreshTokenDto): Promise<TokenPair> {
    return this.auth.refresh(dto.refreshToken);
  }

  @Post('logout')
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'End the session of this refresh token (its access tokens stop working too)' })
  @ApiNoContentResponse({ description: 'signed out (also when the token was no longer valid)' })
  @ApiProblems(400)
  async logout(@Body() dto: RefreshTokenDto): Promise<void> {
    await this.auth.logout(dto.refreshToken);
  }
}

@ApiTags('auth')
@Controller('me')
export class MeController {
  constructor(
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly dataSource: DataSource,
  ) {}

  @Post('password')
  @RequirePermission('me:read')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Change my own password; every session and API token of mine ends, this one included (sign in again)',
  })
  @ApiNoContentResponse({ description: 'changed; sign in again with the new password' })
  @ApiProblems(400, 429)
  async changePassword(
    @CurrentActor() actor: Actor,
    @Body() dto: ChangePasswordDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    try {
      await this.auth.changeOwnPassword(actor, dto.currentPassword, dto.newPassword, req.ip ?? 'unknown');
    } catch (e) {
      if (e instanceof LoginRateLimited) res.setHeader('Retry-After', String(e.retryAfterSeconds));
      throw e;
    }
  }

  @Get()
  @RequirePermission('me:read')
  @ApiOperation({ summary: 'Who I am: user, roles, organisations and what I may do (narrowed to the token’s scopes for API tokens)' })
  @ApiOkResponse({ type: MeView })
  async me(@CurrentActor() actor: Actor): Promise<MeView> {
    const user = await this.users.get(actor.userId);
    const organisations = await organisationsByIds(this.dataSource.manager, actor.organisationIds);
    return {
      user: { id: user.id, email: user.email, displayName: user.displayName, preferredLanguage: user.preferredLanguage },
      roles: actor.roles,
      organisations,
      permissions: [...effectivePermissions(actor)].sort(),
      via: actor.via,
      ...(actor.via === 'api-token' ? { tokenId: actor.tokenId, scopes: actor.scopes } : {}),
    };
  }
}
