import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { CommonErrors } from '../common/common.errors';
import { DomainError } from '../common/problem';
import { requestContext } from '../common/request-context';
import { AccessDenials } from './access-denials';
import { IdentityErrors as E } from './identity.errors';
import { effectivePermissions, permissionsOf } from './permissions';
import { API_TOKEN_PREFIX, secretHash } from './secrets';
import { isUuid } from '../common/uuid';
import { Actor } from '../common/actor';
import { PERMISSION_KEY, PUBLIC_KEY } from '../common/decorators';
import { Permission } from '../common/permissions';
import { apiTokenActor, sessionActor, touchApiToken } from './identity.queries';

export interface AccessTokenClaims {
  sub: string;
  typ: 'access';
  /** The login session; when it is revoked (logout, refresh-token reuse) its access tokens stop working too. */
  sid: string;
}

const invalidToken = () =>
  new DomainError(401, E.INVALID_TOKEN, 'The token is invalid, expired or revoked, or the account is deactivated.');

/**
 * Global guard: who is calling (session JWT or personal API token), and may they call this route at all
 * (its declared permission). Whether they may touch a particular object is the service's question.
 * Every request re-reads the account, so deactivation and revocation take effect at once.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('AuthGuard');

  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly dataSource: DataSource,
    private readonly denials: AccessDenials,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [ctx.getHandler(), ctx.getClass()]);
    const permission = this.reflector.getAllAndOverride<Permission>(PERMISSION_KEY, [ctx.getHandler(), ctx.getClass()]);
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;

    if (isPublic) {
      if (token) req.actor = await this.resolve(token).catch(() => undefined);
      this.remember(req.actor);
      return true;
    }
    if (!token) throw new DomainError(401, E.UNAUTHENTICATED, 'Sign in to use this endpoint: send Authorization: Bearer <token>.');
    const actor = await this.resolve(token);
    req.actor = actor;
    this.remember(actor);
    if (!permission) {
      this.logger.error(`route ${req.method} ${req.route?.path} declares no permission; denying`);
      await this.denials.record(req, { code: E.NO_ACCESS_RULE });
      throw DomainError.forbidden('This endpoint has no access rule and is closed.');
    }
    if (!effectivePermissions(actor).has(permission)) {
      const byScope = !!actor.scopes && permissionsOf(actor.roles).has(permission);
      await this.denials.record(req, { code: byScope ? E.TOKEN_SCOPE : CommonErrors.FORBIDDEN, permission });
      throw DomainError.forbidden(
        byScope
          ? `This API token is not scoped for ${permission} (its scopes: ${actor.scopes!.join(', ')}).`
          : `Your roles (${actor.roles.join(', ')}) do not allow ${permission}.`,
      );
    }
    return true;
  }

  private remember(actor: Actor | undefined) {
    const ctx = requestContext.get();
    if (ctx && actor) ctx.actor = actor;
  }

  async resolve(token: string): Promise<Actor> {
    return token.startsWith(API_TOKEN_PREFIX) ? this.resolveApiToken(token) : this.resolveAccessToken(token);
  }

  private async resolveAccessToken(token: string): Promise<Actor> {
    let claims: AccessTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims>(token);
    } catch {
      throw invalidToken();
    }
    // every access token belongs to a sign-in session, so ending the session ends the token
    if (claims.typ !== 'access' || !isUuid(String(claims.sub)) || !isUuid(String(claims.sid))) throw invalidToken();
    const u = await sessionActor(this.dataSource.manager, claims.sub, claims.sid);
    if (!u) throw invalidToken();
    return { userId: u.id, email: u.email, roles: u.roles, organisationIds: u.organisation_ids, via: 'session' };
  }

  private async resolveApiToken(token: string): Promise<Actor> {
    const u = await apiTokenActor(this.dataSource.manager, secretHash(token));
    if (!u) throw invalidToken();
    // minute precision is enough to see whether a token is still in use, and spares a write per request
    if (u.stale) await touchApiToken(this.dataSource.manager, u.token_id);
    return {
      userId: u.id,
      email: u.email,
      roles: u.roles,
      organisationIds: u.organisation_ids,
      via: 'api-token',
      tokenId: u.token_id,
      scopes: u.scopes,
    };
  }
}
